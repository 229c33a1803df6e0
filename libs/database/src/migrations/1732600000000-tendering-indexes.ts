import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tendering: indexes for the provider portal's reads, and the bid revision vocabulary. */
export class TenderingIndexes1732600000000 implements MigrationInterface {
  name = 'TenderingIndexes1732600000000';

  async up(q: QueryRunner): Promise<void> {
    // a tender's bids in submission order (every status), and a provider's bids newest first (GET /bids)
    await q.query(`CREATE INDEX bids_case_idx ON bids(case_id, submitted_at, id)`);
    await q.query(`DROP INDEX IF EXISTS bids_provider_idx`);
    await q.query(`CREATE INDEX bids_provider_idx ON bids(provider_id, submitted_at DESC, id DESC)`);
    // tendering cannot close while one is open: counted on every tender_close
    await q.query(`CREATE INDEX questions_unanswered_idx ON questions(case_id) WHERE answer IS NULL`);
    await q.query(`CREATE INDEX representations_open_idx ON representations(case_id, lodged_at) WHERE status = 'open'`);
    await q.query(
      `ALTER TABLE bid_revisions ADD CONSTRAINT bid_revisions_action_ck CHECK (action IN ('submitted','revised','withdrawn'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE bid_revisions DROP CONSTRAINT IF EXISTS bid_revisions_action_ck`);
    await q.query(`DROP INDEX IF EXISTS representations_open_idx`);
    await q.query(`DROP INDEX IF EXISTS questions_unanswered_idx`);
    await q.query(`DROP INDEX IF EXISTS bids_provider_idx`);
    await q.query(`CREATE INDEX bids_provider_idx ON bids(provider_id)`);
    await q.query(`DROP INDEX IF EXISTS bids_case_idx`);
  }
}
