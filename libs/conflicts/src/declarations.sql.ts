import type { EntityManager } from 'typeorm';
import { DeclarationEntity } from './conflicts.entities';

/** Raw reads of declarations on the case-event path (a QueryBuilder read costs several times the CPU). */
const COLUMNS = `id, case_id, person_id, interest_ids::text[] AS interest_ids, nil_return, declared_at, mitigation,
  review_note, reviewed_by, reviewed_at, superseded_at`;

interface DeclarationRowSql {
  id: string;
  case_id: string;
  person_id: string;
  interest_ids: string[];
  nil_return: boolean;
  declared_at: Date;
  mitigation: DeclarationEntity['mitigation'];
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  superseded_at: Date | null;
}

function declarationOf(r: DeclarationRowSql): DeclarationEntity {
  return Object.assign(new DeclarationEntity(), {
    id: r.id,
    caseId: r.case_id,
    personId: r.person_id,
    interestIds: r.interest_ids,
    nilReturn: r.nil_return,
    declaredAt: r.declared_at,
    mitigation: r.mitigation,
    reviewNote: r.review_note,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
    supersededAt: r.superseded_at,
  });
}

/** Each member's current (not superseded) declaration for the case. */
export async function currentDeclarations(tx: EntityManager, caseId: string): Promise<DeclarationEntity[]> {
  const rows: DeclarationRowSql[] = await tx.query(
    `SELECT ${COLUMNS} FROM declarations WHERE case_id = $1 AND superseded_at IS NULL`,
    [caseId],
  );
  return rows.map(declarationOf);
}

/** The read of one declaration of the case (sent behind the case lock: `ApplyCommand.alongLock`). */
export function declarationOfCaseSql(caseId: string, declarationId: string): { sql: string; params: unknown[] } {
  return { sql: `SELECT ${COLUMNS} FROM declarations WHERE id = $1 AND case_id = $2`, params: [declarationId, caseId] };
}

/** The declaration that read answered, or null. */
export function declarationFrom(rows: unknown[]): DeclarationEntity | null {
  return rows.length ? declarationOf(rows[0] as DeclarationRowSql) : null;
}
