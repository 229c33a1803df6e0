/** Test helpers: events with facts that pass by default, scenario paths, step invariants. */
import { DomainError } from '../../errors/domain-error';
import { acceptedEventTypes, CASE_MACHINE_VERSION, decideCase, startCase, type Decision } from '../case.runtime';
import {
  CASE_STATES,
  FINAL_STATES,
  type Actor,
  type CaseEvent,
  type CaseFacts,
  type CaseInput,
  type Criterion,
  type DeadlineKind,
} from '../case.types';
import { STATE_DEADLINE } from '../case.rules';

export const T0 = '2026-03-02T09:00:00.000Z';
/** T0 plus `hours` */
export const at = (hours: number): string => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();

export const commissioner: Actor = { id: 'person-commissioner', roles: ['commissioner'] };
export const governance: Actor = { id: 'person-governance', roles: ['governance'] };
export const deadlines: Actor = { id: 'system:deadlines', roles: [] };
export const awardChecks: Actor = { id: 'system:award-checks', roles: [] };

export const caseInput: CaseInput = { caseId: 'case-1', track: 'fast', now: T0 };

export const CRITERIA: Criterion[] = [
  { key: 'quality_innovation', weight: 40 },
  { key: 'value', weight: 30 },
  { key: 'integration_collaboration_sustainability', weight: 10 },
  { key: 'access_inequalities_choice', weight: 10 },
  { key: 'social_value', weight: 10 },
];
export const TENDER_CLOSES_AT = '2026-04-01T00:00:00+01:00';
export const MINIMUM_TENDER_CLOSES_AT = '2026-03-17T00:00:00.000Z';
export const EXTENDED_TENDER_CLOSES_AT = '2026-04-03T00:00:00+01:00';

type D = Pick<Decision, 'context'>;

