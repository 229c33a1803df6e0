import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /cases over 100,000 cases: a viewer sees the cases of their consortium, and the few they
 * created or sit on the panel of elsewhere (docs/performance.md, fourth pass).
 *
 * - `case_panel.consortium_id`: the case's consortium on each seat (a case never changes
 *   consortium), so "the panel seats outside my consortium" is one index range, not a probe of
 *   every seat's case (the bench's panel members sit on 2,000 cases each).
 * - `cases (created_by, consortium_id)`: the same for the cases a person raised.
 * - `case_search`: the words of a case's title and service name, with its consortium, kept by a
 *   trigger when a case is inserted (or those columns change, which the app never does), under a
 *   btree_gin index on (consortium_id, words). `q=` then reads only the matching cases of the
 *   viewer's consortium instead of every matching case of every consortium (10,000 heap pages at
 *   the bench's scale). It replaces the words index on `cases` itself: a case row is rewritten by
 *   every event and never as a HOT update (its updated_at is indexed), so every write added to
 *   that GIN index's pending list, and every search read the whole list (26,000-44,000 entries,
 *   10-14 ms of each search).
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
      `CREATE TABLE case_search (
         case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
         consortium_id uuid NOT NULL,
         words tsvector NOT NULL)`,
    );
    await this.createSearchKeep(q);
    await q.query(
      `CREATE TRIGGER cases_search_keep AFTER INSERT OR UPDATE OF title, service_name, consortium_id ON cases
         FOR EACH ROW EXECUTE FUNCTION case_search_keep()`,
    );
    await q.query(
      `INSERT INTO case_search (case_id, consortium_id, words)
       SELECT id, consortium_id, to_tsvector('simple', title || ' ' || service_name) FROM cases`,
    );
    await q.query(`CREATE INDEX case_search_words_idx ON case_search USING gin (consortium_id, words)`);
    await q.query(`DROP INDEX IF EXISTS cases_words_idx`);
  }

  /** The trigger function that keeps `case_search`, as this migration made it (CaseSearchScopedWords1737600000000 puts it back on its way down). */
  async createSearchKeep(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE OR REPLACE FUNCTION case_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO case_search (case_id, consortium_id, words)
         VALUES (NEW.id, NEW.consortium_id, to_tsvector('simple', NEW.title || ' ' || NEW.service_name))
         ON CONFLICT (case_id) DO UPDATE SET consortium_id = EXCLUDED.consortium_id, words = EXCLUDED.words;
         RETURN NULL;
       END $$`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS cases_words_idx ON cases USING gin (to_tsvector('simple', title || ' ' || service_name))`,
    );
    await q.query(`DROP TRIGGER IF EXISTS cases_search_keep ON cases`);
    await q.query(`DROP FUNCTION IF EXISTS case_search_keep()`);
    await q.query(`DROP TABLE IF EXISTS case_search`);
    await q.query(`DROP INDEX IF EXISTS cases_created_by_consortium_idx`);
    await q.query(`DROP INDEX IF EXISTS case_panel_person_consortium_idx`);
    await q.query(`ALTER TABLE case_panel DROP COLUMN IF EXISTS consortium_id`);
  }
}
