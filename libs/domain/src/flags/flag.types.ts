/** The favouritism checks: flag vocabulary, the facts the award-checks worker gathers,
 * and the policy numbers (kept in config/, handed in). Names from contract.md "Flags". */
import type { Criterion, CriterionKey, Mitigation } from '../case/case.types';

export const FLAG_CODES = [
  'MEMBER_PRACTICE_AWARD',
  'CONFLICTED_PARTICIPANT',
  'UNDECLARED_AFFILIATION',
  'NOT_TOP_RANKED',
  'SCORING_BIAS',
  'SINGLE_BID',
  'AWARD_CONCENTRATION',
  'DEADLINE_BREACH',
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

export const FLAG_SEVERITIES = ['blocking', 'advisory'] as const;
export type FlagSeverity = (typeof FLAG_SEVERITIES)[number];

/** Fixed by the contract: the severity of every code. */
export const FLAG_SEVERITY: Readonly<Record<FlagCode, FlagSeverity>> = {
  MEMBER_PRACTICE_AWARD: 'blocking',
  CONFLICTED_PARTICIPANT: 'blocking',
  UNDECLARED_AFFILIATION: 'blocking',
  NOT_TOP_RANKED: 'blocking',
  SCORING_BIAS: 'advisory',
  SINGLE_BID: 'advisory',
  AWARD_CONCENTRATION: 'advisory',
  DEADLINE_BREACH: 'advisory',
};

/** Codes raised by the award checks (DEADLINE_BREACH comes from deadline escalation). */
export type AwardCheckCode = Exclude<FlagCode, 'DEADLINE_BREACH'>;

export const RELATIONSHIPS = ['partner', 'salaried_gp', 'director', 'shareholder', 'employee', 'family'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export const INTEREST_CATEGORIES = [
  'financial',
  'non_financial_professional',
  'non_financial_personal',
  'indirect',
] as const;
export type InterestCategory = (typeof INTEREST_CATEGORIES)[number];

export type DecisionEventType = 'DECIDE_MAKE' | 'DECIDE_BUY' | 'PROPOSE_AWARD';

export interface AwardProposalFacts {
  seq: number;
  kind: 'make' | 'buy';
  /** required when kind is 'buy' */
  bidId?: string;
  /** the awardees; on the buy route the proposed bid's provider is an awardee even if omitted here */
  awardeeProviderIds: string[];
  proposedBy: string;
}

export interface ProviderFacts {
  id: string;
  name: string;
  memberOfConsortiumId: string | null;
}

export interface PanelMemberFacts {
  personId: string;
  name: string;
  /** null: declaration not reviewed yet */
  mitigation: Mitigation | null;
  declaredInterestIds: string[];
  nilReturn: boolean;
}

export interface AffiliationFacts {
  personId: string;
  providerId: string;
  relationship: Relationship;
}

export interface InterestFacts {
  id: string;
  personId: string;
  providerId: string | null;
  category: InterestCategory;
}

export interface DecisionFacts {
  personId: string;
  event: DecisionEventType;
  /** ISO instant */
  at: string;
}

export interface BidFacts {
  id: string;
  providerId: string;
  /** annual price */
  price: number;
}

export interface ScoreSheet {
  bidId: string;
  evaluatorId: string;
  /** 0..10 per criterion */
  scores: Partial<Record<CriterionKey, number>>;
}

export interface EarlierAwardFacts {
  caseId: string;
  providerIds: string[];
  /** annual value */
  value: number;
  /** ISO instant */
  awardedAt: string;
}

export interface AwardFacts {
  caseId: string;
  consortiumId: string;
  /** ISO instant: the clock is an input */
  now: string;
  proposal: AwardProposalFacts;
  /** every provider referenced (awardees, bidders, affiliations, interests, earlier awards) */
  providers: ProviderFacts[];
  panel: PanelMemberFacts[];
  /** panel members and deciders */
  people: { id: string; name: string }[];
  affiliations: AffiliationFacts[];
  /** register interests of those people */
  interests: InterestFacts[];
  /** who decided on this case (all proposals) */
  decisions: DecisionFacts[];
  /** submitted, not withdrawn */
  bids: BidFacts[];
  /** empty on the make route */
  criteria: Criterion[];
  scores: ScoreSheet[];
  /** the consortium's awards; may include older ones and this case: the rules filter */
  earlierAwards: EarlierAwardFacts[];
  /** annual value of the award under check (context in evidence; not counted by AWARD_CONCENTRATION) */
  proposedValue: number;
}

export interface FlagPolicy {
  /** weighted points on the 0..10 scale */
  scoringBiasMargin: number;
  /** 0..1 */
  concentrationShare: number;
  concentrationWindowMonths: number;
  concentrationMinimumEarlierAwards: number;
}

export interface RaisedFlag {
  code: FlagCode;
  severity: FlagSeverity;
  evidence: Record<string, unknown>;
  /** one human sentence */
  summary: string;
}

/** A rule: pure, deterministic, independent of the order of the input arrays. */
export type AwardRule = (facts: AwardFacts, policy: FlagPolicy) => RaisedFlag[];

// ---- Evidence shapes (what each code's `evidence` holds). Numbers are rounded to 2 dp
// (shares to 4 dp); comparisons are made on the unrounded values. ----

export type MemberPracticeAwardEvidence = {
  providerId: string;
  providerName: string;
  consortiumId: string;
  proposalSeq: number;
  proposalKind: 'make' | 'buy';
  bidId: string | null;
};

export type ScoredBidEvidence = {
  bidId: string;
  providerId: string;
  providerName: string;
  scores: Partial<Record<CriterionKey, number>>;
  /** this evaluator's weighted score for the bid */
  weightedScore: number | null;
};

export type ConflictedParticipantEvidence = {
  personId: string;
  personName: string | null;
  providerId: string;
  providerName: string;
  /** affiliations of the person with the awardee */
  relationships: Relationship[];
  /** register interests of the person naming the awardee */
  interests: { interestId: string; category: InterestCategory }[];
  interestIds: string[];
  onPanel: boolean;
  mitigation: Mitigation | null;
  /** decision events sent while not excluded from decision; `at` null when only known as the proposer */
  decided: { event: DecisionEventType; at: string | null }[];
  /** bids scored while not excluded from evaluation */
  scored: ScoredBidEvidence[];
};

export type UndeclaredAffiliationEvidence = {
  personId: string;
  personName: string | null;
  providerId: string;
  providerName: string;
  relationships: Relationship[];
  providerIsBidder: boolean;
  providerIsAwardee: boolean;
  declaredInterestIds: string[];
  nilReturn: boolean;
  mitigation: Mitigation | null;
};

export type RankedBidEvidence = {
  bidId: string;
  providerId: string;
  providerName: string;
  weightedScore: number | null;
  rank: number | null;
};

export type NotTopRankedEvidence = {
  proposedBid: RankedBidEvidence;
  topBids: RankedBidEvidence[];
  topScore: number;
  /** topScore minus the proposed bid's score; null when the proposed bid has no score */
  difference: number | null;
  criteria: Criterion[];
};

export type ScoringBiasEvidence = {
  evaluatorId: string;
  evaluatorName: string | null;
  bidId: string;
  providerId: string;
  providerName: string;
  consortiumId: string;
  evaluatorScore: number;
  evaluatorScores: Partial<Record<CriterionKey, number>>;
  othersMean: number;
  otherEvaluatorIds: string[];
  otherEvaluatorCount: number;
  difference: number;
  margin: number;
};

export type SingleBidEvidence = {
  bidCount: number;
  bidId: string;
  providerId: string;
  providerName: string;
};

export type AwardConcentrationEvidence = {
  providerId: string;
  providerName: string;
  /** value of the earlier awards in the window that this awardee won (each joint award counts in full) */
  awardeeValue: number;
  awardeeCaseIds: string[];
  totalValue: number;
  /** awardeeValue / totalValue, 4 dp */
  share: number;
  shareThreshold: number;
  earlierAwardCount: number;
  windowMonths: number;
  windowStart: string;
  windowEnd: string;
  proposedValue: number;
};
