import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for GET /cases at scale (bench P3, 100,000 cases): awaiting=me starts from the
 * viewer's own cases (`created_by`) and, for governance, from the cases in the states it acts in
 * for its consortium (`consortium_id, state`); both keep the list's order so a filtered page can
 * be read in order.
 */
export class CaseListIndexes1734200000000 implements MigrationInterface {
  name = 'CaseListIndexes1734200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS cases_created_by_updated_idx ON cases (created_by, updated_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS cases_consortium_state_updated_idx ON cases (consortium_id, state, updated_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS cases_consortium_state_updated_idx`);
    await q.query(`DROP INDEX IF EXISTS cases_created_by_updated_idx`);
  }
}
