import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DomainError, STATE_DEADLINE, type Role } from '@makebuy/domain';
import { CaseEntity, isoSql, type ListFilter } from '@makebuy/cases';
import { decodeCursor, encodeCursor, Page } from '@makebuy/database';
import { CaseObligations } from './case-obligations.service';
import type { Obligation, TaskKind } from './obligations.rules';

/** One entry of GET /me/tasks. */
export interface Task {
  kind: TaskKind;
  caseId: string;
  caseTitle: string;
  dueAt: string | null;
  ref: string | null;
}

export interface TaskViewer {
  personId: string | null;
  roles: readonly Role[];
  consortiumId: string | null;
}

/** Sorts after every instant: tasks with no due instant come last. */
const NO_DUE = '9999-12-31T23:59:59.999Z';
const keyOf = (t: Task) => ({ t: t.dueAt ?? NO_DUE, id: `${t.caseId}|${t.kind}|${t.ref ?? ''}` });
const compare = (a: { t: string; id: string }, b: { t: string; id: string }) =>
  a.t < b.t ? -1 : a.t > b.t ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * "What waits for me": the case obligations (the same function that drives reminders, breach
 * evidence and notice audiences) that fall to the caller — those naming the person, and for a
 * governance officer those of the governance role in the consortia it serves.
 */
