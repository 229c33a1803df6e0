import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  caseId: string;
  seq: number;
  at: string;
  actor: string;
  type: string;
  fromState: string | null;
  toState: string;
  payload: Record<string, unknown>;
}

/** hash = SHA-256(prevHash + RFC 8785 canonical JSON of the entry) */
export function auditHash(prevHash: string, entry: AuditEntry): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalize(entry) ?? '')
    .digest('hex');
}

export interface VerifyResult {
  valid: boolean;
  length: number;
  firstInvalidSeq: number | null;
}

/** Recomputes the chain in seq order; the first row whose prevHash or hash does not match is reported. */
export function verifyChain(rows: (AuditEntry & { prevHash: string; hash: string })[]): VerifyResult {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    const { prevHash, hash, ...entry } = row;
    if (row.seq !== expectedSeq || prevHash !== prev || auditHash(prev, entry) !== hash) {
      return { valid: false, length: rows.length, firstInvalidSeq: row.seq };
    }
    prev = hash;
    expectedSeq++;
  }
  return { valid: true, length: rows.length, firstInvalidSeq: null };
}
