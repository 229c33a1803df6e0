import { isoSql, jsonListSql } from '@makebuy/cases';

/** A deadline as GET /cases/{id} shows it. */
export interface DeadlineView {
  kind: string;
  dueAt: string;
  status: string;
}

/** The reads of the case view's deadlines, over the case `c`: every deadline, by due instant. */
export function deadlinesViewSql(): string {
  return jsonListSql(
    `json_build_object('kind', d.kind, 'dueAt', ${isoSql('d.due_at')}, 'status', d.status)
       ORDER BY d.due_at, d.created_at`,
    `FROM deadlines d WHERE d.case_id = c.id`,
  );
}

/** The case view's `deadlines` and `standstillEndsAt`, from what the view read. */
export function deadlinesView(rows: DeadlineView[]): { deadlines: DeadlineView[]; standstillEndsAt: string | null } {
  const standstill = rows.find((d) => d.kind === 'standstill_end' && d.status === 'pending');
  return {
    deadlines: rows.map((d): DeadlineView => ({ kind: d.kind, dueAt: d.dueAt, status: d.status })),
    standstillEndsAt: standstill ? standstill.dueAt : null,
  };
}
