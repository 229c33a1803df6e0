import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, type Role } from '@makebuy/domain';
import { CaseEntity, type ListFilter } from '@makebuy/cases';
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
   * Every task of the viewer, soonest due first (none last). The candidates are the cases that
   * wait on the viewer in `case_waits` (an index range of the viewer's entries, `awaitingSql`);
   * the obligation rules then say for what and by when. Reading every case the viewer could be
   * waited on for instead was a scan of all open cases: 94 ms of PostgreSQL at 100,000 cases for
   * a commissioner with six of them (docs/performance.md, eighth pass).
   */
  async all(viewer: TaskViewer): Promise<Task[]> {
    if (!viewer.personId) return [];
    const governance = viewer.roles.includes('governance');
    const waits = this.awaitingSql('c', viewer);
    const rows = await this.ds
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .where(waits.narrow, waits.params)
      .getMany();
    const tasks: Task[] = [];
    for (const row of rows) {
      const mine = (await this.obligations.of(this.ds.manager, row)).filter((o) => this.fallsTo(o, viewer, governance));
      for (const o of mine)
        tasks.push({ kind: o.kind, caseId: o.caseId, caseTitle: row.title, dueAt: o.dueAt, ref: o.ref });
    }
    return tasks.sort((a, b) => compare(keyOf(a), keyOf(b)));
  }

  /** GET /me/tasks, in pages. */
  async page(viewer: TaskViewer, q: { limit: number; cursor?: string }): Promise<Page<Task>> {
    const after = decodeCursor(q.cursor);
    if (after && !after.id.includes('|'))
      throw new DomainError('VALIDATION_FAILED', 'cursor is not valid', {
        errors: [{ field: 'cursor', message: 'not a cursor from this API' }],
      });
    const rest = (await this.all(viewer)).filter((t) => !after || compare(keyOf(t), after) > 0);
    const items = rest.slice(0, q.limit);
    return {
      items,
      nextCursor: rest.length > q.limit ? encodeCursor(keyOf(items[items.length - 1])) : null,
    };
  }

  /**
   * GET /cases?awaiting=me (and the candidates of `all`) as a predicate over the cases row
   * `alias`: true exactly when `obligationsOf` gives the case an obligation that falls to the
   * viewer. Whom each
   * open case waits on is kept in `case_waits` by `case_waits_refresh` (migration 1737200000000,
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
