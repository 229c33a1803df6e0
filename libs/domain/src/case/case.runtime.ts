import { getNextTransitions, initialTransition, transition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import { DomainError } from '../errors/domain-error';
import { caseMachine } from './case.machine';
import { checkRules, type RuleViolation } from './case.rules';
import {
  CASE_EFFECT_TYPES,
  CASE_STATES,
  CLIENT_EVENT_TYPES,
  INTERNAL_EVENT_TYPES,
  type CaseContext,
  type CaseEffect,
  type CaseEvent,
  type CaseEventType,
  type CaseInput,
  type CaseState,
} from './case.types';

/** Stored next to each case's snapshot; a case is always restored with its own version. */
export const CASE_MACHINE_VERSION = 1;

/** The plain-JSON snapshot from `machine.getPersistedSnapshot`, as stored in the database. */
export interface PersistedCaseSnapshot {
  status: 'active' | 'done' | 'error' | 'stopped';
  value: StateValue;
  context: CaseContext;
  historyValue: Record<string, unknown>;
  children: Record<string, unknown>;
  output?: unknown;
  error?: unknown;
}

export interface Decision {
  machineVersion: number;
  snapshot: PersistedCaseSnapshot;
  /** top-level state */
  state: CaseState;
  /** full statechart value, e.g. `{ standstill: 'paused' }` */
  stateValue: unknown;
  context: CaseContext;
  effects: CaseEffect[];
  fromState: CaseState | null;
  toState: CaseState;
}

/**
 * A stored snapshot that the machine of its version cannot restore (unknown version, a
 * state that was removed, a malformed document). Not a DomainError: the case needs a
 * migration (the application may report it as `CASE_NEEDS_MIGRATION`), not a client fix.
 */
export class SnapshotRestoreError extends Error {
  constructor(
    message: string,
    readonly details: { version: number; stateValue?: unknown; cause?: string },
  ) {
    super(message);
    this.name = 'SnapshotRestoreError';
  }
}

/** Rules a machine version's guards use; decideCase reports their codes before transitioning. */
export type CaseRules = (state: CaseState, context: CaseContext, event: CaseEvent) => RuleViolation | null;

/** Says which field of a stored context is malformed, or null; guards must never meet a malformed one. */
export type CaseContextCheck = (context: Record<string, unknown>) => string | null;

/** What restores and advances the cases stored with one machine version. */
export interface CaseMachineEntry {
  machine: AnyStateMachine;
  rules: CaseRules;
  checkContext: CaseContextCheck;
}

/** Machine versions by number: the cases a deployment may hold. */
export type CaseMachineCatalogue = Readonly<Record<number, CaseMachineEntry>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNullableString = (v: unknown) => v === null || typeof v === 'string';

/** The fields the version 1 machine and rules read. */
export function caseContextProblem(c: Record<string, unknown>): string | null {
  if (typeof c.caseId !== 'string') return 'caseId';
  for (const k of ['stageSeq', 'proposalSeq', 'openRepresentations']) if (!isCount(c[k])) return k;
  if (!isRecord(c.deadlineRevisions) || !Object.values(c.deadlineRevisions).every(isCount)) return 'deadlineRevisions';
  for (const k of ['route', 'tenderClosesAt', 'tenderPublishedAt', 'intentionPublishedAt', 'awardedAt']) {
    if (!isNullableString(c[k])) return k;
  }
  if (c.criteria !== null && !Array.isArray(c.criteria)) return 'criteria';
  if (c.proposal !== null && !isRecord(c.proposal)) return 'proposal';
  if (c.cancellation !== null && !isRecord(c.cancellation)) return 'cancellation';
  return null;
}

/** A catalogue entry for `machine`, with the current rules and context check unless given. */
export function caseMachineEntry(
  machine: AnyStateMachine,
  options: { rules?: CaseRules; checkContext?: CaseContextCheck } = {},
): CaseMachineEntry {
  return { machine, rules: options.rules ?? checkRules, checkContext: options.checkContext ?? caseContextProblem };
}

/**
 * Every machine version, listed once. A new version is a new entry here (and a migration of the
 * stored cases that no longer restore, see CaseMigrator); nothing registers versions at run time.
 * Tests that need another version build their own catalogue and pass it in.
 */
export const CASE_MACHINES: CaseMachineCatalogue = Object.freeze({
  [CASE_MACHINE_VERSION]: Object.freeze(caseMachineEntry(caseMachine)),
});

/** The versions of a catalogue, ascending. */
export function caseMachineVersions(machines: CaseMachineCatalogue = CASE_MACHINES): number[] {
  return Object.keys(machines)
    .map(Number)
    .sort((a, b) => a - b);
}

const EVENT_TYPE_ORDER: readonly CaseEventType[] = [...CLIENT_EVENT_TYPES, ...INTERNAL_EVENT_TYPES];
const EFFECT_TYPES = new Set<string>(CASE_EFFECT_TYPES);

/** The top-level state of a state value (`'draft'` or `{ standstill: 'paused' }`). */
export function topLevelState(stateValue: unknown): CaseState {
  const key =
    typeof stateValue === 'string' ? stateValue : isRecord(stateValue) ? Object.keys(stateValue)[0] : undefined;
  if (
    key === undefined ||
    !(CASE_STATES as readonly string[]).includes(key) ||
    (isRecord(stateValue) && Object.keys(stateValue).length !== 1)
  ) {
    throw new TypeError(`not a case state value: ${JSON.stringify(stateValue)}`);
  }
  return key as CaseState;
}

/** A stored state value is a string or a one-key object, down to a string: never parallel. */
function isStateValueShape(v: unknown): v is StateValue {
  if (typeof v === 'string') return v.length > 0;
  if (!isRecord(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && isStateValueShape(v[keys[0]]);
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function machineFor(version: number, machines: CaseMachineCatalogue): CaseMachineEntry {
  const entry = Object.prototype.hasOwnProperty.call(machines, version) ? machines[version] : undefined;
  if (!entry) throw new SnapshotRestoreError(`no case machine is listed for version ${version}`, { version });
  return entry;
}

/**
 * Resolves `value`/`context` on `machine`. `exact` demands the resolved value equal the
 * stored one, so a snapshot never lands silently in another state.
 */
function resolveOn(
  version: number,
  { machine, checkContext }: CaseMachineEntry,
  persisted: unknown,
  exact: boolean,
): AnyMachineSnapshot {
  if (!isRecord(persisted) || !isRecord(persisted.context) || !isStateValueShape(persisted.value)) {
    throw new SnapshotRestoreError('the stored case snapshot is malformed', { version });
  }
  const badField = checkContext(persisted.context);
  if (badField) {
    throw new SnapshotRestoreError(`the stored case context is malformed (${badField})`, { version, cause: badField });
  }
  const value = persisted.value;
  let snapshot: AnyMachineSnapshot;
  try {
    snapshot = machine.resolveState({ value: clone(value), context: clone(persisted.context) });
  } catch (e) {
    throw new SnapshotRestoreError(`state ${JSON.stringify(value)} does not exist in case machine version ${version}`, {
      version,
      stateValue: value,
      cause: e instanceof Error ? e.message : String(e),
    });
  }
  if (
    (exact && !sameValue(snapshot.value, value)) ||
    !(CASE_STATES as readonly string[]).includes(topKey(snapshot.value))
  ) {
    throw new SnapshotRestoreError(
      `state ${JSON.stringify(value)} does not resolve in case machine version ${version}`,
      {
        version,
        stateValue: value,
      },
    );
  }
  return snapshot;
}

const topKey = (v: StateValue): string => (typeof v === 'string' ? v : (Object.keys(v)[0] ?? ''));

function restore(
  version: number,
  persisted: unknown,
  machines: CaseMachineCatalogue,
): CaseMachineEntry & { snapshot: AnyMachineSnapshot } {
  const entry = machineFor(version, machines);
  return { ...entry, snapshot: resolveOn(version, entry, persisted, true) };
}

/** True when `persisted` can be restored by the machine listed for `version`. */
export function canRestore(version: number, persisted: unknown, machines = CASE_MACHINES): boolean {
  try {
    restore(version, persisted, machines);
    return true;
  } catch (e) {
    if (e instanceof SnapshotRestoreError) return false;
    throw e;
  }
}

function handledEventTypes(snapshot: AnyMachineSnapshot): Set<string> {
  if (snapshot.status !== 'active') return new Set();
  return new Set(getNextTransitions(snapshot).map((t) => t.eventType));
}

/** Event types the current state handles, guards ignored (the basis of `allowedEvents`). */
export function acceptedEventTypes(
  machineVersion: number,
  persisted: unknown,
  machines = CASE_MACHINES,
): CaseEventType[] {
  const handled = handledEventTypes(restore(machineVersion, persisted, machines).snapshot);
  return EVENT_TYPE_ORDER.filter((t) => handled.has(t));
}

function toEffects(actions: ReadonlyArray<{ type: string; params?: unknown }>): CaseEffect[] {
  return actions
    .filter((a) => EFFECT_TYPES.has(a.type))
    .map((a) => clone({ type: a.type, ...(isRecord(a.params) ? a.params : {}) }) as CaseEffect);
}

function toDecision(
  version: number,
  machine: AnyStateMachine,
  next: AnyMachineSnapshot,
  actions: ReadonlyArray<{ type: string; params?: unknown }>,
  fromState: CaseState | null,
): Decision {
  const snapshot = clone(machine.getPersistedSnapshot(next)) as PersistedCaseSnapshot;
  const state = topLevelState(snapshot.value);
  return {
    machineVersion: version,
    snapshot,
    state,
    stateValue: snapshot.value,
    context: snapshot.context,
    effects: toEffects(actions),
    fromState,
    toState: state,
  };
}

/** A new case in `draft`, on the current machine version. */
export function startCase(input: CaseInput): Decision {
  const [snapshot, actions] = initialTransition(caseMachine, input);
  return toDecision(CASE_MACHINE_VERSION, caseMachine, snapshot, actions, null);
}

/**
 * Decides one event for a stored case: restore with the case's own machine version,
 * refuse an event the state does not take (409), report a broken rule (422, or 400 for a
 * bad payload), then transition. Throws SnapshotRestoreError or DomainError only.
 */
export function decideCase(
  machineVersion: number,
  persisted: unknown,
  event: CaseEvent,
  machines = CASE_MACHINES,
): Decision {
  const { machine, rules, snapshot } = restore(machineVersion, persisted, machines);
  const fromState = topLevelState(snapshot.value);
  const notAllowed = () =>
    new DomainError('EVENT_NOT_ALLOWED', `${String(event?.type)} is not allowed in ${JSON.stringify(snapshot.value)}`, {
      state: fromState,
      stateValue: snapshot.value,
      eventType: event?.type,
    });

  if (!isRecord(event) || typeof event.type !== 'string' || !handledEventTypes(snapshot).has(event.type))
    throw notAllowed();

  const broken = rules(fromState, snapshot.context as CaseContext, event);
  if (broken) throw new DomainError(broken.code, broken.message, broken.details);

  // the rules passed but no guard let the event through: not valid here after all
  if (machine.getTransitionData(snapshot, event).length === 0) throw notAllowed();

  const [next, actions] = transition(machine, snapshot, event);
  return toDecision(machineVersion, machine, next, actions, fromState);
}

/** Maps a stored state value (and context) onto the target version's states. */
export type CaseSnapshotMapper = (
  stored: { value: StateValue; context: Record<string, unknown> },
  versions: { fromVersion: number; toVersion: number },
) => { value: StateValue; context: Record<string, unknown> };

/** Old top-level state name -> state value in the target version. Unlisted states keep their value. */
export type CaseStateMapping = Readonly<Record<string, StateValue>>;

/**
 * Rewrites a snapshot stored with `fromVersion` into one for `toVersion`. The mapping
 * handles states the target no longer has; a state mapped onto a compound state enters
 * its initial child. Throws SnapshotRestoreError when the result does not resolve.
 */
export function migrateCaseSnapshot(
  fromVersion: number,
  toVersion: number,
  persisted: unknown,
  mapper?: CaseSnapshotMapper | CaseStateMapping,
  machines = CASE_MACHINES,
): PersistedCaseSnapshot {
  const target = machineFor(toVersion, machines);
  if (!isRecord(persisted) || !isRecord(persisted.context) || !isStateValueShape(persisted.value)) {
    throw new SnapshotRestoreError('the stored case snapshot is malformed', { version: fromVersion });
  }
  const stored = { value: clone(persisted.value), context: clone(persisted.context) };
  let mapped: { value: StateValue; context: Record<string, unknown> };
  if (typeof mapper === 'function') {
    mapped = mapper(stored, { fromVersion, toVersion });
  } else {
    const from = topKey(stored.value);
    mapped = mapper && Object.prototype.hasOwnProperty.call(mapper, from) ? { ...stored, value: mapper[from] } : stored;
  }
  const snapshot = resolveOn(toVersion, target, mapped, false);
  return clone(target.machine.getPersistedSnapshot(snapshot)) as PersistedCaseSnapshot;
}
