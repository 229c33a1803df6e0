import type { ErrorCode } from '../errors/domain-error';
import {
  CANCEL_REASON_CODES,
  CRITERION_KEYS,
  PSR_MAKE_PROCESSES,
  type CaseContext,
  type CaseEvent,
  type CaseFacts,
  type CaseState,
  type DeadlineKind,
} from './case.types';

/** A broken rule, with a message and details for the problem document. */
export interface RuleViolation {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** The deadline each state may receive `DEADLINE_DUE` for; others are stale or foreign. */
export const STATE_DEADLINE: Partial<Record<CaseState, DeadlineKind>> = {
  conflict_check: 'conflict_check_sla',
  tendering: 'tender_close',
  evaluation: 'evaluation_sla',
  governance_review: 'governance_review_sla',
  standstill: 'standstill_end',
};

type FactKey = keyof CaseFacts;
type FactType = 'count' | 'boolean' | 'instant' | 'ids' | 'id';

const FACT_TYPES: Record<FactKey, FactType> = {
  quorum: 'count',
  minimumBids: 'count',
  panelSize: 'count',
  declarationsComplete: 'boolean',
  unexcludedDecisionMakers: 'count',
  actorExcludedFromDecision: 'boolean',
  nonMemberProviderIds: 'ids',
  tenderClosesAt: 'instant',
  minimumTenderClosesAt: 'instant',
  extendedTenderClosesAt: 'instant',
  scoringComplete: 'boolean',
  bidExists: 'boolean',
  bidProviderId: 'id',
  openBlockingFlags: 'count',
  unansweredQuestions: 'count',
  bidCount: 'count',
  openRepresentations: 'count',
};

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const instantMs = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) : NaN);

