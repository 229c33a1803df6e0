import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildRelease, type JsonObject, type OcdsReleaseTag } from '@makebuy/domain';
import { DeferredWrites } from '@makebuy/queue';
import { OcdsFactsReader, type ReleaseInputs } from './ocds-facts.reader';

export interface PublishRelease {
  caseId: string;
  /** the case's ocid (informative: it is read with the facts of the release, in the same statement) */
  ocid?: string;
  /** the OCDS release tag(s) of the change, as the statechart names them */
  tag: OcdsReleaseTag | OcdsReleaseTag[];
  now: Date;
}

interface ReleaseRow {
  id: string;
  ocid: string;
  caseId: string;
  seq: number;
  tags: OcdsReleaseTag[];
  date: Date;
  release: JsonObject;
}

/**
 * Publishes the OCDS release of a change, in the transaction of that change (an effect of the
 * statechart). Takes only `tx` for I/O: the caller holds the case lock, so releases of one ocid
 * are numbered without gaps or races.
 */
@Injectable()
export class OcdsReleaseService {
  /** Releases held by a transaction until its holder flushes them (a batch of deadline closes). */
  private readonly held = new WeakMap<EntityManager, PublishRelease[]>();

  constructor(private readonly reader: OcdsFactsReader) {}

  /**
   * From now until `flushHeld`, the releases published through `tx` are held, then read, built and
   * inserted together, in publication order, still in that transaction: one read and one insert
   * for a batch. The holder flushes before the next close of a case with a held release (and
   * everything a close wrote is sent before the read), so each is built from its own close's state.
   */
  holdWrites(tx: EntityManager): void {
    this.held.set(tx, []);
  }

  async flushHeld(tx: EntityManager): Promise<void> {
    let rest = this.held.get(tx);
    if (!rest?.length) return;
    this.held.set(tx, []);
    while (rest.length) {
      // a run of distinct cases is read in one statement; a case's second release builds on its first
      const cases = new Set<string>();
      let n = 0;
      while (n < rest.length && !cases.has(rest[n].caseId)) cases.add(rest[n++].caseId);
      const inputs = await this.reader.readMany(tx, [...cases]);
      const rows = rest.slice(0, n).flatMap((cmd) => this.build(cmd, inputs.get(cmd.caseId)!) ?? []);
      if (rows.length) await this.insert(tx, rows);
      rest = rest.slice(n);
    }
  }

  /** One statement for any number of releases; their `position` follows the order given. */
  private async insert(tx: EntityManager, rows: ReleaseRow[], deferred = false): Promise<void> {
    // one release in the case engine's transaction rides with its next statement; a held batch's
    // are sent at its flush, so a refusal is the flush's (the batch runs again with savepoints)
    // one JSON parameter for the lot: one native stringify, and PostgreSQL parses each release once
    // (text arrays would be escaped element by element, then each element parsed again as jsonb)
    const sql = `INSERT INTO ocds_releases (id, ocid, case_id, seq, tags, date, release)
       SELECT v.e->>'id', v.e->>'ocid', (v.e->>'caseId')::uuid, (v.e->>'seq')::int,
              ARRAY(SELECT jsonb_array_elements_text(v.e->'tags')), (v.e->>'date')::timestamptz, v.e->'release'
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS v(e, i)
        ORDER BY v.i`;
    const params = [JSON.stringify(rows)];
    if (deferred) await DeferredWrites.write(tx, sql, params);
    else await tx.query(sql, params);
  }

  /**
   * Returns the release written, or null when there is nothing to publish (a cancellation before
   * any release) or it is held for the transaction's holder (built and written at its flush).
   */
  async publish(tx: EntityManager, cmd: PublishRelease): Promise<JsonObject | null> {
    const held = this.held.get(tx);
    if (held) {
      held.push(cmd);
      return null;
    }
    const row = this.build(cmd, await this.reader.read(tx, cmd.caseId));
    if (row) await this.insert(tx, [row], true);
    return row?.release ?? null;
  }

  private build(cmd: PublishRelease, { ocid, previous, facts }: ReleaseInputs): ReleaseRow | null {
    const tags = Array.isArray(cmd.tag) ? cmd.tag : [cmd.tag];
    // a process that never published anything has nothing to withdraw
    if (!previous && tags.includes('tenderCancellation')) return null;
    const seq = (previous?.seq ?? 0) + 1;
    // release dates never go backwards within an ocid, even if the clock does
    const at = previous && previous.date.getTime() > cmd.now.getTime() ? previous.date : cmd.now;
    const release = buildRelease({ id: `${ocid}-${seq}`, date: at.toISOString(), tag: tags, facts: facts() });
    return { id: release.id as string, ocid, caseId: cmd.caseId, seq, tags, date: at, release };
  }
}
