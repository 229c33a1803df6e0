import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * The governance officers of a case: people the directory grants `governance`, serving the case's
 * consortium (an officer with a consortiumId serves only that consortium; one without, every one).
 */
@Injectable()
export class CaseGovernance {
  async officers(tx: EntityManager, caseId: string): Promise<string[]> {
    // read-only query in the caller's transaction (no second pool connection)
    const rows: { id: string }[] = await tx.query(
      `SELECT p.id FROM people p, cases c
        WHERE c.id = $1 AND 'governance' = ANY(p.roles)
          AND (p.consortium_id IS NULL OR p.consortium_id = c.consortium_id)
        ORDER BY p.created_at, p.id`,
      [caseId],
    );
    return rows.map((r) => r.id);
  }
}
