import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pending deadlines indexed in the order they are claimed and paged: (due_at, id), not due_at
 * alone.
 *
 * A batch claims the oldest due deadlines `ORDER BY due_at, id LIMIT n` (`claimDue`), and the
 * reconciler pages pending ones in the same order. With the index on `due_at` alone, deadlines
 * that fall due at the same instant (every tender of a national deployment closing at noon) come
 * out of it in no id order, so each claim read every due row and sorted them to take its 50: in a
 * storm of 10,000 due in the same second, 5.9 ms of PostgreSQL a claim, read again by every batch
 * (docs/performance.md, eleventh pass). In index order a claim stops after its n rows and the
 * ones other batches hold.
 */
export class DeadlineClaimOrder1737400000000 implements MigrationInterface {
  name = 'DeadlineClaimOrder1737400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deadlines_pending_due_id_idx ON deadlines(due_at, id) WHERE status = 'pending'`);
    await q.query(`DROP INDEX IF EXISTS deadlines_pending_due_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deadlines_pending_due_idx ON deadlines(due_at) WHERE status = 'pending'`);
    await q.query(`DROP INDEX IF EXISTS deadlines_pending_due_id_idx`);
  }
}