@Injectable()
export class CaseTasks {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly obligations: CaseObligations,
  ) {}

  /**
   * GET /me/tasks: the viewer's tasks, soonest due first (none last), in pages. Every task of a
   * case has the case's due instant (its stage's pending deadline), so tasks come case by case:
   * the candidates are the cases that wait on the viewer in `case_waits` (an index range of the
   * viewer's entries, `awaitingSql`), in task order by that instant and the case id, read a page at
   * a time; the obligation rules then say for what. Reading and running the rules over every
   * case the viewer could be waited on for was a scan of all open cases (798 ms at 100,000 cases
   * for a commissioner with six of them) and, for a panel member waited on by 700 cases, 700
   * cases' rules for a page of 50 (docs/performance.md, eighth pass).
   */
  async page(viewer: TaskViewer, q: { limit: number; cursor?: string }): Promise<Page<Task>> {
    const after = decodeCursor(q.cursor);
    if (after && !after.id.includes('|'))
      throw new DomainError('VALIDATION_FAILED', 'cursor is not valid', {
        errors: [{ field: 'cursor', message: 'not a cursor from this API' }],
      });
    if (!viewer.personId) return { items: [], nextCursor: null };
    const governance = viewer.roles.includes('governance');
    const tasks: Task[] = [];
    let from: { due: string; caseId: string; inclusive: boolean } | null = after
      ? { due: after.t, caseId: after.id.slice(0, after.id.indexOf('|')), inclusive: true }
      : null;
    for (;;) {
      const want = q.limit + 1 - tasks.length;
      const cases = await this.candidates(viewer, from, want);
      for (const { row, due } of cases) {
        const mine = (await this.obligations.of(this.ds.manager, row))
          .filter((o) => this.fallsTo(o, viewer, governance))
          .map((o) => ({ kind: o.kind, caseId: o.caseId, caseTitle: row.title, dueAt: o.dueAt, ref: o.ref }))
          .filter((t) => !after || compare(keyOf(t), after) > 0);
        tasks.push(...mine);
        from = { due, caseId: row.id, inclusive: false };
      }
      if (tasks.length > q.limit || cases.length < want) break;
    }
    // the rules' own instants order the page (the same as the candidates' unless a deadline moved between the reads)
    tasks.sort((a, b) => compare(keyOf(a), keyOf(b)));
    const items = tasks.slice(0, q.limit);
    return {
      items,
      nextCursor: tasks.length > q.limit ? encodeCursor(keyOf(items[items.length - 1])) : null,
    };
  }

  /**
   * Up to `limit` cases that wait on the viewer, in task order (the stage's pending deadline as
   * the API shows it, none last; then the case id), from `from` on.
   */
  private async candidates(
    viewer: TaskViewer,
    from: { due: string; caseId: string; inclusive: boolean } | null,
    limit: number,
  ): Promise<{ row: CaseEntity; due: string }[]> {
    const waits = this.awaitingSql('c', viewer);
    const params: unknown[] = [JSON.stringify(STATE_DEADLINE), NO_DUE, limit];
    // the filter's named parameters (`:name`, never a `::type` cast) as positional ones
    const named = (sql: string) =>
      sql.replace(/(?<!:):(\w+)/g, (whole, k: string) => {
        if (!Object.hasOwn(waits.params, k)) return whole;
        params.push(waits.params[k]);
        return `$${params.length}`;
      });
    let after = '';
    if (from) {
      params.push(from.due, from.caseId);
      const [t, id] = [`$${params.length - 1}`, `$${params.length}::uuid`];
      after = `AND (k.due > ${t} OR (k.due = ${t} AND c.id ${from.inclusive ? '>=' : '>'} ${id}))`;
    }
    const ordered: { id: string; due: string }[] = await this.ds.query(
      `SELECT c.id, k.due FROM cases c
        CROSS JOIN LATERAL (
          SELECT coalesce(${isoSql('max(d.due_at)')}, $2) COLLATE "C" AS due FROM deadlines d
           WHERE d.case_id = c.id AND d.status = 'pending' AND d.kind = ($1::jsonb ->> c.state)) k
        WHERE ${named(waits.narrow)} ${after}
        ORDER BY k.due, c.id
        LIMIT $3`,
      params,
    );
    if (!ordered.length) return [];
    const rows = new Map(
      (await this.ds.getRepository(CaseEntity).findBy({ id: In(ordered.map((o) => o.id)) })).map((r) => [r.id, r]),
    );
    return ordered.flatMap((o) => (rows.has(o.id) ? [{ row: rows.get(o.id)!, due: o.due }] : []));
  }

  /**
   * GET /cases?awaiting=me (and the candidates of GET /me/tasks) as a predicate over the cases
   * row `alias`: true exactly when `obligationsOf` gives the case an obligation that falls to the
   * viewer. Whom each open case waits on is kept in `case_waits` by `case_waits_refresh` (migration 1737200000000,
   * where the rules are), in the transaction of every change of the case: `narrow` is the viewer's
   * entries (the person's own, and for governance those of the consortia it serves) from the
   * table's index, `rules` the same test for one case. The worklist e2e checks at every step of a
   * case that `case_waits` holds exactly the people and consortia `CaseObligations` names.
   */
  awaitingSql(alias: string, viewer: TaskViewer): ListFilter {
    if (!viewer.personId) return { narrow: 'FALSE', rules: 'FALSE', params: {} };
    const params: Record<string, unknown> = { aw_me: viewer.personId };
    const mine = [`(w.kind = 'person' AND w.waits_on = :aw_me)`];
    if (viewer.roles.includes('governance')) {
      if (viewer.consortiumId) params.aw_served = viewer.consortiumId;
      mine.push(viewer.consortiumId ? `(w.kind = 'governance' AND w.waits_on = :aw_served)` : `w.kind = 'governance'`);
    }
    const entries = mine.join(' OR ');
    return {
      narrow: `${alias}.id IN (SELECT w.case_id FROM case_waits w WHERE ${entries})`,
      rules: `EXISTS (SELECT 1 FROM case_waits w WHERE w.case_id = ${alias}.id AND (${entries}))`,
      params,
    };
  }

  private fallsTo(o: Obligation, viewer: TaskViewer, governance: boolean): boolean {
    if (o.personId) return o.personId === viewer.personId;
    return o.role === 'governance' && governance && (!viewer.consortiumId || viewer.consortiumId === o.consortiumId);
  }
}
