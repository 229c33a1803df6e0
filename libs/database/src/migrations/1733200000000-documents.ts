import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tender content and documents: a case's description and CPV code; document storage in chunked
 * bytea (documents share the database's transactions and backups); document records for cases and
 * bids, versioned by lineage.
 */
export class Documents1733200000000 implements MigrationInterface {
  name = 'Documents1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN description text`);
    await q.query(`ALTER TABLE cases ADD COLUMN cpv_code text`);
    // stored bytes: written by one upload's own transaction, claimed by the document record that
    // names them; unclaimed blobs are the remains of an upload that failed after it was stored
    await q.query(`CREATE TABLE document_blobs (
      id uuid PRIMARY KEY,
      size bigint NOT NULL CHECK (size > 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      chunk_count int NOT NULL,
      claimed boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX document_blobs_unclaimed_idx ON document_blobs(created_at) WHERE NOT claimed`);
    await q.query(`CREATE TABLE document_chunks (
      -- deferred: an upload writes its chunks as they arrive and its blob row (size, sha256) last
      blob_id uuid NOT NULL REFERENCES document_blobs(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
      seq int NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (blob_id, seq)
    )`);
    await q.query(`CREATE TABLE documents (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases(id),
      bid_id uuid REFERENCES bids(id),
      lineage_id uuid NOT NULL,
      replaces_id uuid REFERENCES documents(id),
      version int NOT NULL CHECK (version >= 1),
      title text NOT NULL,
      document_type text NOT NULL,
      file_name text NOT NULL,
      media_type text NOT NULL,
      size bigint NOT NULL,
      sha256 text NOT NULL,
      blob_id uuid NOT NULL REFERENCES document_blobs(id),
      uploaded_by uuid NOT NULL,
      uploaded_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX documents_lineage_version_uq ON documents(lineage_id, version)`);
    // a version is replaced once: two concurrent replacements of the same version cannot both win
    await q.query(`CREATE UNIQUE INDEX documents_replaces_uq ON documents(replaces_id) WHERE replaces_id IS NOT NULL`);
    await q.query(`CREATE INDEX documents_case_idx ON documents(case_id, uploaded_at, id) WHERE bid_id IS NULL`);
    await q.query(`CREATE INDEX documents_bid_idx ON documents(bid_id, uploaded_at, id) WHERE bid_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS documents`);
    await q.query(`DROP TABLE IF EXISTS document_chunks`);
    await q.query(`DROP TABLE IF EXISTS document_blobs`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS cpv_code`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS description`);
  }
}
