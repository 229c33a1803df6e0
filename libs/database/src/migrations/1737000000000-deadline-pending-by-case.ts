import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case's pending deadlines, found through an index of exactly those rows.
 *
 * Every transition cancels or supersedes the pending deadlines of its case (`case_id = $ AND
 * status = 'pending'`, one set-form UPDATE per batch of closes or per request). With an index on
 * `case_id` and the partial `deadlines_pending_due_idx` (due_at, pending rows only), the planner
 * ANDed the two bitmaps, reading the whole pending index for every case of the batch: at 10,000
 * pending deadlines (and the dead entries the closes leave until VACUUM) that was 0.7 ms per case,
 * 36 ms per batch of 50 and 27 of the 38 s of PostgreSQL a 10,000-close storm cost
 * (docs/performance.md, fifth pass). An index of the pending rows by case answers the same lookup
 * from a handful of entries; the plain `case_id` index it replaces is covered by
 * `deadlines_case_due_idx` (case_id, due_at).
 */
export class DeadlinePendingByCase1737000000000 implements MigrationInterface {
  name = 'DeadlinePendingByCase1737000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deadlines_case_pending_idx ON deadlines (case_id) WHERE status = 'pending'`);
    await q.query(`DROP INDEX IF EXISTS deadlines_case_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS deadlines_case_idx ON deadlines (case_id)`);
    await q.query(`DROP INDEX IF EXISTS deadlines_case_pending_idx`);
  }
}