export const ev = {
  submit: (facts: CaseFacts = {}, now = at(1)): CaseEvent => ({
    type: 'SUBMIT',
    actor: commissioner,
    now,
    facts: { panelSize: 3, quorum: 2, ...facts },
  }),
  completeConflictCheck: (facts: CaseFacts = {}, now = at(2)): CaseEvent => ({
    type: 'COMPLETE_CONFLICT_CHECK',
    actor: governance,
    now,
    facts: { declarationsComplete: true, unexcludedDecisionMakers: 3, quorum: 2, ...facts },
  }),
  decideMake: (facts: CaseFacts = {}, now = at(3)): CaseEvent => ({
    type: 'DECIDE_MAKE',
    actor: commissioner,
    now,
    providerIds: ['practice-a', 'practice-b'],
    psrProcess: 'most_suitable_provider',
    justification: 'member practices already run the clinic',
    facts: { actorExcludedFromDecision: false, nonMemberProviderIds: [], ...facts },
  }),
  decideBuy: (facts: CaseFacts = {}, criteria: Criterion[] = CRITERIA, now = at(3)): CaseEvent => ({
    type: 'DECIDE_BUY',
    actor: commissioner,
    now,
    criteria,
    facts: {
      actorExcludedFromDecision: false,
      tenderClosesAt: TENDER_CLOSES_AT,
      minimumTenderClosesAt: MINIMUM_TENDER_CLOSES_AT,
      ...facts,
    },
  }),
  tenderClose: (d: D, facts: CaseFacts = {}, now = at(4)): CaseEvent => ({
    type: 'DEADLINE_DUE',
    actor: deadlines,
    now,
    deadlineId: 'deadline-tender',
    kind: 'tender_close',
    stageSeq: d.context.stageSeq,
    facts: { unansweredQuestions: 0, bidCount: 2, minimumBids: 1, ...facts },
  }),
  deadline: (
    d: D,
    kind: DeadlineKind,
    extra: { revision?: number; stageSeq?: number } = {},
    now = at(5),
  ): CaseEvent => ({
    type: 'DEADLINE_DUE',
    actor: deadlines,
    now,
    deadlineId: `deadline-${kind}`,
    kind,
    stageSeq: extra.stageSeq ?? d.context.stageSeq,
    ...(extra.revision === undefined ? {} : { revision: extra.revision }),
  }),
  proposeAward: (facts: CaseFacts = {}, now = at(6)): CaseEvent => ({
    type: 'PROPOSE_AWARD',
    actor: commissioner,
    now,
    bidId: 'bid-1',
    justification: 'highest weighted score',
    facts: { actorExcludedFromDecision: false, bidExists: true, scoringComplete: true, ...facts },
  }),
  checksCompleted: (
    d: D,
    blockingFlags = 0,
    fence: { stageSeq?: number; proposalSeq?: number } = {},
    now = at(7),
  ): CaseEvent => ({
    type: 'CHECKS_COMPLETED',
    actor: awardChecks,
    now,
    stageSeq: fence.stageSeq ?? d.context.stageSeq,
    proposalSeq: fence.proposalSeq ?? d.context.proposalSeq,
    blockingFlags,
    advisoryFlags: 1,
  }),
  approveAward: (facts: CaseFacts = {}, now = at(8)): CaseEvent => ({
    type: 'APPROVE_AWARD',
    actor: governance,
    now,
    note: 'cleared',
    facts: { openBlockingFlags: 0, ...facts },
  }),
  rejectAward: (now = at(8)): CaseEvent => ({
    type: 'REJECT_AWARD',
    actor: governance,
    now,
    reason: 'conflicted scorer',
  }),
  flagResolved: (
    d: D,
    over: { severity?: 'blocking' | 'advisory'; resolution?: 'accepted' | 'upheld'; proposalSeq?: number } = {},
    now = at(8),
  ): CaseEvent => ({
    type: 'FLAG_RESOLVED',
    actor: governance,
    now,
    flagId: 'flag-1',
    code: 'NOT_TOP_RANKED',
    severity: over.severity ?? 'blocking',
    resolution: over.resolution ?? 'upheld',
    proposalSeq: over.proposalSeq ?? d.context.proposalSeq,
  }),
  representationLodged: (id = 'rep-1', now = at(9)): CaseEvent => ({
    type: 'REPRESENTATION_LODGED',
    actor: { id: 'person-provider', roles: ['provider'] },
    now,
    representationId: id,
  }),
  representationResolved: (
    outcome: 'upheld' | 'not_upheld',
    id = 'rep-1',
    facts?: CaseFacts,
    now = at(10),
  ): CaseEvent => ({
    type: 'REPRESENTATION_RESOLVED',
    actor: governance,
    now,
    representationId: id,
    outcome,
    ...(facts ? { facts } : {}),
  }),
  cancel: (now = at(11), note?: string): CaseEvent => ({
    type: 'CANCEL',
    actor: commissioner,
    now,
    reasonCode: 'budget',
    ...(note === undefined ? {} : { note }),
  }),
  panelMemberAdded: (now = at(1)): CaseEvent => ({
    type: 'PANEL_MEMBER_ADDED',
    actor: commissioner,
    now,
    personId: 'person-x',
  }),
  panelMemberRemoved: (now = at(1)): CaseEvent => ({
    type: 'PANEL_MEMBER_REMOVED',
    actor: commissioner,
    now,
    personId: 'person-x',
  }),
  declarationMade: (now = at(1)): CaseEvent => ({
    type: 'DECLARATION_MADE',
    actor: { id: 'person-x', roles: [] },
    now,
    declarationId: 'decl-1',
    personId: 'person-x',
    interestIds: [],
    nilReturn: true,
  }),
  declarationReviewed: (now = at(1)): CaseEvent => ({
    type: 'DECLARATION_REVIEWED',
    actor: governance,
    now,
    declarationId: 'decl-1',
    personId: 'person-x',
    mitigation: 'none',
    note: 'nil return',
  }),
  scoreRecorded: (now = at(5)): CaseEvent => ({
    type: 'SCORE_RECORDED',
    actor: { id: 'person-x', roles: [] },
    now,
    bidId: 'bid-1',
    evaluatorId: 'person-x',
  }),
  questionAnswered: (now = at(3)): CaseEvent => ({
    type: 'QUESTION_ANSWERED',
    actor: commissioner,
    now,
    questionId: 'q-1',
  }),
};

export type Step = CaseEvent | ((d: Decision) => CaseEvent);

/** Plays steps from `from` (a new case by default), returning the last decision. */
export function play(steps: readonly Step[], from: Decision = startCase(caseInput)): Decision {
  return steps.reduce(
    (d, step) => decideCase(CASE_MACHINE_VERSION, d.snapshot, typeof step === 'function' ? step(d) : step),
    from,
  );
}

