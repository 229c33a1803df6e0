import { checkNotTopRanked } from './not-top-ranked.rule';
import type { AwardFacts } from './flag.types';
import { buyFacts, makeFacts } from './testing/award-facts.fixture';

const propose = (f: AwardFacts, bidId: string): AwardFacts => {
  const bid = f.bids.find((b) => b.id === bidId)!;
  f.proposal = { ...f.proposal, bidId, awardeeProviderIds: [bid.providerId] };
  return f;
};

describe('NOT_TOP_RANKED', () => {
  it('is silent when the top-ranked bid is proposed', () => {
    expect(checkNotTopRanked(buyFacts())).toEqual([]);
  });

  it('is silent on the make route', () => {
    expect(checkNotTopRanked(makeFacts())).toEqual([]);
  });

  it('fires when a lower-ranked bid is proposed, with both scores and the difference', () => {
    const flags = checkNotTopRanked(propose(buyFacts(), 'B-I1'));
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ code: 'NOT_TOP_RANKED', severity: 'blocking' });
    expect(flags[0].evidence).toEqual({
      proposedBid: { bidId: 'B-I1', providerId: 'I1', providerName: 'HealthCo Ltd', weightedScore: 6.6, rank: 2 },
      topBids: [{ bidId: 'B-T1', providerId: 'T1', providerName: 'City Hospitals Trust', weightedScore: 8.4, rank: 1 }],
      topScore: 8.4,
      difference: 1.8,
      criteria: [
        { key: 'quality_innovation', weight: 60 },
        { key: 'value', weight: 40 },
      ],
    });
    expect(flags[0].summary).toBe(
      'The proposed bid B-I1 from HealthCo Ltd scored 6.60, 1.80 below the top score of 8.40 by City Hospitals Trust (B-T1).',
    );
  });

  it('does not flag a tie for first', () => {
    const f = propose(buyFacts(), 'B-I1');
    f.scores = f.scores.map((s) => (s.bidId === 'B-I1' ? { ...s, scores: { quality_innovation: 9, value: 7.5 } } : s));
    expect(checkNotTopRanked(f)).toEqual([]);
  });

  it('does not flag a tie that floating point alone breaks', () => {
    const f = propose(buyFacts(), 'B-I1');
    f.criteria = [
      { key: 'quality_innovation', weight: 30 },
      { key: 'value', weight: 70 },
    ];
    // B-T1: 0.3 * 7 = 2.1 ; B-I1: 0.7 * 3 = 2.0999999999999996
    f.scores = [
      { bidId: 'B-T1', evaluatorId: 'alice', scores: { quality_innovation: 7, value: 0 } },
      { bidId: 'B-I1', evaluatorId: 'alice', scores: { quality_innovation: 0, value: 3 } },
      { bidId: 'B-PM1', evaluatorId: 'alice', scores: { quality_innovation: 0, value: 0 } },
    ];
    expect(0.7 * 3).toBeLessThan(0.3 * 7);
    expect(checkNotTopRanked(f)).toEqual([]);
  });

  it('lists every bid tied for first', () => {
    const f = propose(buyFacts(), 'B-PM1');
    f.scores = f.scores.map((s) => (s.bidId === 'B-I1' ? { ...s, scores: { quality_innovation: 9, value: 7.5 } } : s));
    const [flag] = checkNotTopRanked(f);
    expect((flag.evidence.topBids as { bidId: string }[]).map((b) => b.bidId)).toEqual(['B-I1', 'B-T1']);
    expect(flag.evidence).toMatchObject({ topScore: 8.4, difference: 2.4, proposedBid: { rank: 3, weightedScore: 6 } });
  });

  it('rounds the evidence to 2 dp but compares unrounded scores', () => {
    const f = propose(buyFacts(), 'B-I1');
    // B-I1 quality mean (6+6+6.01)/3 = 6.00333 -> 3.602 + 3.0 = 6.602
    f.scores = f.scores.map((s) =>
      s.bidId === 'B-I1' && s.evaluatorId === 'carol' ? { ...s, scores: { quality_innovation: 6.01, value: 7.5 } } : s,
    );
    const [flag] = checkNotTopRanked(f);
    expect(flag.evidence).toMatchObject({ proposedBid: { weightedScore: 6.6 }, difference: 1.8 });
  });

  it('flags a proposed bid that has no complete score when others do', () => {
    const f = propose(buyFacts(), 'B-I1');
    f.scores = f.scores.filter((s) => s.bidId !== 'B-I1');
    const [flag] = checkNotTopRanked(f);
    expect(flag.evidence).toMatchObject({
      proposedBid: { bidId: 'B-I1', weightedScore: null, rank: null },
      difference: null,
      topScore: 8.4,
    });
  });
});
