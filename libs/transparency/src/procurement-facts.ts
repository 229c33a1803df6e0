import type { CancelReasonCode, Criterion, Route } from '@makebuy/domain';

/** What notices and the register of decisions are computed from: the case's own records, gathered in
 * the transaction of the change that publishes (see ProcurementFactsReader). Pure data. */

export interface PublicProvider {
  name: string;
  address: {
    streetAddress: string;
    locality: string;
    region?: string;
    postalCode: string;
    countryName: string;
  } | null;
  odsCode: string | null;
  companiesHouseNumber: string | null;
}

export interface DecisionMaker {
  name: string;
  role: string;
  /** what they decided, in the order they first did it */
  decisions: string[];
}

export type ConflictKind = 'declared_interest' | 'detected_conflict' | 'nil_return' | 'no_declaration';

export interface ConflictEntry {
  person: string;
  kind: ConflictKind;
  /** what the interest is (null for a nil return) */
  interest: string | null;
  organisation: string | null;
  /** the mitigation governance set on the person's declaration (null: not reviewed) */
  mitigation: string | null;
  reviewedBy: string | null;
}

export interface CaseFactsBase {
  caseId: string;
  ocid: string;
  title: string;
  serviceName: string;
  serviceDescription: string | null;
  cpvCode: string | null;
  consortium: { id: string; name: string };
  estimatedAnnualValue: number;
  termMonths: number;
}

export interface TenderFacts extends CaseFactsBase {
  criteria: Criterion[];
  tenderPublishedAt: string;
  tenderClosesAt: string | null;
  /** why the close moved (a correction): an unanswered question, or the commissioner's reason */
  reason?: string;
}

export interface IntentionFacts extends CaseFactsBase {
  route: Route;
  awardees: PublicProvider[];
  /** the annual value of the contract: the awarded bid's annual price (buy) or the case's estimate (make) */
  annualValue: number;
  decisionMakers: DecisionMaker[];
  justification: string;
  routeRationale: string | null;
  /** buy: each key criterion's weight and the awardee's weighted score for it */
  scoredCriteria?: { key: string; weight: number; awardeeWeightedScore: number | null }[];
  awardeeWeightedScore?: number | null;
  conflicts: ConflictEntry[];
  standstillEndsAt: string | null;
  standstillPaused: boolean;
}

export interface AwardFacts extends CaseFactsBase {
  route: Route;
  awardees: PublicProvider[];
  annualValue: number;
  awardedAt: string;
  intentionNoticeId: string | null;
}

export interface CancellationFacts extends CaseFactsBase {
  reasonCode: CancelReasonCode;
  note: string | null;
  cancelledAt: string;
  /** the top-level state the case was cancelled from */
  stage: string;
}

/** Annual value x term, in pence-free pounds (the contract's "approximate lifetime value"). */
export const lifetimeValue = (annual: number, termMonths: number) => ({
  amount: Math.round(((annual * termMonths) / 12) * 100) / 100,
  currency: 'GBP' as const,
});