const toConflictCheck: Step[] = [ev.submit()];
const toRouteDecision: Step[] = [...toConflictCheck, ev.completeConflictCheck()];
const toTendering: Step[] = [...toRouteDecision, ev.decideBuy()];
const toEvaluation: Step[] = [...toTendering, (d) => ev.tenderClose(d)];
const toAwardChecksBuy: Step[] = [...toEvaluation, ev.proposeAward()];
const toAwardChecksMake: Step[] = [...toRouteDecision, ev.decideMake()];

/** Shortest ways into each state: `route.<name>` is a list of steps from a new case. */
export const route = {
  draft: [] as Step[],
  conflictCheck: toConflictCheck,
  routeDecision: toRouteDecision,
  tendering: toTendering,
  evaluation: toEvaluation,
  awardChecksBuy: toAwardChecksBuy,
  governanceReviewBuy: [...toAwardChecksBuy, (d: Decision) => ev.checksCompleted(d, 2)],
  standstillBuy: [...toAwardChecksBuy, (d: Decision) => ev.checksCompleted(d, 0)],
  pausedBuy: [...toAwardChecksBuy, (d: Decision) => ev.checksCompleted(d, 0), ev.representationLodged()],
  awardChecksMake: toAwardChecksMake,
  governanceReviewMake: [...toAwardChecksMake, (d: Decision) => ev.checksCompleted(d, 1)],
  standstillMake: [...toAwardChecksMake, (d: Decision) => ev.checksCompleted(d, 0)],
  pausedMake: [...toAwardChecksMake, (d: Decision) => ev.checksCompleted(d, 0), ev.representationLodged()],
} satisfies Record<string, Step[]>;

export const given = (steps: readonly Step[]): Decision => play(steps);

/** What must hold for every accepted event; throws (jest expect) otherwise. */
export function expectStepInvariants(prev: Decision, event: CaseEvent, next: Decision): void {
  expect(FINAL_STATES).not.toContain(prev.state);
  expect(CASE_STATES).toContain(next.state);
  expect(next.fromState).toBe(prev.state);
  expect(next.toState).toBe(next.state);
  expect(next.context.caseId).toBe(prev.context.caseId);

  // stageSeq: +1 on every top-level change, unchanged otherwise
  expect(next.context.stageSeq).toBe(prev.context.stageSeq + (next.state === prev.state ? 0 : 1));

  // only the end of standstill awards
  if (next.state === 'awarded') {
    expect(prev.stateValue).toEqual({ standstill: 'running' });
    expect(event.type).toBe('DEADLINE_DUE');
    expect(event.type === 'DEADLINE_DUE' && event.kind).toBe('standstill_end');
  }

  for (const effect of next.effects) {
    if (effect.type === 'scheduleDeadline') {
      expect(effect.stageSeq).toBe(next.context.stageSeq);
      expect(effect.revision).toBe(next.context.deadlineRevisions[effect.kind] ?? 0);
      expect(effect.dueAt !== undefined || (effect.from !== undefined && effect.policyKey !== undefined)).toBe(true);
    }
    if (effect.type === 'runAwardChecks') {
      expect(effect).toEqual({
        type: 'runAwardChecks',
        stageSeq: next.context.stageSeq,
        proposalSeq: next.context.proposalSeq,
      });
    }
  }

  // leaving a stage cancels its deadline
  const left = STATE_DEADLINE[prev.state];
  if (next.state !== prev.state && left) {
    expect(next.effects).toContainEqual({ type: 'cancelDeadlines', kinds: [left] });
  }

  if (FINAL_STATES.includes(next.state)) {
    expect(acceptedEventTypes(CASE_MACHINE_VERSION, next.snapshot)).toEqual([]);
  }
  // the stored snapshot is plain JSON
  expect(JSON.parse(JSON.stringify(next.snapshot))).toEqual(next.snapshot);
}

/** decideCase that returns the DomainError instead of throwing it; anything else rethrows. */
export function tryDecide(d: Decision, event: CaseEvent): Decision | DomainError {
  try {
    return decideCase(CASE_MACHINE_VERSION, d.snapshot, event);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
}
