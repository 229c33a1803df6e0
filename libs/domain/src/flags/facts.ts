/** Shared helpers for the flag rules: validation and indexing of the facts, order-independent
 * arithmetic, rounding and calendar-month arithmetic. Pure. */
import { CRITERION_KEYS } from '../case/case.types';
import type { CriterionKey, Mitigation } from '../case/case.types';
import { FLAG_SEVERITY } from './flag.types';
import type {
  AwardCheckCode,
  AwardFacts,
  BidFacts,
  DecisionEventType,
  FlagPolicy,
  PanelMemberFacts,
  ProviderFacts,
  RaisedFlag,
  ScoreSheet,
} from './flag.types';

/** The facts handed to a rule are inconsistent (a data bug upstream). Rules fail closed:
 * they throw rather than silently pass an award they cannot check. */
export class AwardFactsError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AwardFactsError';
  }
}

/** Tolerance for comparing weighted scores and shares computed in floating point. */
export const SCORE_EPSILON = 1e-9;

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const sortedUnique = <T extends string>(values: Iterable<T>): T[] => [...new Set(values)].sort(compareStrings);

/** Sum that does not depend on the order of the values (they are added in ascending order). */
export const sum = (values: readonly number[]): number => [...values].sort((a, b) => a - b).reduce((s, v) => s + v, 0);

export const mean = (values: readonly number[]): number => sum(values) / values.length;

/** Round half away from zero to `dp` decimals, tolerant of binary representation (1.005 -> 1.01). */
export const round = (x: number, dp = 2): number => {
  const f = 10 ** dp;
  const r = Math.round(Math.abs(x) * f * (1 + Number.EPSILON)) / f;
  return r === 0 ? 0 : Math.sign(x) * r;
};

export const roundOrNull = (x: number | null, dp = 2): number | null => (x === null ? null : round(x, dp));

export const parseInstant = (value: string, field: string): number => {
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw new AwardFactsError(`${field} is not an ISO instant`, { field, value });
  return t;
};

/** The same wall-clock instant (UTC) `months` calendar months earlier; the day is clamped to the
 * end of a shorter month (31 March minus one month is 28/29 February). */
export const subtractMonths = (t: number, months: number): number => {
  const d = new Date(t);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const daysInMonth = month === 1 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month];
  const result = new Date(0);
  result.setUTCFullYear(year, month, Math.min(d.getUTCDate(), daysInMonth));
  result.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return result.getTime();
};

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export const EXCLUDED_FROM_DECISION: readonly Mitigation[] = ['exclude_from_decision', 'exclude_entirely'];
export const EXCLUDED_FROM_EVALUATION: readonly Mitigation[] = ['exclude_from_evaluation', 'exclude_entirely'];

export const makeFlag = (code: AwardCheckCode, evidence: Record<string, unknown>, summary: string): RaisedFlag => ({
  code,
  severity: FLAG_SEVERITY[code],
  evidence,
  summary,
});

export function assertFlagPolicy(policy: FlagPolicy): void {
  const bad = (field: string, value: unknown): never => {
    throw new AwardFactsError(`flag policy ${field} is invalid`, { field, value });
  };
  if (!Number.isFinite(policy.scoringBiasMargin) || policy.scoringBiasMargin < 0)
    bad('scoringBiasMargin', policy.scoringBiasMargin);
  if (!Number.isFinite(policy.concentrationShare) || policy.concentrationShare < 0 || policy.concentrationShare > 1)
    bad('concentrationShare', policy.concentrationShare);
  if (!Number.isInteger(policy.concentrationWindowMonths) || policy.concentrationWindowMonths < 1)
    bad('concentrationWindowMonths', policy.concentrationWindowMonths);
  if (!Number.isInteger(policy.concentrationMinimumEarlierAwards) || policy.concentrationMinimumEarlierAwards < 0)
    bad('concentrationMinimumEarlierAwards', policy.concentrationMinimumEarlierAwards);
}

export interface IndexedFacts {
  facts: AwardFacts;
  providers: Map<string, ProviderFacts>;
  panel: Map<string, PanelMemberFacts>;
  bids: Map<string, BidFacts>;
  /** score sheets for known bids, keyed by bid id, sorted by evaluator id */
  sheetsByBid: Map<string, ScoreSheet[]>;
  /** the proposed bid (buy route) */
  proposedBid: BidFacts | null;
  /** sorted, unique: awardeeProviderIds plus, on the buy route, the proposed bid's provider */
  awardeeIds: string[];
  provider(id: string): ProviderFacts;
  personName(id: string): string | null;
  isMemberPractice(providerId: string): boolean;
  /** decision events per person: the recorded ones, plus the proposer's own proposal event when
   * it is missing from `decisions` (with `at` null); sorted by instant then event */
  decisionsOf(personId: string): { event: DecisionEventType; at: string | null }[];
}

