import fc from 'fast-check';
import { DomainError } from '../errors/domain-error';
import { acceptedEventTypes, CASE_MACHINE_VERSION, decideCase, startCase, type Decision } from './case.runtime';
import {
  CLIENT_EVENT_TYPES,
  CRITERION_KEYS,
  DEADLINE_KINDS,
  FINAL_STATES,
  INTERNAL_EVENT_TYPES,
  PSR_MAKE_PROCESSES,
  type CaseContext,
  type CaseEvent,
  type CaseFacts,
  type Criterion,
} from './case.types';
import { STATE_DEADLINE } from './case.rules';
import {
  at,
  caseInput,
  commissioner,
  CRITERIA,
  expectStepInvariants,
  governance,
  MINIMUM_TENDER_CLOSES_AT,
  TENDER_CLOSES_AT,
} from './testing/case-events';

/**
 * Random event sequences with random payloads and facts. Most steps pick an event the
 * current state handles, with facts that usually pass, so runs get deep into the chart;
 * the rest are anything at all (wrong type, wrong stage, garbage payloads, missing facts).
 */

const ALL_TYPES: string[] = [...CLIENT_EVENT_TYPES, ...INTERNAL_EVENT_TYPES, 'NOT_AN_EVENT'];
/** events that move a case on (CANCEL and in-place events are left to the other pools) */
const PROGRESS_TYPES: string[] = [
  'SUBMIT',
  'COMPLETE_CONFLICT_CHECK',
  'DECIDE_MAKE',
  'DECIDE_BUY',
  'DEADLINE_DUE',
  'PROPOSE_AWARD',
  'CHECKS_COMPLETED',
  'APPROVE_AWARD',
  'REJECT_AWARD',
  'REPRESENTATION_LODGED',
  'REPRESENTATION_RESOLVED',
];
const INSTANTS = [
  '2026-03-01T00:00:00Z',
  MINIMUM_TENDER_CLOSES_AT,
  TENDER_CLOSES_AT,
  '2026-05-01T00:00:00+01:00',
  'not-a-date',
  '',
];

const count = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -2, max: 10 }), fc.constant(1.5));
const randomFacts: fc.Arbitrary<CaseFacts> = fc.record(
  {
    quorum: count,
    minimumBids: count,
    panelSize: count,
    declarationsComplete: fc.boolean(),
    unexcludedDecisionMakers: count,
    actorExcludedFromDecision: fc.boolean(),
    nonMemberProviderIds: fc.array(fc.constantFrom('trust-1', 'practice-a'), { maxLength: 2 }),
    tenderClosesAt: fc.constantFrom(...INSTANTS),
    minimumTenderClosesAt: fc.constantFrom(...INSTANTS),
    extendedTenderClosesAt: fc.constantFrom(...INSTANTS),
    scoringComplete: fc.boolean(),
    bidExists: fc.boolean(),
    openBlockingFlags: count,
    unansweredQuestions: count,
    bidCount: count,
    openRepresentations: count,
  },
  { requiredKeys: [] },
);

const randomCriteria: fc.Arbitrary<Criterion[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(CRITERIA) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.record({
        key: fc.constantFrom(...CRITERION_KEYS, 'price') as fc.Arbitrary<Criterion['key']>,
        weight: fc.oneof(fc.integer({ min: -10, max: 110 }), fc.double({ noNaN: false })),
      }),
      { maxLength: 6 },
    ),
  },
);

const seqShift = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) },
);

const stepSeed = fc.record({
  pool: fc.oneof(
    { weight: 6, arbitrary: fc.constant('progress' as const) },
    { weight: 3, arbitrary: fc.constant('accepted' as const) },
    { weight: 1, arbitrary: fc.constant('any' as const) },
  ),
  typeIndex: fc.nat(),
  goodFacts: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  facts: randomFacts,
  factsAbsent: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  unanswered: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) },
  ),
  bidCount: fc.integer({ min: 0, max: 3 }),
  stageSeqShift: seqShift,
  proposalSeqShift: seqShift,
  revision: fc.oneof(
    { weight: 4, arbitrary: fc.constant('absent' as const) },
    { weight: 2, arbitrary: fc.constant('current' as const) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) },
  ),
  ownKind: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  kind: fc.constantFrom(...DEADLINE_KINDS),
  blockingFlags: fc.integer({ min: 0, max: 2 }),
  severity: fc.constantFrom('blocking', 'advisory'),
  resolution: fc.constantFrom('accepted', 'upheld'),
  outcome: fc.constantFrom('upheld', 'not_upheld', 'not_upheld', 'maybe'),
  reasonCode: fc.constantFrom('budget', 'other', 'legal_breach', 'on_a_whim'),
  criteria: randomCriteria,
  providerIds: fc.array(fc.constantFrom('practice-a', 'practice-b'), { maxLength: 2 }),
  psrProcess: fc.constantFrom(...PSR_MAKE_PROCESSES, 'competitive'),
  note: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  excluded: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});
