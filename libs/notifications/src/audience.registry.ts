import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NoticeKind } from '@makebuy/domain';
import type { CaseEntity } from '@makebuy/cases';

/** Who, besides the case's panel and creator, receives a notice (e.g. tendering's bidders). */
export type AudienceProvider = (tx: EntityManager, row: CaseEntity, notice: NoticeKind) => Promise<string[]>;

/**
 * Features register audiences for case notices; the `notify` effect asks all of them in the
 * command's transaction. Register in your service's `onModuleInit`.
 */
@Injectable()
export class AudienceRegistry {
  private readonly providers: { notices: readonly NoticeKind[] | 'all'; fn: AudienceProvider }[] = [];

  /** `register(provider)` for every notice, or `register(['tender_closed', ...], provider)`. */
  register(provider: AudienceProvider): void;
  register(notices: readonly NoticeKind[] | 'all', provider: AudienceProvider): void;
  register(a: AudienceProvider | readonly NoticeKind[] | 'all', b?: AudienceProvider): void {
    if (typeof a === 'function') this.providers.push({ notices: 'all', fn: a });
    else if (b) this.providers.push({ notices: a, fn: b });
    else throw new Error('AudienceRegistry.register needs a provider');
  }

  async resolve(tx: EntityManager, row: CaseEntity, notice: NoticeKind): Promise<string[]> {
    const out = new Set<string>();
    for (const p of this.providers) {
      if (p.notices !== 'all' && !p.notices.includes(notice)) continue;
      for (const id of await p.fn(tx, row, notice)) out.add(id);
    }
    return [...out];
  }
}
