import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case view reads every declaration of its case (superseded ones too, oldest first): only the
 * current ones had an index (`declarations_current_uq`), so at the bench's 100,000 cases each
 * GET /cases/{id} scanned all 90,000 declarations (17-22 ms of PostgreSQL's time).
 */
export class CaseViewIndexes1735100000000 implements MigrationInterface {
  name = 'CaseViewIndexes1735100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS declarations_case_idx ON declarations (case_id, declared_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS declarations_case_idx`);
  }
}