type StepSeed = typeof stepSeed extends fc.Arbitrary<infer T> ? T : never;

function passingFacts(type: string, seed: StepSeed, context: CaseContext): CaseFacts {
  const actorExcludedFromDecision = seed.excluded;
  switch (type) {
    case 'SUBMIT':
      return { panelSize: 3, quorum: 2 };
    case 'COMPLETE_CONFLICT_CHECK':
      return { declarationsComplete: true, unexcludedDecisionMakers: 2, quorum: 2 };
    case 'DECIDE_MAKE':
      return { actorExcludedFromDecision, nonMemberProviderIds: [] };
    case 'DECIDE_BUY':
      return {
        actorExcludedFromDecision,
        tenderClosesAt: TENDER_CLOSES_AT,
        minimumTenderClosesAt: MINIMUM_TENDER_CLOSES_AT,
      };
    case 'DEADLINE_DUE': {
      const close = Date.parse(context.tenderClosesAt ?? TENDER_CLOSES_AT);
      return {
        unansweredQuestions: seed.unanswered,
        extendedTenderClosesAt: new Date(close + 2 * 86_400_000).toISOString(),
        bidCount: seed.bidCount,
        minimumBids: 1,
      };
    }
    case 'PROPOSE_AWARD':
      return { actorExcludedFromDecision, bidExists: true, scoringComplete: true };
    case 'APPROVE_AWARD':
      return { openBlockingFlags: 0 };
    default:
      return {};
  }
}

function buildEvent(d: Decision, seed: StepSeed, step: number): CaseEvent {
  const accepted: string[] = acceptedEventTypes(CASE_MACHINE_VERSION, d.snapshot);
  const progress = accepted.filter((t) => PROGRESS_TYPES.includes(t));
  const pool =
    seed.pool === 'progress' && progress.length > 0
      ? progress
      : seed.pool !== 'any' && accepted.length > 0
        ? accepted
        : ALL_TYPES;
  const type = pool[seed.typeIndex % pool.length];
  const context = d.context;
  const facts = seed.goodFacts ? passingFacts(type, seed, context) : seed.facts;
  const ownKind = STATE_DEADLINE[d.state];
  const base = {
    actor: type === 'CANCEL' || type.startsWith('APPROVE') || type.startsWith('REJECT') ? governance : commissioner,
    now: at(step),
    ...(seed.factsAbsent ? {} : { facts }),
  };
  const payloads: Record<string, Record<string, unknown>> = {
    DECIDE_MAKE: { providerIds: seed.providerIds, psrProcess: seed.psrProcess, justification: 'j' },
    DECIDE_BUY: { criteria: seed.criteria },
    PROPOSE_AWARD: { bidId: 'bid-1', justification: 'j' },
    APPROVE_AWARD: { note: 'n' },
    REJECT_AWARD: { reason: 'r' },
    CANCEL: { reasonCode: seed.reasonCode, ...(seed.note === undefined ? {} : { note: seed.note }) },
    PANEL_MEMBER_ADDED: { personId: 'p' },
    PANEL_MEMBER_REMOVED: { personId: 'p' },
    DECLARATION_MADE: { declarationId: 'x', personId: 'p', interestIds: [], nilReturn: true },
    DECLARATION_REVIEWED: { declarationId: 'x', personId: 'p', mitigation: 'none', note: '' },
    SCORE_RECORDED: { bidId: 'bid-1', evaluatorId: 'p' },
    QUESTION_ANSWERED: { questionId: 'q' },
    DEADLINE_DUE: {
      deadlineId: 'dl',
      kind: seed.ownKind && ownKind ? ownKind : seed.kind,
      stageSeq: context.stageSeq + seed.stageSeqShift,
      ...(seed.revision === 'absent'
        ? {}
        : { revision: seed.revision === 'current' ? (context.deadlineRevisions[seed.kind] ?? 0) : seed.revision }),
    },
    CHECKS_COMPLETED: {
      stageSeq: context.stageSeq + seed.stageSeqShift,
      proposalSeq: context.proposalSeq + seed.proposalSeqShift,
      blockingFlags: seed.blockingFlags,
      advisoryFlags: 0,
    },
    FLAG_RESOLVED: {
      flagId: 'f',
      code: 'NOT_TOP_RANKED',
      severity: seed.severity,
      resolution: seed.resolution,
      proposalSeq: context.proposalSeq + seed.proposalSeqShift,
    },
    REPRESENTATION_LODGED: { representationId: 'r' },
    REPRESENTATION_RESOLVED: { representationId: 'r', outcome: seed.outcome },
  };
  return { type, ...base, ...(payloads[type] ?? {}) } as CaseEvent;
}

