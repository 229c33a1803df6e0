import fc from 'fast-check';
import { AwardFactsError } from './facts';
import { FLAG_CODES, FLAG_SEVERITY } from './flag.types';
import type { AwardFacts } from './flag.types';
import { checkNotTopRanked } from './not-top-ranked.rule';
import { AWARD_CHECKS, countFlags, runAwardChecks } from './run-award-checks';
import { rankBids } from './scoring';
import { awardFactsArb, cleanBuyFactsArb, shuffleFacts } from './testing/award-facts.arbitrary';
import { POLICY, buyFacts, codes, makeFacts } from './testing/award-facts.fixture';

describe('runAwardChecks', () => {
  it('raises nothing on a clean competitive award', () => {
    expect(runAwardChecks(buyFacts(), POLICY)).toEqual([]);
  });

  it('always raises MEMBER_PRACTICE_AWARD on the make route (governance must sign off)', () => {
    expect(codes(runAwardChecks(makeFacts(), POLICY))).toEqual(['MEMBER_PRACTICE_AWARD', 'MEMBER_PRACTICE_AWARD']);
  });

  it('runs every rule and returns the flags in rule order', () => {
    const f: AwardFacts = buyFacts();
    // Propose the member practice's lower-ranked bid; Alice, a partner there, declared nothing,
    // scored it high, and the practice won most of the consortium's recent awards.
    f.proposal = { ...f.proposal, bidId: 'B-PM1', awardeeProviderIds: ['PM1'] };
    f.affiliations = [{ personId: 'alice', providerId: 'PM1', relationship: 'partner' }];
    f.scores = f.scores.map((s) =>
      s.bidId === 'B-PM1' && s.evaluatorId === 'alice' ? { ...s, scores: { quality_innovation: 10, value: 10 } } : s,
    );
    f.bids = f.bids.filter((b) => b.id !== 'B-I1');
    f.scores = f.scores.filter((s) => s.bidId !== 'B-I1');
    f.earlierAwards = [
      ...f.earlierAwards,
      { caseId: 'old-4', providerIds: ['PM1'], value: 500, awardedAt: '2025-05-01T00:00:00Z' },
    ];
    const flags = runAwardChecks(f, POLICY);
    expect(codes(flags)).toEqual([
      'MEMBER_PRACTICE_AWARD',
      'CONFLICTED_PARTICIPANT',
      'UNDECLARED_AFFILIATION',
      'NOT_TOP_RANKED',
      'SCORING_BIAS',
      'AWARD_CONCENTRATION',
    ]);
    for (const flag of flags) {
      expect(flag.severity).toBe(FLAG_SEVERITY[flag.code]);
      expect(flag.summary).toMatch(/^[^\n]+\.$/);
    }
    expect(countFlags(flags)).toEqual({ blockingFlags: 4, advisoryFlags: 2 });
  });

  it('covers every award-check code exactly once, with the contract severity', () => {
    expect(AWARD_CHECKS.map((c) => c.code)).toEqual(FLAG_CODES.filter((c) => c !== 'DEADLINE_BREACH'));
    for (const c of AWARD_CHECKS) expect(c.severity).toBe(FLAG_SEVERITY[c.code]);
  });

  it('fails closed on inconsistent facts or policy', () => {
    const f = buyFacts();
    f.proposal.bidId = 'B-NONE';
    expect(() => runAwardChecks(f, POLICY)).toThrow(AwardFactsError);
    expect(() => runAwardChecks(buyFacts(), { ...POLICY, concentrationShare: -0.1 })).toThrow(AwardFactsError);
  });

  describe('properties', () => {
    it('NOT_TOP_RANKED never fires when the proposed bid has the maximum score', () => {
      fc.assert(
        fc.property(awardFactsArb, (facts) => {
          fc.pre(facts.proposal.kind === 'buy');
          const ranking = rankBids(facts.criteria, facts.scores, facts.bids);
          const proposed = ranking.find((r) => r.bidId === facts.proposal.bidId)!;
          const max = Math.max(...ranking.map((r) => r.weightedScore ?? Number.NEGATIVE_INFINITY));
          fc.pre(proposed.weightedScore !== null && proposed.weightedScore === max);
          expect(checkNotTopRanked(facts)).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });

    it('NOT_TOP_RANKED fires whenever a scored bid beats the proposed one by more than rounding noise', () => {
      fc.assert(
        fc.property(awardFactsArb, (facts) => {
          fc.pre(facts.proposal.kind === 'buy');
          const ranking = rankBids(facts.criteria, facts.scores, facts.bids);
          const proposed = ranking.find((r) => r.bidId === facts.proposal.bidId)!;
          const max = Math.max(...ranking.map((r) => r.weightedScore ?? Number.NEGATIVE_INFINITY));
          fc.pre(proposed.weightedScore !== null && max - proposed.weightedScore > 1e-6);
          const [flag] = checkNotTopRanked(facts);
          expect(flag.code).toBe('NOT_TOP_RANKED');
          expect(Math.abs((flag.evidence.difference as number) - (max - proposed.weightedScore))).toBeLessThanOrEqual(
            0.005 + 1e-9,
          );
        }),
        { numRuns: 300 },
      );
    });

    it('a clean case raises no blocking flag', () => {
      fc.assert(
        fc.property(cleanBuyFactsArb, (facts) => {
          const flags = runAwardChecks(facts, POLICY);
          expect(flags.filter((f) => f.severity === 'blocking')).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });

    it('is deterministic and independent of the order of the input arrays', () => {
      fc.assert(
        fc.property(awardFactsArb, fc.integer(), (facts, seed) => {
          const first = JSON.stringify(runAwardChecks(facts, POLICY));
          expect(JSON.stringify(runAwardChecks(facts, POLICY))).toBe(first);
          expect(JSON.stringify(runAwardChecks(shuffleFacts(facts, seed), POLICY))).toBe(first);
        }),
        { numRuns: 500 },
      );
    });

    it('does not mutate its input', () => {
      fc.assert(
        fc.property(awardFactsArb, (facts) => {
          const before = JSON.stringify(facts);
          runAwardChecks(facts, POLICY);
          expect(JSON.stringify(facts)).toBe(before);
        }),
        { numRuns: 100 },
      );
    });

    it('every flag has its contract severity and a one-sentence summary', () => {
      fc.assert(
        fc.property(awardFactsArb, (facts) => {
          for (const flag of runAwardChecks(facts, POLICY)) {
            expect(flag.severity).toBe(FLAG_SEVERITY[flag.code]);
            expect(flag.summary).toMatch(/^[A-Z][^\n]*\.$/);
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