function hasFact(facts: CaseFacts, key: FactKey): boolean {
  const v = facts[key];
  switch (FACT_TYPES[key]) {
    case 'count':
      return isCount(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'instant':
      return Number.isFinite(instantMs(v));
    case 'ids':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'id':
      return typeof v === 'string' && v.length > 0;
  }
}

/**
 * Facts are gathered by the application; a missing one is its bug. The machine refuses
 * rather than guess, because every guess would either block a case or wave it through.
 */
function missingFacts(event: CaseEvent, keys: FactKey[]): RuleViolation | null {
  const facts = event.facts ?? {};
  const missing = keys.filter((k) => !hasFact(facts, k));
  return missing.length === 0
    ? null
    : {
        code: 'VALIDATION_FAILED',
        message: `${event.type} needs facts the application did not supply: ${missing.join(', ')}`,
        details: { missingFacts: missing },
      };
}

const violation = (code: ErrorCode, message: string, details?: Record<string, unknown>): RuleViolation =>
  details ? { code, message, details } : { code, message };

function quorum(event: CaseEvent, countKey: 'panelSize' | 'unexcludedDecisionMakers'): RuleViolation | null {
  const missing = missingFacts(event, [countKey, 'quorum']);
  if (missing) return missing;
  const facts = event.facts as Required<CaseFacts>;
  return facts[countKey] >= facts.quorum
    ? null
    : violation(
        'QUORUM_NOT_MET',
        `${facts[countKey]} ${countKey === 'panelSize' ? 'panel members' : 'unexcluded decision makers'}, quorum is ${facts.quorum}`,
        {
          [countKey]: facts[countKey],
          quorum: facts.quorum,
        },
      );
}

function excludedActor(event: CaseEvent): RuleViolation | null {
  const missing = missingFacts(event, ['actorExcludedFromDecision']);
  if (missing) return missing;
  return event.facts?.actorExcludedFromDecision
    ? violation('EXCLUDED_BY_CONFLICT', `${event.actor.id} is excluded from decisions on this case`)
    : null;
}

/** Criteria: distinct known keys, integer weights (none negative) summing to 100. */
export function criteriaProblem(criteria: unknown): string | null {
  if (!Array.isArray(criteria) || criteria.length === 0) return 'criteria must be a non-empty list';
  const seen = new Set<string>();
  let sum = 0;
  for (const c of criteria as unknown[]) {
    const key = (c as { key?: unknown } | null)?.key;
    const weight = (c as { weight?: unknown } | null)?.weight;
    if (typeof key !== 'string' || !(CRITERION_KEYS as readonly string[]).includes(key))
      return `unknown criterion key ${String(key)}`;
    if (seen.has(key)) return `criterion ${key} appears twice`;
    seen.add(key);
    if (!isCount(weight)) return `criterion ${key} needs a non-negative integer weight`;
    sum += weight;
  }
  return sum === 100 ? null : `criteria weights sum to ${sum}, not 100`;
}

/** Deadlines are fenced on the stage entry (and, when the job says so, the revision). */
function ownDeadline(
  state: CaseState,
  context: CaseContext,
  event: CaseEvent & { type: 'DEADLINE_DUE' },
): RuleViolation | null {
  const own = STATE_DEADLINE[state];
  const revision = context.deadlineRevisions[event.kind] ?? 0;
  if (
    event.kind !== own ||
    event.stageSeq !== context.stageSeq ||
    (event.revision !== undefined && event.revision !== revision)
  ) {
    return violation(
      'EVENT_NOT_ALLOWED',
      `deadline ${event.kind} (stage ${event.stageSeq}) is stale or not for ${state}`,
      {
        kind: event.kind,
        stageSeq: event.stageSeq,
        currentStageSeq: context.stageSeq,
      },
    );
  }
  return null;
}

function tenderClose(context: CaseContext, event: CaseEvent): RuleViolation | null {
  const missing = missingFacts(event, ['unansweredQuestions']);
  if (missing) return missing;
  const facts = event.facts as Required<CaseFacts>;
  if (facts.unansweredQuestions > 0) {
    const extendedMissing = missingFacts(event, ['extendedTenderClosesAt']);
    if (extendedMissing) return extendedMissing;
    if (context.tenderClosesAt && !(instantMs(facts.extendedTenderClosesAt) > instantMs(context.tenderClosesAt))) {
      return violation('VALIDATION_FAILED', 'extendedTenderClosesAt must be after the current closing instant');
    }
    return null;
  }
  return missingFacts(event, ['bidCount', 'minimumBids']);
}

/** AMEND_TENDER: a decision maker moves the close later, never earlier, and says why. */
function amendTender(context: CaseContext, event: CaseEvent & { type: 'AMEND_TENDER' }): RuleViolation | null {
  const excluded = excludedActor(event);
  if (excluded) return excluded;
  if (typeof event.reason !== 'string' || event.reason.trim() === '')
    return violation('VALIDATION_FAILED', 'reason: say why the tender is amended');
  const at = instantMs(event.tenderClosesAt);
  if (!Number.isFinite(at)) return violation('VALIDATION_FAILED', 'tenderClosesAt must be an ISO 8601 instant');
  const current = instantMs(context.tenderClosesAt);
  const floor = Math.max(Number.isFinite(current) ? current : -Infinity, instantMs(event.now));
  return at > floor
    ? null
    : violation('TENDER_PERIOD_TOO_SHORT', 'an amendment moves the close later, never earlier', {
        tenderClosesAt: event.tenderClosesAt,
        currentTenderClosesAt: context.tenderClosesAt,
      });
}

/**
 * Rules for an event the state accepts, in the contract's order. Returns null when the
 * event may proceed. The machine's guards call this too, so there is one source of truth.
 * `EVENT_NOT_ALLOWED` here means a stale worker event (deadline, checks) fenced out.
 */
export function checkRules(state: CaseState, context: CaseContext, event: CaseEvent): RuleViolation | null {
  if (event.type === 'CANCEL') {
    if (!(CANCEL_REASON_CODES as readonly string[]).includes(event.reasonCode))
      return violation('VALIDATION_FAILED', `unknown cancellation reason ${String(event.reasonCode)}`);
    // supplied for client cancellations: a panel member excluded from decisions may not cancel
    return event.facts?.actorExcludedFromDecision === true ? excludedActor(event) : null;
  }
  if (event.type === 'DEADLINE_DUE') {
    const stale = ownDeadline(state, context, event);
    if (stale) return stale;
    return state === 'tendering' ? tenderClose(context, event) : null;
  }
  switch (state) {
    case 'draft':
      return event.type === 'SUBMIT' ? quorum(event, 'panelSize') : null;

    case 'conflict_check':
      if (event.type !== 'COMPLETE_CONFLICT_CHECK') return null;
      {
        const missing = missingFacts(event, ['declarationsComplete']);
        if (missing) return missing;
        if (!event.facts?.declarationsComplete) {
          return violation('DECLARATIONS_INCOMPLETE', 'every panel member needs a reviewed declaration');
        }
      }
      return quorum(event, 'unexcludedDecisionMakers');

    case 'route_decision':
      if (event.type === 'DECIDE_MAKE') {
        const excluded = excludedActor(event);
        if (excluded) return excluded;
        if (
          !Array.isArray(event.providerIds) ||
          event.providerIds.length === 0 ||
          !event.providerIds.every((p) => typeof p === 'string')
        ) {
          return violation('VALIDATION_FAILED', 'providerIds must name at least one provider');
        }
        if (!(PSR_MAKE_PROCESSES as readonly string[]).includes(event.psrProcess)) {
          return violation('VALIDATION_FAILED', `psrProcess must be one of ${PSR_MAKE_PROCESSES.join(', ')}`);
        }
        const missing = missingFacts(event, ['nonMemberProviderIds']);
        if (missing) return missing;
        const outsiders = event.facts?.nonMemberProviderIds ?? [];
        return outsiders.length > 0
          ? violation('NOT_MEMBER_PRACTICE', 'a make decision may only name member practices of the consortium', {
              providerIds: outsiders,
            })
          : null;
      }
      if (event.type === 'DECIDE_BUY') {
        const excluded = excludedActor(event);
        if (excluded) return excluded;
        const problem = criteriaProblem(event.criteria);
        if (problem) return violation('VALIDATION_FAILED', problem);
        const missing = missingFacts(event, ['tenderClosesAt', 'minimumTenderClosesAt']);
        if (missing) return missing;
        const facts = event.facts as Required<CaseFacts>;
        return instantMs(facts.tenderClosesAt) < instantMs(facts.minimumTenderClosesAt)
          ? violation('TENDER_PERIOD_TOO_SHORT', `tendering must close at or after ${facts.minimumTenderClosesAt}`, {
              tenderClosesAt: facts.tenderClosesAt,
              minimumTenderClosesAt: facts.minimumTenderClosesAt,
            })
          : null;
      }
      return null;

    case 'tendering':
      return event.type === 'AMEND_TENDER' ? amendTender(context, event) : null;

    case 'evaluation':
      if (event.type !== 'PROPOSE_AWARD') return null;
      {
        const excluded = excludedActor(event);
        if (excluded) return excluded;
        const missing = missingFacts(event, ['bidExists', 'scoringComplete']);
        if (missing) return missing;
        if (!event.facts?.bidExists)
          return violation('VALIDATION_FAILED', `bid ${event.bidId} is not a bid on this tender`);
        return event.facts?.scoringComplete
          ? null
          : violation('SCORING_INCOMPLETE', 'every unexcluded evaluator must score every bid first');
      }

    case 'award_checks':
      if (event.type !== 'CHECKS_COMPLETED') return null;
      if (event.stageSeq !== context.stageSeq || event.proposalSeq !== context.proposalSeq) {
        return violation('EVENT_NOT_ALLOWED', 'award checks finished for an earlier stage or proposal', {
          stageSeq: event.stageSeq,
          proposalSeq: event.proposalSeq,
        });
      }
      // a bad count must not pass for a clean award
      return isCount(event.blockingFlags) && isCount(event.advisoryFlags)
        ? null
        : violation('VALIDATION_FAILED', 'blockingFlags and advisoryFlags must be counts');

    case 'governance_review':
      if (event.type !== 'APPROVE_AWARD') return null;
      {
        const missing = missingFacts(event, ['openBlockingFlags']);
        if (missing) return missing;
        const open = event.facts?.openBlockingFlags ?? 0;
        return open > 0
          ? violation('OPEN_BLOCKING_FLAGS', `${open} blocking flag(s) of the current proposal are open`, {
              openBlockingFlags: open,
            })
          : null;
      }

    case 'standstill':
      if (event.type !== 'REPRESENTATION_RESOLVED') return null;
      if (event.outcome !== 'upheld' && event.outcome !== 'not_upheld') {
        return violation('VALIDATION_FAILED', `unknown representation outcome ${String(event.outcome)}`);
      }
      // optional: when given, the database's count replaces the machine's
      return event.facts?.openRepresentations === undefined ? null : missingFacts(event, ['openRepresentations']);

    default:
      return null;
  }
}

/** The rule code an accepted event breaks, or null. */
export function ruleViolation(state: CaseState, context: CaseContext, event: CaseEvent): ErrorCode | null {
  return checkRules(state, context, event)?.code ?? null;
}
