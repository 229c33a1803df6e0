import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transparency under the Provider Selection Regime: published notices (immutable: a trigger refuses
 * UPDATE and DELETE, so a correction can only be a new notice), the index of the register of
 * procurement decisions (which cases are on it and when they were decided; the record itself is
 * computed from the case at read time), and what notices name a provider by.
 */
export class Transparency1733300000000 implements MigrationInterface {
  name = 'Transparency1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notices (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES cases(id),
        consortium_id uuid NOT NULL,
        ocid text NOT NULL,
        type text NOT NULL CHECK (type IN ('tender_notice','intention_to_award','award_confirmation','cancellation')),
        published_at timestamptz NOT NULL,
        corrects uuid NULL REFERENCES notices(id),
        content jsonb NOT NULL,
        text text NOT NULL,
        case_version int NOT NULL,
        UNIQUE (case_id, type, case_version)
      )`);
    await q.query(`CREATE INDEX notices_case_idx ON notices(case_id, published_at, id)`);
    await q.query(`CREATE INDEX notices_public_idx ON notices(published_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notices_consortium_idx ON notices(consortium_id, type, published_at DESC, id DESC)`);
    // a notice cannot be corrected twice: each correction names the latest one
    await q.query(`CREATE UNIQUE INDEX notices_corrects_once ON notices(corrects) WHERE corrects IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION notices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'notices are immutable: publish a correction instead' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER notices_no_update_or_delete BEFORE UPDATE OR DELETE ON notices
      FOR EACH ROW EXECUTE FUNCTION notices_immutable()`);
    await q.query(`
      CREATE TRIGGER notices_no_truncate BEFORE TRUNCATE ON notices
      FOR EACH STATEMENT EXECUTE FUNCTION notices_immutable()`);

    await q.query(`
      CREATE TABLE decision_records (
        case_id uuid PRIMARY KEY REFERENCES cases(id),
        consortium_id uuid NOT NULL,
        decided_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX decision_records_list_idx ON decision_records(consortium_id, decided_at DESC, case_id DESC)`,
    );
    await q.query(`CREATE INDEX decision_records_time_idx ON decision_records(decided_at DESC, case_id DESC)`);

    await q.query(`ALTER TABLE providers ADD COLUMN address jsonb NULL`);
    await q.query(`ALTER TABLE providers ADD COLUMN ods_code text NULL`);
    await q.query(`ALTER TABLE providers ADD COLUMN companies_house_number text NULL`);
    await q.query(
      `ALTER TABLE providers ADD CONSTRAINT providers_ods_code_ck CHECK (ods_code IS NULL OR ods_code ~ '^[A-Z0-9]{3,10}$')`,
    );
    await q.query(
      `ALTER TABLE providers ADD CONSTRAINT providers_companies_house_ck CHECK (companies_house_number IS NULL OR companies_house_number ~ '^([0-9]{8}|[A-Z]{2}[0-9]{6})$')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE providers DROP CONSTRAINT IF EXISTS providers_companies_house_ck`);
    await q.query(`ALTER TABLE providers DROP CONSTRAINT IF EXISTS providers_ods_code_ck`);
    await q.query(`ALTER TABLE providers DROP COLUMN IF EXISTS companies_house_number`);
    await q.query(`ALTER TABLE providers DROP COLUMN IF EXISTS ods_code`);
    await q.query(`ALTER TABLE providers DROP COLUMN IF EXISTS address`);
    await q.query(`DROP TABLE IF EXISTS decision_records`);
    await q.query(`DROP TABLE IF EXISTS notices`);
    await q.query(`DROP FUNCTION IF EXISTS notices_immutable()`);
  }
}
