/** Test fixtures for the award checks: a clean buy case and a clean make case. */
import type { AwardFacts, FlagPolicy } from '../flag.types';

export const POLICY: FlagPolicy = {
  scoringBiasMargin: 2,
  concentrationShare: 0.5,
  concentrationWindowMonths: 12,
  concentrationMinimumEarlierAwards: 3,
};

export const NOW = '2025-06-15T10:00:00+01:00';

/**
 * Consortium C1 with member practices PM1 (Riverside Surgery) and PM2 (Hillview Practice).
 * Outside providers: T1 (City Hospitals Trust), I1 (HealthCo Ltd), S1 (Community Care CIC).
 * Panel: Alice, Bob, Carol (reviewed, mitigation none, nil returns). Dave (commissioner, not on
 * the panel) decided buy and proposed the award of bid B-T1, which is top-ranked.
 * Criteria quality 60 / value 40. Weighted scores: B-T1 8.4, B-I1 6.6, B-PM1 6.0.
 */
export function buyFacts(): AwardFacts {
  return {
    caseId: 'case-1',
    consortiumId: 'C1',
    now: NOW,
    proposal: { seq: 1, kind: 'buy', bidId: 'B-T1', awardeeProviderIds: ['T1'], proposedBy: 'dave' },
    providers: [
      { id: 'PM1', name: 'Riverside Surgery', memberOfConsortiumId: 'C1' },
      { id: 'PM2', name: 'Hillview Practice', memberOfConsortiumId: 'C1' },
      { id: 'T1', name: 'City Hospitals Trust', memberOfConsortiumId: null },
      { id: 'I1', name: 'HealthCo Ltd', memberOfConsortiumId: null },
      { id: 'S1', name: 'Community Care CIC', memberOfConsortiumId: 'C2' },
    ],
    panel: [
      { personId: 'alice', name: 'Dr Alice Adams', mitigation: 'none', declaredInterestIds: [], nilReturn: true },
      { personId: 'bob', name: 'Dr Bob Brown', mitigation: 'none', declaredInterestIds: [], nilReturn: true },
      { personId: 'carol', name: 'Carol Clark', mitigation: 'none', declaredInterestIds: [], nilReturn: true },
    ],
    people: [
      { id: 'alice', name: 'Dr Alice Adams' },
      { id: 'bob', name: 'Dr Bob Brown' },
      { id: 'carol', name: 'Carol Clark' },
      { id: 'dave', name: 'Dave Davies' },
    ],
    affiliations: [],
    interests: [],
    decisions: [
      { personId: 'dave', event: 'DECIDE_BUY', at: '2025-04-01T09:00:00+01:00' },
      { personId: 'dave', event: 'PROPOSE_AWARD', at: '2025-06-14T09:00:00+01:00' },
    ],
    bids: [
      { id: 'B-T1', providerId: 'T1', price: 100000 },
      { id: 'B-I1', providerId: 'I1', price: 90000 },
      { id: 'B-PM1', providerId: 'PM1', price: 95000 },
    ],
    criteria: [
      { key: 'quality_innovation', weight: 60 },
      { key: 'value', weight: 40 },
    ],
    scores: [
      // B-T1: quality mean 9, value mean 7.5 -> 5.4 + 3.0 = 8.4
      { bidId: 'B-T1', evaluatorId: 'alice', scores: { quality_innovation: 9, value: 8 } },
      { bidId: 'B-T1', evaluatorId: 'bob', scores: { quality_innovation: 9, value: 7 } },
      { bidId: 'B-T1', evaluatorId: 'carol', scores: { quality_innovation: 9, value: 7.5 } },
      // B-I1: quality 6, value 7.5 -> 3.6 + 3.0 = 6.6
      { bidId: 'B-I1', evaluatorId: 'alice', scores: { quality_innovation: 6, value: 7 } },
      { bidId: 'B-I1', evaluatorId: 'bob', scores: { quality_innovation: 6, value: 8 } },
      { bidId: 'B-I1', evaluatorId: 'carol', scores: { quality_innovation: 6, value: 7.5 } },
      // B-PM1: quality 6, value 6 -> 6.0 (each evaluator 6.0)
      { bidId: 'B-PM1', evaluatorId: 'alice', scores: { quality_innovation: 6, value: 6 } },
      { bidId: 'B-PM1', evaluatorId: 'bob', scores: { quality_innovation: 6, value: 6 } },
      { bidId: 'B-PM1', evaluatorId: 'carol', scores: { quality_innovation: 6, value: 6 } },
    ],
    earlierAwards: [
      { caseId: 'old-1', providerIds: ['T1'], value: 100, awardedAt: '2025-01-10T12:00:00Z' },
      { caseId: 'old-2', providerIds: ['I1'], value: 100, awardedAt: '2025-02-10T12:00:00Z' },
      { caseId: 'old-3', providerIds: ['PM1'], value: 100, awardedAt: '2025-03-10T12:00:00Z' },
    ],
    proposedValue: 100000,
  };
}

/** The make route: Dave decided make for member practices PM1 and PM2; no bids, no criteria. */
export function makeFacts(): AwardFacts {
  const f = buyFacts();
  return {
    ...f,
    proposal: { seq: 1, kind: 'make', awardeeProviderIds: ['PM1', 'PM2'], proposedBy: 'dave' },
    decisions: [{ personId: 'dave', event: 'DECIDE_MAKE', at: '2025-06-14T09:00:00+01:00' }],
    bids: [],
    criteria: [],
    scores: [],
  };
}

export const codes = (flags: { code: string }[]): string[] => flags.map((f) => f.code);
