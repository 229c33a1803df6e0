import { getShortestPaths } from 'xstate/graph';
import { DomainError } from '../errors/domain-error';
import { caseMachine } from './case.machine';
import { checkRules } from './case.rules';
import {
  acceptedEventTypes,
  CASE_MACHINE_VERSION,
  decideCase,
  startCase,
  topLevelState,
  type Decision,
} from './case.runtime';
import { CASE_STATES, FINAL_STATES, type CaseContext, type CaseEvent } from './case.types';
import { caseInput, ev, EXTENDED_TENDER_CLOSES_AT, expectStepInvariants } from './testing/case-events';

/**
 * Model-based: walk the statechart with xstate/graph using sample events whose facts
 * pass and fail the guards, then replay every path through the public runtime and check
 * the invariants at each step, trying every sample event on the way.
 */

function sampleEvents(context: CaseContext): CaseEvent[] {
  const d = { context };
  const later = (iso: string | null, days: number) =>
    new Date(Date.parse(iso ?? EXTENDED_TENDER_CLOSES_AT) + days * 86_400_000).toISOString();
  return [
    ev.submit(),
    ev.submit({ panelSize: 1 }),
    ev.completeConflictCheck(),
    ev.completeConflictCheck({ declarationsComplete: false }),
    ev.completeConflictCheck({ unexcludedDecisionMakers: 1 }),
    ev.decideMake(),
    ev.decideMake({ actorExcludedFromDecision: true }),
    ev.decideMake({ nonMemberProviderIds: ['trust-1'] }),
    ev.decideBuy(),
    ev.decideBuy({}, [{ key: 'value', weight: 90 }]),
    ev.decideBuy({ tenderClosesAt: '2026-03-03T00:00:00Z' }),
    ev.tenderClose(d),
    ev.tenderClose(d, { bidCount: 0 }),
    ev.tenderClose(d, { unansweredQuestions: 1, extendedTenderClosesAt: later(context.tenderClosesAt, 2) }),
    { ...ev.tenderClose(d), stageSeq: context.stageSeq - 1 } as CaseEvent,
    ev.deadline(d, 'conflict_check_sla'),
    ev.deadline(d, 'evaluation_sla'),
    ev.deadline(d, 'governance_review_sla'),
    ev.deadline(d, 'standstill_end'),
    ev.deadline(d, 'standstill_end', { stageSeq: context.stageSeq - 1 }),
    ev.proposeAward(),
    ev.proposeAward({ scoringComplete: false }),
    ev.proposeAward({ bidExists: false }),
    ev.checksCompleted(d, 0),
    ev.checksCompleted(d, 1),
    ev.checksCompleted(d, 0, { proposalSeq: context.proposalSeq - 1 }),
    ev.approveAward(),
    ev.approveAward({ openBlockingFlags: 1 }),
    ev.rejectAward(),
    ev.flagResolved(d),
    ev.flagResolved(d, { severity: 'advisory' }),
    ev.representationLodged(),
    ev.representationResolved('not_upheld'),
    ev.representationResolved('upheld'),
    ev.cancel(),
    ev.panelMemberAdded(),
    ev.declarationMade(),
    ev.declarationReviewed(),
    ev.scoreRecorded(),
    ev.questionAnswered(),
  ];
}

// the model abstracts counters that grow in loops so that the graph stays finite
const cap = (n: number) => Math.min(n, 2);
const serializeState = (s: { value: unknown; context: CaseContext }) =>
  JSON.stringify({
    value: s.value,
    route: s.context.route,
    proposals: cap(s.context.proposalSeq),
    representations: cap(s.context.openRepresentations),
    revisions: Object.fromEntries(Object.entries(s.context.deadlineRevisions).map(([k, v]) => [k, cap(v ?? 0)])),
  });

const paths = getShortestPaths(caseMachine, {
  input: caseInput,
  events: (snapshot) => sampleEvents(snapshot.context),
  serializeState: (snapshot) => serializeState(snapshot),
});

describe('model-based paths through the case statechart', () => {
  it('reaches every state of the contract, including standstill.paused', () => {
    const reached = new Set(paths.map((p) => topLevelState(p.state.value)));
    expect([...reached].sort()).toEqual([...CASE_STATES].sort());
    expect(paths.some((p) => JSON.stringify(p.state.value) === JSON.stringify({ standstill: 'paused' }))).toBe(true);
    expect(paths.length).toBeGreaterThan(50);
  });

  it('replays every path through decideCase with the invariants holding at each step', () => {
    let steps = 0;
    let probes = 0;
    const probed = new Set<string>();
    for (const path of paths) {
      let d: Decision = startCase(caseInput);
      for (const step of path.steps) {
        // try every sample event here (once per snapshot: paths share prefixes):
        // it is refused with a DomainError or obeys the invariants
        const key = JSON.stringify(d.snapshot);
        for (const probe of probed.has(key) ? [] : sampleEvents(d.context)) {
          probes++;
          let next: Decision | undefined;
          try {
            next = decideCase(CASE_MACHINE_VERSION, d.snapshot, probe);
          } catch (e) {
            expect(e).toBeInstanceOf(DomainError);
            continue;
          }
          expectStepInvariants(d, probe, next);
        }
        probed.add(key);

        if ((step.event as { type: string }).type === 'xstate.init') continue;
        const next = decideCase(CASE_MACHINE_VERSION, d.snapshot, step.event as CaseEvent);
        expectStepInvariants(d, step.event as CaseEvent, next);
        // the graph keeps one snapshot per abstract state, so compare abstractions
        expect(serializeState({ value: next.stateValue, context: next.context })).toBe(serializeState(step.state));
        d = next;
        steps++;
      }
      if (FINAL_STATES.includes(d.state)) {
        expect(acceptedEventTypes(CASE_MACHINE_VERSION, d.snapshot)).toEqual([]);
        for (const probe of sampleEvents(d.context)) {
          expect(() => decideCase(CASE_MACHINE_VERSION, d.snapshot, probe)).toThrow(
            expect.objectContaining({ code: 'EVENT_NOT_ALLOWED' }),
          );
        }
      }
    }
    expect(steps).toBeGreaterThan(100);
    expect(probes).toBeGreaterThan(1000);
    expect(probed.size).toBeGreaterThan(40);
  });

  it('guards and rules agree: an accepted event moves the machine exactly when no rule is broken', () => {
    for (const path of paths) {
      const snapshot = path.state;
      if (snapshot.status !== 'active') continue;
      const handled = new Set(acceptedEventTypes(CASE_MACHINE_VERSION, caseMachine.getPersistedSnapshot(snapshot)));
      for (const event of sampleEvents(snapshot.context).filter((e) => handled.has(e.type))) {
        const enabled = caseMachine.getTransitionData(snapshot, event).length > 0;
        expect({ event, enabled }).toEqual({
          event,
          enabled: checkRules(topLevelState(snapshot.value), snapshot.context, event) === null,
        });
      }
    }
  });
});
