import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DeferredWrites } from '@makebuy/queue';
import { FeedItemEntity } from './feed-item.entity';
import type { FeedAudience, FeedScope, FeedType } from './feed.types';

/** Any number of processes may run the sequencer; this lock lets one at a time assign positions. */
const SEQUENCER_LOCK = 7_215_001;

export interface FeedRow {
  id: string;
  position: bigint;
  at: Date;
  type: FeedType;
  caseId: string | null;
  ocid: string | null;
  audience: FeedAudience;
  consortiumId: string | null;
  providerId: string | null;
  data: Record<string, unknown>;
}

const COLUMNS = `id, position, at, type, case_id, ocid, audience, consortium_id, provider_id, data`;

function toRow(r: Record<string, unknown>): FeedRow {
  return {
    id: r.id as string,
    position: BigInt(r.position as string),
    at: new Date(r.at as string),
    type: r.type as FeedType,
    caseId: (r.case_id as string | null) ?? null,
    ocid: (r.ocid as string | null) ?? null,
    audience: r.audience as FeedAudience,
    consortiumId: (r.consortium_id as string | null) ?? null,
    providerId: (r.provider_id as string | null) ?? null,
    data: (r.data as Record<string, unknown>) ?? {},
  };
}

/** The feed's SQL. */
@Injectable()
export class FeedRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Unplaced (position null until the sequencer places it); a pure insert, deferred where the transaction allows. */
  async insert(tx: EntityManager, row: Omit<FeedItemEntity, 'seq' | 'position'>): Promise<void> {
    await DeferredWrites.write(
      tx,
      `INSERT INTO feed_items (id, at, type, case_id, ocid, audience, consortium_id, provider_id, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        row.id,
        row.at,
        row.type,
        row.caseId,
        row.ocid,
        row.audience,
        row.consortiumId,
        row.providerId,
        JSON.stringify(row.data),
      ],
    );
  }

  /**
   * Gives the next unplaced items (oldest insertion first) the next positions, after the highest
   * one given so far. Returns how many it placed, or null when another sequencer holds the lock.
   * The lock is taken before the statement that reads the highest position, so that statement
   * sees every earlier pass committed.
   */
  async assignPositions(batch: number): Promise<number | null> {
    return this.ds.transaction(async (tx) => {
      const [{ locked }] = await tx.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [SEQUENCER_LOCK]);
      if (!locked) return null;
      const [, placed] = (await tx.query(
        `WITH next AS (
           SELECT seq, row_number() OVER (ORDER BY seq) AS n
             FROM (SELECT seq FROM feed_items WHERE position IS NULL ORDER BY seq LIMIT $1) unplaced
         ), base AS (SELECT coalesce(max(position), 0) AS top FROM feed_items)
         UPDATE feed_items f SET position = base.top + next.n
           FROM next, base
          WHERE f.seq = next.seq
         RETURNING f.seq`,
        [batch],
      )) as [unknown[], number];
      return placed;
    });
  }

  /**
   * One page for a scope, and in the same statement (so the same snapshot) the highest position
   * placed: every position up to it is visible in this snapshot, so a reader may move past it.
   */
  async page(scope: FeedScope, after: bigint, limit: number): Promise<{ rows: FeedRow[]; top: bigint }> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `WITH page AS (
         SELECT ${COLUMNS} FROM feed_items
          WHERE position > $1
            AND (audience = 'public'
                 OR (audience = 'provider' AND provider_id = $2::uuid)
                 OR (audience = 'consortium' AND ($3::text = 'all' OR consortium_id::text = $3::text)))
          ORDER BY position
          LIMIT $4
       ), top AS (SELECT coalesce(max(position), 0) AS top FROM feed_items)
       SELECT top.top, page.* FROM top LEFT JOIN page ON true ORDER BY page.position`,
      [after.toString(), scope.providerId, scope.consortium, limit],
    );
    const top = rows.length ? BigInt(rows[0].top as string) : 0n;
    return { rows: rows.filter((r) => r.id !== null).map(toRow), top };
  }

  /** Placed items after a position, in order, whoever may see them (webhook fan-out filters). */
  async placedAfter(tx: EntityManager, after: bigint, limit: number): Promise<FeedRow[]> {
    const rows: Record<string, unknown>[] = await tx.query(
      `SELECT ${COLUMNS} FROM feed_items WHERE position > $1 ORDER BY position LIMIT $2`,
      [after.toString(), limit],
    );
    return rows.map(toRow);
  }

  async unplacedCount(): Promise<number> {
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM feed_items WHERE position IS NULL`);
    return n;
  }
}
