import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * v1.1 lists: flag status `superseded` (existing open flags migrated by the contract's rule, the
 * same rule FlagsService.supersedeStale applies at each transition), and indexes for GET /cases
 * (most recently updated first, by consortium or state, words in title or service name).
 */
export class FlagsSupersededCaseLists1733100000001 implements MigrationInterface {
  name = 'FlagsSupersededCaseLists1733100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flags DROP CONSTRAINT IF EXISTS flags_status_check`);
    await q.query(
      `ALTER TABLE flags ADD CONSTRAINT flags_status_check CHECK (status IN ('open','accepted','upheld','superseded'))`,
    );
    await q.query(`UPDATE flags f SET status = 'superseded'
      FROM cases c
      WHERE f.case_id = c.id AND f.status = 'open' AND (
        c.state IN ('awarded','cancelled','unsuccessful')
        OR (f.code <> 'DEADLINE_BREACH' AND (c.state NOT IN ('award_checks','governance_review','standstill')
            OR f.proposal_seq < (c.context->>'proposalSeq')::int))
        OR (f.code = 'DEADLINE_BREACH' AND (f.evidence->>'stageSeq')::int IS DISTINCT FROM (c.context->>'stageSeq')::int))`);
    await q.query(`CREATE INDEX cases_updated_idx ON cases(updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cases_consortium_updated_idx ON cases(consortium_id, updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cases_state_updated_idx ON cases(state, updated_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX cases_words_idx ON cases USING gin (to_tsvector('simple', title || ' ' || service_name))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS cases_words_idx`);
    await q.query(`DROP INDEX IF EXISTS cases_state_updated_idx`);
    await q.query(`DROP INDEX IF EXISTS cases_consortium_updated_idx`);
    await q.query(`DROP INDEX IF EXISTS cases_updated_idx`);
    await q.query(`UPDATE flags SET status = 'open' WHERE status = 'superseded'`);
    await q.query(`ALTER TABLE flags DROP CONSTRAINT IF EXISTS flags_status_check`);
    await q.query(`ALTER TABLE flags ADD CONSTRAINT flags_status_check CHECK (status IN ('open','accepted','upheld'))`);
  }
}
