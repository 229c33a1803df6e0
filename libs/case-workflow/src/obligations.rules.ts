import type { CaseState, Role } from '@makebuy/domain';

/** What a case may wait on someone for (the contract's task kinds, GET /me/tasks). */
export const TASK_KINDS = [
  'declare',
  'review_declaration',
  'complete_conflict_check',
  'decide_route',
  'answer_question',
  'score_bids',
  'propose_award',
  'resolve_flag',
  'approve_award',
  'resolve_representation',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * One thing a case waits on: who (a named person, or anyone holding `role` for the case's
 * consortium), for what, by when, and the declaration, question, flag or representation it is about.
 */
export interface Obligation {
  kind: TaskKind;
  caseId: string;
  /** the person who must act; null when anyone holding `role` for `consortiumId` may */
  personId: string | null;
  role: Extract<Role, 'governance' | 'commissioner'> | null;
  consortiumId: string;
  /** the pending deadline of the stage (its service level), or null */
  dueAt: string | null;
  ref: string | null;
}

/** What `obligationsOf` reads, gathered through the command's transaction for the case's state only. */
export interface ObligationInputs {
  caseId: string;
  consortiumId: string;
  createdBy: string;
  state: CaseState;
  /** the pending deadline of the current stage */
  dueAt: string | null;
  /** conflict_check */
  conflictCheck?: { missingDeclarations: string[]; unreviewed: { personId: string; declarationId: string }[] };
  /** route_decision and evaluation: panel members not excluded from decisions */
  decisionMakers?: string[];
  /** tendering */
  panel?: string[];
  unansweredQuestionIds?: string[];
  /** evaluation: unexcluded evaluators, live bids, and who scored what ("evaluatorId|bidId") */
  scoring?: { evaluators: string[]; bidIds: string[]; scored: string[]; complete: boolean };
  /** governance_review: open blocking flags of the current proposal */
  openBlockingFlagIds?: string[];
  /** standstill: open representations of the current standstill */
  openRepresentationIds?: string[];
}

/**
 * Who a case waits on, for what, by when. Pure: one answer for reminders, breach evidence
 * (`waitingOn`), the notice audiences that name the people who must act, and the worklist.
 */
export function obligationsOf(i: ObligationInputs): Obligation[] {
  const of = (kind: TaskKind, who: { personId: string } | { role: 'governance' }, ref: string | null = null) => ({
    kind,
    caseId: i.caseId,
    personId: 'personId' in who ? who.personId : null,
    role: 'role' in who ? who.role : null,
    consortiumId: i.consortiumId,
    dueAt: i.dueAt,
    ref,
  });
  const governance = { role: 'governance' } as const;
  switch (i.state) {
    case 'conflict_check': {
      const c = i.conflictCheck ?? { missingDeclarations: [], unreviewed: [] };
      return [
        ...c.missingDeclarations.map((personId) => of('declare', { personId })),
        ...c.unreviewed.map((u) => of('review_declaration', governance, u.declarationId)),
        ...(c.missingDeclarations.length === 0 && c.unreviewed.length === 0
          ? [of('complete_conflict_check', governance)]
          : []),
      ];
    }
    case 'route_decision':
      return (i.decisionMakers ?? []).map((personId) => of('decide_route', { personId }));
    case 'tendering': {
      const askers = [...new Set([i.createdBy, ...(i.panel ?? [])])];
      return (i.unansweredQuestionIds ?? []).flatMap((q) =>
        askers.map((personId) => of('answer_question', { personId }, q)),
      );
    }
    case 'evaluation': {
      const s = i.scoring ?? { evaluators: [], bidIds: [], scored: [], complete: false };
      // once scoring is complete the award is proposed by a panel member not excluded from decisions
      if (s.complete) return (i.decisionMakers ?? []).map((personId) => of('propose_award', { personId }));
      const scored = new Set(s.scored);
      return s.evaluators
        .filter((e) => s.bidIds.some((b) => !scored.has(`${e}|${b}`)))
        .map((personId) => of('score_bids', { personId }));
    }
    case 'governance_review': {
      const open = i.openBlockingFlagIds ?? [];
      return open.length
        ? open.map((flagId) => of('resolve_flag', governance, flagId))
        : [of('approve_award', governance)];
    }
    case 'standstill':
      return (i.openRepresentationIds ?? []).map((id) => of('resolve_representation', governance, id));
    case 'draft':
    case 'award_checks':
    case 'awarded':
    case 'cancelled':
    case 'unsuccessful':
      return [];
    default: {
      const unknown: never = i.state;
      throw new Error(`obligationsOf: unknown state ${String(unknown)}`);
    }
  }
}
