import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OCDS releases: one row per published release, written in the transaction of the change it
 * describes. Immutable: a trigger refuses UPDATE, DELETE and TRUNCATE, so a release once read by a
 * third party can be read again, byte for byte, for as long as the database lives.
 */
export class OcdsReleases1733400000000 implements MigrationInterface {
  name = 'OcdsReleases1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ocds_releases (
      id text PRIMARY KEY,
      ocid text NOT NULL,
      case_id uuid NOT NULL REFERENCES cases(id),
      seq int NOT NULL CHECK (seq >= 1),
      position bigserial NOT NULL UNIQUE,
      tags text[] NOT NULL CHECK (cardinality(tags) >= 1),
      date timestamptz NOT NULL,
      release jsonb NOT NULL,
      published_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ocds_releases_ocid_seq_uq UNIQUE (ocid, seq),
      CONSTRAINT ocds_releases_id_starts_with_ocid CHECK (left(id, length(ocid) + 1) = ocid || '-'),
      CONSTRAINT ocds_releases_body_matches CHECK (release->>'id' = id AND release->>'ocid' = ocid))`);
    await q.query(`CREATE INDEX ocds_releases_case_idx ON ocds_releases(case_id, seq)`);
    await q.query(`CREATE FUNCTION ocds_releases_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'OCDS releases are immutable (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
      END $$`);
    await q.query(`CREATE TRIGGER ocds_releases_no_change BEFORE UPDATE OR DELETE ON ocds_releases
      FOR EACH ROW EXECUTE FUNCTION ocds_releases_immutable()`);
    await q.query(`CREATE TRIGGER ocds_releases_no_truncate BEFORE TRUNCATE ON ocds_releases
      FOR EACH STATEMENT EXECUTE FUNCTION ocds_releases_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ocds_releases`);
    await q.query(`DROP FUNCTION IF EXISTS ocds_releases_immutable()`);
  }
}
