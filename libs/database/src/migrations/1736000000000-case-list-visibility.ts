import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /cases over 100,000 cases: a viewer sees the cases of their consortium, and the few they
 * created or sit on the panel of elsewhere (docs/performance.md, fourth pass).
 *
 * - `case_panel.consortium_id`: the case's consortium on each seat (a case never changes
 *   consortium), so "the panel seats outside my consortium" is one index range, not a probe of
 *   every seat's case (the bench's panel members sit on 2,000 cases each).
 * - `cases (created_by, consortium_id)`: the same for the cases a person raised.
 * - `cases_consortium_words_idx` (btree_gin): the words of title and service name within one
 *   consortium, so `q=` reads only the matching cases the viewer may see instead of every
 *   matching case of every consortium (10,000 heap pages at the bench's scale).
 */
export class CaseListVisibility1736000000000 implements MigrationInterface {
  name = 'CaseListVisibility1736000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    await q.query(`ALTER TABLE case_panel ADD COLUMN consortium_id uuid`);
    await q.query(`UPDATE case_panel cp SET consortium_id = c.consortium_id FROM cases c WHERE c.id = cp.case_id`);
    await q.query(`ALTER TABLE case_panel ALTER COLUMN consortium_id SET NOT NULL`);
    await q.query(`CREATE INDEX case_panel_person_consortium_idx ON case_panel (person_id, consortium_id)`);
    await q.query(`CREATE INDEX cases_created_by_consortium_idx ON cases (created_by, consortium_id)`);
    await q.query(
      `CREATE INDEX cases_consortium_words_idx ON cases
         USING gin (consortium_id, to_tsvector('simple', title || ' ' || service_name))
         WITH (gin_pending_list_limit = 128)`,
    );
    // every case write adds to a GIN index's pending list (the row is never a HOT update: its
    // updated_at is indexed), and every search reads the whole list: at the default 4 MB it held
    // 26,000-44,000 entries, 10-14 ms of each q= search. 128 kB keeps it near 1,800.
    await q.query(`ALTER INDEX cases_words_idx SET (gin_pending_list_limit = 128)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX cases_words_idx RESET (gin_pending_list_limit)`);
    await q.query(`DROP INDEX IF EXISTS cases_consortium_words_idx`);
    await q.query(`DROP INDEX IF EXISTS cases_created_by_consortium_idx`);
    await q.query(`DROP INDEX IF EXISTS case_panel_person_consortium_idx`);
    await q.query(`ALTER TABLE case_panel DROP COLUMN IF EXISTS consortium_id`);
  }
}
