import { createMachine, type AnyStateMachine } from 'xstate';
import { DomainError } from '../errors/domain-error';
import { caseMachine } from './case.machine';
import {
  acceptedEventTypes as acceptedOn,
  canRestore as canRestoreOn,
  CASE_MACHINE_VERSION,
  CASE_MACHINES,
  caseMachineEntry,
  caseMachineVersions,
  decideCase as decideOn,
  migrateCaseSnapshot as migrateOn,
  SnapshotRestoreError,
  startCase,
  topLevelState,
  type CaseMachineCatalogue,
} from './case.runtime';
import { caseInput, ev, given, route } from './testing/case-events';

/**
 * A test-only version 2: governance review was dropped (blocking flags now send the
 * award back to evaluation). Built from version 1's definition and implementations.
 */
function buildVersion2(): AnyStateMachine {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const config = caseMachine.config as any;
  const { governance_review, ...states } = config.states;
  const checks = config.states.award_checks.on.CHECKS_COMPLETED;
  return createMachine(
    {
      ...config,
      states: {
        ...states,
        award_checks: {
          ...states.award_checks,
          on: {
            ...states.award_checks.on,
            CHECKS_COMPLETED: [{ ...checks[0], target: 'evaluation', actions: [] }, checks[1]],
          },
        },
      },
    },
    caseMachine.implementations,
  );
}

const V2 = 2;
/** This file's own catalogue: the real versions plus the test version 2 (nothing leaks into other tests). */
const MACHINES: CaseMachineCatalogue = { ...CASE_MACHINES, [V2]: caseMachineEntry(buildVersion2()) };
const canRestore = (v: number, p: unknown) => canRestoreOn(v, p, MACHINES);
const acceptedEventTypes = (v: number, p: unknown) => acceptedOn(v, p, MACHINES);
const decideCase = (v: number, p: unknown, e: Parameters<typeof decideOn>[2]) => decideOn(v, p, e, MACHINES);
const migrateCaseSnapshot = (from: number, to: number, p: unknown, m?: Parameters<typeof migrateOn>[3]) =>
  migrateOn(from, to, p, m, MACHINES);

const expectRestoreError = (fn: () => unknown): SnapshotRestoreError => {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(SnapshotRestoreError);
  expect(thrown).not.toBeInstanceOf(DomainError);
  return thrown as SnapshotRestoreError;
};

describe('machine versions', () => {
  it("knows version 1 (current); the test version 2 only in this file's catalogue", () => {
    expect(CASE_MACHINE_VERSION).toBe(1);
    expect(caseMachineVersions(MACHINES)).toEqual([1, 2]);
    expect(caseMachineVersions()).toEqual([1]);
  });

  it('the versions are one constant: a test cannot add or replace one', () => {
    expect(Object.isFrozen(CASE_MACHINES)).toBe(true);
    expect(() => {
      (CASE_MACHINES as Record<number, unknown>)[3] = caseMachineEntry(buildVersion2());
    }).toThrow(TypeError);
    expect(caseMachineVersions()).toEqual([1]);
    // the test version is unknown outside this file's catalogue
    const d = startCase(caseInput);
    expect(canRestoreOn(2, d.snapshot)).toBe(false);
  });

  it('an unknown version is a SnapshotRestoreError, never a crash', () => {
    const d = startCase(caseInput);
    expect(canRestore(99, d.snapshot)).toBe(false);
    const e = expectRestoreError(() => decideCase(99, d.snapshot, ev.submit()));
    expect(e.details.version).toBe(99);
    expectRestoreError(() => acceptedEventTypes(99, d.snapshot));
  });
});

