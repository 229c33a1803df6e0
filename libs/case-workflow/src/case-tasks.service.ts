import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, FINAL_STATES, type Role } from '@makebuy/domain';
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

  /** Every task of the viewer, soonest due first (none last). */
  async all(viewer: TaskViewer): Promise<Task[]> {
    if (!viewer.personId) return [];
    const governance = viewer.roles.includes('governance');
    // cases that can wait on this person: their panel's, their own, and (governance) those it serves
    const rows = await this.ds
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .where('c.state NOT IN (:...finals)', { finals: [...FINAL_STATES, 'draft', 'award_checks'] })
      .andWhere(
        `(c.created_by = :me OR EXISTS (SELECT 1 FROM case_panel cp WHERE cp.case_id = c.id AND cp.person_id = :me)` +
          (governance ? ` OR (:anyConsortium OR c.consortium_id = :served))` : `)`),
        { me: viewer.personId, anyConsortium: !viewer.consortiumId, served: viewer.consortiumId },
      )
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

  /** The ids of the cases with a task of the viewer's (GET /cases?awaiting=me). */
  async caseIds(viewer: TaskViewer): Promise<string[]> {
    return [...new Set((await this.all(viewer)).map((t) => t.caseId))];
  }

  /**
   * GET /cases?awaiting=me as one SQL predicate over the cases row `alias`: true exactly when
   * `obligationsOf` gives the case an obligation that falls to the viewer (`all` above), written
   * set-based so a page is one indexed query instead of reading every candidate case's inputs:
   * `narrow` the candidate cases (indexes: the viewer's panel seats and own cases, governance's
   * states), `rules` the obligations over those candidates.
   * The same rules, state by state (the worklist e2e checks the two agree at every step of a case):
   * - conflict_check: `declare` for a panel member with no current declaration; for governance
   *   `review_declaration` while a panel member's current declaration is unreviewed, and
   *   `complete_conflict_check` once nobody is missing one.
   * - route_decision: `decide_route` for a panel member not excluded from decisions.
   * - tendering: `answer_question` for the creator and the panel while a question is unanswered.
   * - evaluation: `score_bids` for an evaluator not excluded from evaluation with a live bid they
   *   have not scored; once every such evaluator scored every live bid, `propose_award` for the
   *   decision makers.
   * - governance_review: always a governance task; standstill: while a representation of the
   *   current standstill is open.
   */
  awaitingSql(alias: string, viewer: TaskViewer): ListFilter {
    if (!viewer.personId) return { narrow: 'FALSE', rules: 'FALSE', params: {} };
    const c = alias;
    const current = (p: string) =>
      `d.case_id = ${p}.case_id AND d.person_id = ${p}.person_id AND d.superseded_at IS NULL`;
    const notExcluded = (from: 'decision' | 'evaluation') =>
      `(d.mitigation IS NULL OR d.mitigation NOT IN ('exclude_from_${from}', 'exclude_entirely'))`;
    const iAm = (from: 'decision' | 'evaluation') =>
      `EXISTS (SELECT 1 FROM case_panel p LEFT JOIN declarations d ON ${current('p')}
                WHERE p.case_id = ${c}.id AND p.person_id = :aw_me AND ${notExcluded(from)})`;
    const liveBid = `b.case_id = ${c}.id AND b.status = 'submitted'`;
    const scored = (evaluator: string) =>
      `EXISTS (SELECT 1 FROM scores s WHERE s.case_id = ${c}.id AND s.bid_id = b.id AND s.evaluator_id = ${evaluator})`;
    const scoringComplete =
      `EXISTS (SELECT 1 FROM bids b WHERE ${liveBid})` +
      ` AND EXISTS (SELECT 1 FROM case_panel p LEFT JOIN declarations d ON ${current('p')} WHERE p.case_id = ${c}.id AND ${notExcluded('evaluation')})` +
      ` AND NOT EXISTS (SELECT 1 FROM case_panel p LEFT JOIN declarations d ON ${current('p')} JOIN bids b ON ${liveBid}` +
      `                  WHERE p.case_id = ${c}.id AND ${notExcluded('evaluation')} AND NOT ${scored('p.person_id')})`;
    const inPanel = `EXISTS (SELECT 1 FROM case_panel p WHERE p.case_id = ${c}.id AND p.person_id = :aw_me)`;
    const mine = [
      `(${c}.state = 'conflict_check' AND ${inPanel} AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.case_id = ${c}.id AND d.person_id = :aw_me AND d.superseded_at IS NULL))`,
      `(${c}.state = 'route_decision' AND ${iAm('decision')})`,
      `(${c}.state = 'tendering' AND (${c}.created_by = :aw_me OR ${inPanel}) AND EXISTS (SELECT 1 FROM questions q WHERE q.case_id = ${c}.id AND q.answer IS NULL))`,
      `(${c}.state = 'evaluation' AND ((${iAm('evaluation')} AND EXISTS (SELECT 1 FROM bids b WHERE ${liveBid} AND NOT ${scored(':aw_me')}))` +
        ` OR (${iAm('decision')} AND ${scoringComplete})))`,
    ];
    const params: Record<string, unknown> = { aw_me: viewer.personId };
    // Candidates first (a necessary condition of every branch, from indexes): the viewer's panel
    // cases in the states that name panel members, their own cases in tendering, and for
    // governance the cases in its states that it serves. The rules then run only over these, so
    // a person's page costs what their own open cases cost, never a walk over every case.
    const candidates = [
      `SELECT cp0.case_id FROM case_panel cp0 JOIN cases x0 ON x0.id = cp0.case_id
        WHERE cp0.person_id = :aw_me AND x0.state IN ('conflict_check', 'route_decision', 'tendering', 'evaluation')`,
      `SELECT x1.id FROM cases x1 WHERE x1.created_by = :aw_me AND x1.state = 'tendering'`,
    ];
    if (viewer.roles.includes('governance')) {
      const scope = viewer.consortiumId ? `${c}.consortium_id = :aw_served` : 'TRUE';
      if (viewer.consortiumId) params.aw_served = viewer.consortiumId;
      candidates.push(
        `SELECT x2.id FROM cases x2 WHERE x2.state IN ('conflict_check', 'governance_review', 'standstill')` +
          (viewer.consortiumId ? ` AND x2.consortium_id = :aw_served` : ''),
      );
      const unreviewed = `EXISTS (SELECT 1 FROM case_panel p JOIN declarations d ON ${current('p')} WHERE p.case_id = ${c}.id AND d.mitigation IS NULL)`;
      const missing = `EXISTS (SELECT 1 FROM case_panel p WHERE p.case_id = ${c}.id AND NOT EXISTS (SELECT 1 FROM declarations d WHERE ${current('p')}))`;
      const openRepresentation =
        `EXISTS (SELECT 1 FROM representations r WHERE r.case_id = ${c}.id AND r.status = 'open'` +
        ` AND (${c}.context->>'intentionPublishedAt' IS NULL OR r.lodged_at >= (${c}.context->>'intentionPublishedAt')::timestamptz))`;
      mine.push(
        `(${scope} AND ((${c}.state = 'conflict_check' AND (${unreviewed} OR NOT ${missing}))` +
          ` OR ${c}.state = 'governance_review' OR (${c}.state = 'standstill' AND ${openRepresentation})))`,
      );
    }
    return { narrow: `${c}.id IN (${candidates.join(' UNION ALL ')})`, rules: `(${mine.join(' OR ')})`, params };
  }

  private fallsTo(o: Obligation, viewer: TaskViewer, governance: boolean): boolean {
    if (o.personId) return o.personId === viewer.personId;
    return o.role === 'governance' && governance && (!viewer.consortiumId || viewer.consortiumId === o.consortiumId);
  }
}
