import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Events only a governance officer sends (or is the actor of) on a case. */
const GOVERNANCE_EVENTS = [
  'COMPLETE_CONFLICT_CHECK',
  'DECLARATION_REVIEWED',
  'APPROVE_AWARD',
  'REJECT_AWARD',
  'FLAG_RESOLVED',
  'REPRESENTATION_RESOLVED',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The governance officers of a case. Roles live in tokens, not in the directory, so the case's
 * own audit trail says who has acted as governance on it (the officer who reviewed its
 * declarations and completed its conflict check, resolved its flags...).
 */
@Injectable()
export class CaseGovernance {
  async officers(tx: EntityManager, caseId: string): Promise<string[]> {
    // read-only query of the audit chain, in the caller's transaction (no second pool connection)
    const rows: { actor: string }[] = await tx.query(
      `SELECT DISTINCT actor FROM case_events WHERE case_id = $1 AND type = ANY($2::text[])`,
      [caseId, GOVERNANCE_EVENTS],
    );
    return rows.map((r) => r.actor).filter((a) => UUID.test(a));
  }
}
