import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain's head on the case row (`audit_seq`, `audit_head_hash`): the engine holds the
 * case row locked anyway, so appending is one INSERT and the head moves in the case's own
 * UPDATE, instead of a SELECT of the last case_events row per write. Backfilled from
 * case_events; the chain itself stays in case_events (verify recomputes it from there).
 */
export class CaseAuditHead1734000000000 implements MigrationInterface {
  name = 'CaseAuditHead1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases
      ADD COLUMN audit_seq integer NOT NULL DEFAULT 0,
      ADD COLUMN audit_head_hash text NOT NULL DEFAULT '${'0'.repeat(64)}'`);
    await q.query(`UPDATE cases c SET audit_seq = h.seq, audit_head_hash = h.hash
      FROM (SELECT DISTINCT ON (case_id) case_id, seq, hash FROM case_events ORDER BY case_id, seq DESC) h
      WHERE h.case_id = c.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases DROP COLUMN audit_seq, DROP COLUMN audit_head_hash`);
  }
}