describe('restoring stored snapshots', () => {
  it.each([
    ['null', null],
    ['a string', 'draft'],
    ['no context', { value: 'draft' }],
    ['a numeric value', { value: 42, context: {} }],
    ['an empty value', { value: {}, context: {} }],
    ['a parallel-looking value', { value: { draft: 'a', standstill: 'paused' }, context: {} }],
    ['a state that does not exist', { value: 'negotiation', context: {} }],
    ['a child that does not exist', { value: { standstill: 'frozen' }, context: {} }],
    ['a compound state without its child', { value: 'standstill', context: {} }],
    ['a child under an atomic state', { value: { draft: 'x' }, context: {} }],
    ['a prototype key', { value: 'constructor', context: {} }],
    ['a context missing its counters', { value: 'draft', context: { caseId: 'case-1' } }],
    [
      'a context with a bad field',
      { value: 'draft', context: { ...startCase(caseInput).context, deadlineRevisions: null } },
    ],
  ])('%s is refused with SnapshotRestoreError', (_, persisted) => {
    expect(canRestore(1, persisted)).toBe(false);
    expectRestoreError(() => decideCase(1, persisted, ev.submit()));
  });

  it('round-trips a stored snapshot through JSON', () => {
    const paused = given(route.pausedBuy);
    const stored = JSON.parse(JSON.stringify(paused.snapshot));
    expect(canRestore(1, stored)).toBe(true);
    expect(decideCase(1, stored, ev.representationLodged('rep-2')).context.openRepresentations).toBe(2);
  });
});

describe('a state removed in version 2', () => {
  const inReview = () => given(route.governanceReviewBuy);

  it('is detected by canRestore and decideCase', () => {
    const d = inReview();
    expect(canRestore(1, d.snapshot)).toBe(true);
    expect(canRestore(2, d.snapshot)).toBe(false);
    const e = expectRestoreError(() => decideCase(2, d.snapshot, ev.approveAward()));
    expect(e.details).toMatchObject({ version: 2, stateValue: 'governance_review' });
  });

  it('cannot be migrated without a mapping', () => {
    expectRestoreError(() => migrateCaseSnapshot(1, 2, inReview().snapshot));
  });

  it('is moved by a state mapping, keeping the context', () => {
    const d = inReview();
    const migrated = migrateCaseSnapshot(1, 2, d.snapshot, { governance_review: 'evaluation' });
    expect(migrated).toMatchObject({ status: 'active', value: 'evaluation', context: d.context });
    expect(canRestore(2, migrated)).toBe(true);

    // the migrated case runs on version 2: blocking flags now go back to evaluation
    const proposed = decideCase(2, migrated, ev.proposeAward());
    expect(proposed).toMatchObject({ machineVersion: 2, state: 'award_checks', fromState: 'evaluation' });
    const checked = decideCase(2, proposed.snapshot, ev.checksCompleted(proposed, 1));
    expect(checked.state).toBe('evaluation');
  });

  it('is moved by a mapper function, which may rewrite the context too', () => {
    const d = inReview();
    const migrated = migrateCaseSnapshot(1, 2, d.snapshot, ({ value, context }, versions) => {
      expect(versions).toEqual({ fromVersion: 1, toVersion: 2 });
      return value === 'governance_review'
        ? { value: 'evaluation', context: { ...context, deadlineRevisions: {} } }
        : { value, context };
    });
    expect(migrated.value).toBe('evaluation');
  });

  it('leaves unmapped states as they are; a compound target enters its initial child', () => {
    const tendering = given(route.tendering);
    expect(migrateCaseSnapshot(1, 2, tendering.snapshot, { governance_review: 'evaluation' }).value).toBe('tendering');
    expect(migrateCaseSnapshot(1, 2, inReview().snapshot, { governance_review: 'standstill' }).value).toEqual({
      standstill: 'running',
    });
    expectRestoreError(() => migrateCaseSnapshot(1, 2, inReview().snapshot, { governance_review: 'limbo' }));
  });

  it('keeps final cases final', () => {
    const done = decideCase(1, startCase(caseInput).snapshot, ev.cancel());
    const migrated = migrateCaseSnapshot(1, 2, done.snapshot);
    expect(migrated).toMatchObject({ status: 'done', value: 'cancelled' });
    expect(acceptedEventTypes(2, migrated)).toEqual([]);
  });
});

describe('topLevelState', () => {
  it('reads the top-level state of a state value', () => {
    expect(topLevelState('draft')).toBe('draft');
    expect(topLevelState({ standstill: 'paused' })).toBe('standstill');
    expect(() => topLevelState('limbo')).toThrow(TypeError);
    expect(() => topLevelState({ a: 'b', c: 'd' })).toThrow(TypeError);
  });
});