type Outcome = { kind: 'ok'; decision: Decision } | { kind: 'refused'; error: DomainError };

function attempt(d: Decision, event: CaseEvent): Outcome {
  try {
    return { kind: 'ok', decision: decideCase(CASE_MACHINE_VERSION, d.snapshot, event) };
  } catch (e) {
    // anything but a DomainError fails the property
    if (!(e instanceof DomainError)) throw e;
    return { kind: 'refused', error: e };
  }
}

const reached = new Map<string, number>();
const sequences = fc.array(stepSeed, { minLength: 1, maxLength: 50, size: 'max' });

describe('property: random event sequences', () => {
  it('never award without standstill ending, never leave a final state, only ever throw DomainError', () => {
    fc.assert(
      fc.property(sequences, (seeds) => {
        let d = startCase(caseInput);
        let sawStandstill = false;
        seeds.forEach((seed, i) => {
          const event = buildEvent(d, seed, i + 1);
          const outcome = attempt(d, event);
          if (FINAL_STATES.includes(d.state)) {
            expect(outcome.kind === 'refused' && outcome.error.code).toBe('EVENT_NOT_ALLOWED');
            return;
          }
          if (outcome.kind === 'refused') return;
          expectStepInvariants(d, event, outcome.decision);
          d = outcome.decision;
          sawStandstill ||= d.state === 'standstill';
          if (d.state === 'awarded') {
            expect(sawStandstill).toBe(true);
            expect(d.context.intentionPublishedAt).not.toBeNull();
            expect(d.context.proposal).not.toBeNull();
          }
          reached.set(JSON.stringify(d.stateValue), (reached.get(JSON.stringify(d.stateValue)) ?? 0) + 1);
        });
      }),
      { numRuns: 250 },
    );
    // the generator does reach deep into the chart
    for (const s of ['"awarded"', '"cancelled"', '"unsuccessful"', '{"standstill":"paused"}', '"governance_review"']) {
      expect(reached.get(s) ?? 0).toBeGreaterThan(0);
    }
  });

  it('is deterministic: the same snapshot and event give the same decision or the same error', () => {
    fc.assert(
      fc.property(sequences, (seeds) => {
        let d = startCase(caseInput);
        seeds.forEach((seed, i) => {
          const event = buildEvent(d, seed, i + 1);
          const first = attempt(d, event);
          const second = attempt(d, event);
          if (first.kind === 'ok') {
            expect(second).toEqual(first);
            d = first.decision;
          } else {
            expect(second.kind === 'refused' && [second.error.code, second.error.message]).toEqual([
              first.error.code,
              first.error.message,
            ]);
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  it('an event type the state does not handle is always EVENT_NOT_ALLOWED', () => {
    fc.assert(
      fc.property(sequences, (seeds) => {
        let d = startCase(caseInput);
        seeds.forEach((seed, i) => {
          const event = buildEvent(d, seed, i + 1);
          const outcome = attempt(d, event);
          const handled = (acceptedEventTypes(CASE_MACHINE_VERSION, d.snapshot) as string[]).includes(event.type);
          if (!handled) expect(outcome.kind === 'refused' && outcome.error.code).toBe('EVENT_NOT_ALLOWED');
          if (outcome.kind === 'ok') d = outcome.decision;
        });
      }),
      { numRuns: 60 },
    );
  });
});
