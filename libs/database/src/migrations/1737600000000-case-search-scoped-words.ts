import { MigrationInterface, QueryRunner } from 'typeorm';
import { CaseListVisibility1736000000000 } from './1736000000000-case-list-visibility';

/**
 * `q=` within the viewer's consortium reads only that consortium's words.
 *
 * `case_search` kept the words of every case under one btree_gin index on (consortium_id, words)
 * (migration 1736000000000). A search for a prefix reads the posting lists of every word that
 * starts with it, in every consortium, and intersects them with the consortium's: at the bench's
 * scale (100,000 cases, 2,000 a consortium) 'cardi:*' gathered 10,000 entries to find none of the
 * viewer's, 3-4 ms a search, and the bench's words searches cost PostgreSQL 5.2 ms a request
 * (docs/performance.md, eleventh pass).
 *
 * Now each row also keeps `scoped_words`: its words each prefixed with its consortium's id (hex,
 * without hyphens, then a dot), so a prefix of the viewer's consortium and the word
 * ('<consortium>.cardi':*) matches exactly that consortium's words that start with it: 0.03-0.5
 * ms for the same search. They are indexed with the consortium, (consortium_id, scoped_words),
 * as the words were: on the scoped words alone the planner estimated a prefix's matches at no
 * less than 0.5% of all cases, preferred a parallel sequential scan of every row's words, and a
 * search that matched a consortium's 1,569 cases read for 30 ms (the bench's full run); with the
 * consortium in the index the estimate is the consortium's share and the index is read (15 ms,
 * most of it the 1,569 cases fetched to be put in list order). The plain words keep a GIN index
 * for the searches over every consortium (governance without a consortium). `case_scoped_words`
 * makes the scoped words from the plain ones, in the trigger that keeps the table and in the
 * backfill.
 */
export class CaseSearchScopedWords1737600000000 implements MigrationInterface {
  name = 'CaseSearchScopedWords1737600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE FUNCTION case_scoped_words(p_consortium uuid, p_words tsvector) RETURNS tsvector
         LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
         SELECT coalesce(array_to_tsvector(array_agg(replace(p_consortium::text, '-', '') || '.' || w)), ''::tsvector)
           FROM unnest(tsvector_to_array(p_words)) AS w $$`,
    );
    await q.query(`ALTER TABLE case_search ADD COLUMN scoped_words tsvector`);
    await q.query(`UPDATE case_search SET scoped_words = case_scoped_words(consortium_id, words)`);
    await q.query(`ALTER TABLE case_search ALTER COLUMN scoped_words SET NOT NULL`);
    await q.query(
      `CREATE OR REPLACE FUNCTION case_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE w tsvector := to_tsvector('simple', NEW.title || ' ' || NEW.service_name);
       BEGIN
         INSERT INTO case_search (case_id, consortium_id, words, scoped_words)
         VALUES (NEW.id, NEW.consortium_id, w, case_scoped_words(NEW.consortium_id, w))
         ON CONFLICT (case_id) DO UPDATE
           SET consortium_id = EXCLUDED.consortium_id, words = EXCLUDED.words, scoped_words = EXCLUDED.scoped_words;
         RETURN NULL;
       END $$`,
    );
    await q.query(`CREATE INDEX case_search_scoped_words_idx ON case_search USING gin (consortium_id, scoped_words)`);
    await q.query(`CREATE INDEX case_search_all_words_idx ON case_search USING gin (words)`);
    await q.query(`DROP INDEX IF EXISTS case_search_words_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_search_words_idx ON case_search USING gin (consortium_id, words)`);
    await q.query(`DROP INDEX IF EXISTS case_search_all_words_idx`);
    await q.query(`DROP INDEX IF EXISTS case_search_scoped_words_idx`);
    await new CaseListVisibility1736000000000().createSearchKeep(q);
    await q.query(`ALTER TABLE case_search DROP COLUMN IF EXISTS scoped_words`);
    await q.query(`DROP FUNCTION IF EXISTS case_scoped_words(uuid, tsvector)`);
  }
}
