import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two indexes of `cases` that no query needs, dropped: every case event rewrites its case row and
 * changes `updated_at` (which several list indexes hold), so PostgreSQL inserts a new entry into
 * every index of the table on every event, eleven of them before this.
 *
 * - `cases_state_idx (state)`: every lookup by state is served by the leading column of
 *   `cases_state_updated_idx (state, updated_at DESC, id DESC)`.
 * - `cases_consortium_idx (consortium_id, created_at, id)`: no query orders a consortium's cases
 *   by creation; lookups by consortium (and the foreign key's checks) are served by the leading
 *   column of `cases_consortium_updated_idx (consortium_id, updated_at DESC, id DESC)`.
 */
export class CaseWriteIndexes1737100000000 implements MigrationInterface {
  name = 'CaseWriteIndexes1737100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS cases_state_idx`);
    await q.query(`DROP INDEX IF EXISTS cases_consortium_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS cases_state_idx ON cases (state)`);
    await q.query(`CREATE INDEX IF NOT EXISTS cases_consortium_idx ON cases (consortium_id, created_at, id)`);
  }
}
