import { Injectable } from '@nestjs/common';
import type { PersonEntity } from './directory.entities';

/** How long a person looked up by the auth guard is reused: a role change made in another process
 * takes effect within this time; one made through this process's DirectoryService at once. */
export const PERSON_CACHE_MS = 5000;
const MAX_ENTRIES = 10000;

/** Person records by id for the auth guard, which runs on every request. */
@Injectable()
export class PersonCache {
  private readonly entries = new Map<string, { at: number; value: Promise<PersonEntity | null> }>();

  get(id: string, load: () => Promise<PersonEntity | null>): Promise<PersonEntity | null> {
    const now = Date.now();
    const hit = this.entries.get(id);
    if (hit && now - hit.at < PERSON_CACHE_MS) return hit.value;
    if (this.entries.size >= MAX_ENTRIES) this.prune(now);
    // the pending promise is cached, so concurrent requests share one query; forget() drops it,
    // so a lookup that started before a change never stays in the cache
    const value = load();
    this.entries.set(id, { at: now, value });
    value.catch(() => {
      if (this.entries.get(id)?.value === value) this.entries.delete(id);
    });
    return value;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  private prune(now: number): void {
    for (const [k, v] of this.entries) if (now - v.at >= PERSON_CACHE_MS) this.entries.delete(k);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}