const uniqueBy = <T>(items: readonly T[], key: (t: T) => string, what: string): Map<string, T> => {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (map.has(k)) throw new AwardFactsError(`duplicate ${what}`, { key: k });
    map.set(k, item);
  }
  return map;
};

/** Validates the facts (throws AwardFactsError when they are inconsistent) and indexes them. */
export function indexFacts(facts: AwardFacts): IndexedFacts {
  parseInstant(facts.now, 'now');
  const providers = uniqueBy(facts.providers, (p) => p.id, 'provider id');
  const panel = uniqueBy(facts.panel, (m) => m.personId, 'panel member');
  const bids = uniqueBy(facts.bids, (b) => b.id, 'bid id');
  uniqueBy(facts.interests, (i) => i.id, 'interest id');
  uniqueBy(facts.scores, (s) => JSON.stringify([s.bidId, s.evaluatorId]), 'score sheet (bid, evaluator)');
  const people = new Map<string, string>();
  for (const m of facts.panel) people.set(m.personId, m.name);
  for (const p of facts.people) people.set(p.id, p.name);
  for (const d of facts.decisions) parseInstant(d.at, 'decisions[].at');
  for (const a of facts.earlierAwards) {
    parseInstant(a.awardedAt, 'earlierAwards[].awardedAt');
    if (!Number.isFinite(a.value) || a.value < 0)
      throw new AwardFactsError('earlier award value is invalid', { caseId: a.caseId });
  }

  const provider = (id: string): ProviderFacts => {
    const p = providers.get(id);
    if (!p) throw new AwardFactsError('provider missing from the facts', { providerId: id });
    return p;
  };

  let proposedBid: BidFacts | null = null;
  if (facts.proposal.kind === 'buy') {
    const bidId = facts.proposal.bidId;
    proposedBid = bidId === undefined ? null : (bids.get(bidId) ?? null);
    if (!proposedBid) throw new AwardFactsError('the proposed bid is missing from the facts', { bidId: bidId ?? null });
  }
  const awardeeIds = sortedUnique([
    ...facts.proposal.awardeeProviderIds,
    ...(proposedBid ? [proposedBid.providerId] : []),
  ]);
  if (awardeeIds.length === 0) throw new AwardFactsError('the proposal names no awardee');
  for (const id of awardeeIds) provider(id);
  for (const b of facts.bids) provider(b.providerId);

  const sheetsByBid = new Map<string, ScoreSheet[]>();
  for (const s of facts.scores) {
    if (!bids.has(s.bidId)) continue; // a score for a bid not in the facts (withdrawn): ignored
    const list = sheetsByBid.get(s.bidId) ?? [];
    list.push(s);
    sheetsByBid.set(s.bidId, list);
  }
  for (const list of sheetsByBid.values()) list.sort((a, b) => compareStrings(a.evaluatorId, b.evaluatorId));

  const proposerEvent: DecisionEventType = facts.proposal.kind === 'make' ? 'DECIDE_MAKE' : 'PROPOSE_AWARD';
  const decisionsOf = (personId: string): { event: DecisionEventType; at: string | null }[] => {
    const own = facts.decisions
      .filter((d) => d.personId === personId)
      .map((d) => ({ event: d.event, at: d.at as string | null, t: Date.parse(d.at) }));
    if (personId === facts.proposal.proposedBy && !own.some((d) => d.event === proposerEvent))
      own.push({ event: proposerEvent, at: null, t: Number.POSITIVE_INFINITY });
    own.sort((a, b) => a.t - b.t || compareStrings(a.at ?? '', b.at ?? '') || compareStrings(a.event, b.event));
    return own.map(({ event, at }) => ({ event, at }));
  };

  return {
    facts,
    providers,
    panel,
    bids,
    sheetsByBid,
    proposedBid,
    awardeeIds,
    provider,
    personName: (id) => people.get(id) ?? null,
    isMemberPractice: (id) => provider(id).memberOfConsortiumId === facts.consortiumId,
    decisionsOf,
  };
}

/** A copy of a score sheet's scores with keys in the contract's criterion order. */
export const canonicalScores = (
  scores: Partial<Record<CriterionKey, number>>,
): Partial<Record<CriterionKey, number>> => {
  const out: Partial<Record<CriterionKey, number>> = {};
  for (const key of CRITERION_KEYS) if (scores[key] !== undefined) out[key] = scores[key];
  return out;
};
