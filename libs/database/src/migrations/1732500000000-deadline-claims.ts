import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines: a short claim (lease) so several reconcilers share the due work without holding
 * row locks while a firing runs, and the last failure with an attempt count for back-off.
 * Notifications: an index for the unread list.
 */
export class DeadlineClaims1732500000000 implements MigrationInterface {
  name = 'DeadlineClaims1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deadlines
      ADD COLUMN claimed_until timestamptz NULL,
      ADD COLUMN attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN last_error text NULL`);
    await q.query(`CREATE INDEX deadlines_case_due_idx ON deadlines(case_id, due_at)`);
    await q.query(
      `CREATE INDEX notifications_person_unread_idx ON notifications(person_id, created_at DESC, id DESC) WHERE read_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS notifications_person_unread_idx`);
    await q.query(`DROP INDEX IF EXISTS deadlines_case_due_idx`);
    await q.query(`ALTER TABLE deadlines DROP COLUMN claimed_until, DROP COLUMN attempts, DROP COLUMN last_error`);
  }
}
