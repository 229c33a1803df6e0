import { MigrationInterface, QueryRunner } from 'typeorm';

/** Flags feature: award-check runs can be superseded (the case left the stage before the checks
 * ran) and record when they finished and what they found; indexes for the governance lists. */
export class FlagsAwardChecks1732357700000 implements MigrationInterface {
  name = 'FlagsAwardChecks1732357700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE award_check_runs DROP CONSTRAINT IF EXISTS award_check_runs_status_check`);
    await q.query(
      `ALTER TABLE award_check_runs ADD CONSTRAINT award_check_runs_status_check CHECK (status IN ('running','failed','done','superseded'))`,
    );
    await q.query(`ALTER TABLE award_check_runs
      ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN completed_at timestamptz NULL,
      ADD COLUMN blocking_flags integer NULL,
      ADD COLUMN advisory_flags integer NULL`);
    await q.query(
      `CREATE INDEX award_check_runs_unfinished_idx ON award_check_runs(updated_at) WHERE status IN ('running','failed')`,
    );
    await q.query(`CREATE INDEX flags_case_idx ON flags(case_id, proposal_seq DESC, created_at)`);
    await q.query(`CREATE INDEX flags_created_idx ON flags(created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX flags_consortium_idx ON flags(consortium_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS flags_consortium_idx`);
    await q.query(`DROP INDEX IF EXISTS flags_created_idx`);
    await q.query(`DROP INDEX IF EXISTS flags_case_idx`);
    await q.query(`DROP INDEX IF EXISTS award_check_runs_unfinished_idx`);
    await q.query(`UPDATE award_check_runs SET status = 'done' WHERE status = 'superseded'`);
    await q.query(`ALTER TABLE award_check_runs
      DROP COLUMN advisory_flags, DROP COLUMN blocking_flags, DROP COLUMN completed_at, DROP COLUMN created_at`);
    await q.query(`ALTER TABLE award_check_runs DROP CONSTRAINT IF EXISTS award_check_runs_status_check`);
    await q.query(
      `ALTER TABLE award_check_runs ADD CONSTRAINT award_check_runs_status_check CHECK (status IN ('running','failed','done'))`,
    );
  }
}
