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
import { CASE_STATES, FINAL_STATES, type CaseEvent } from './case.types';
import { caseInput, expectStepInvariants } from './testing/case-events';
import { sampleEvents, serializeState } from './testing/case-model';

/**
 * Model-based: walk the statechart with xstate/graph using sample events whose facts
 * pass and fail the guards, then replay every path through the public runtime and check
 * the invariants at each step, trying every sample event on the way.
 */

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
