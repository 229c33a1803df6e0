import type { AwardFacts } from './flag.types';
import { checkScoringBias } from './scoring-bias.rule';
import { POLICY, buyFacts } from './testing/award-facts.fixture';

const rescore = (f: AwardFacts, bidId: string, evaluatorId: string, q: number, v: number): AwardFacts => {
  f.scores = f.scores.map((s) =>
    s.bidId === bidId && s.evaluatorId === evaluatorId ? { ...s, scores: { quality_innovation: q, value: v } } : s,
  );
  return f;
};

describe('SCORING_BIAS', () => {
  it('is silent on a clean case', () => {
    expect(checkScoringBias(buyFacts(), POLICY)).toEqual([]);
  });

  it("fires when an evaluator scores a member practice's bid above the others' mean by more than the margin", () => {
    const flags = checkScoringBias(rescore(buyFacts(), 'B-PM1', 'alice', 10, 10), POLICY);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ code: 'SCORING_BIAS', severity: 'advisory' });
    expect(flags[0].evidence).toEqual({
      evaluatorId: 'alice',
      evaluatorName: 'Dr Alice Adams',
      bidId: 'B-PM1',
      providerId: 'PM1',
      providerName: 'Riverside Surgery',
      consortiumId: 'C1',
      evaluatorScore: 10,
      evaluatorScores: { quality_innovation: 10, value: 10 },
      othersMean: 6,
      otherEvaluatorIds: ['bob', 'carol'],
      otherEvaluatorCount: 2,
      difference: 4,
      margin: 2,
    });
    expect(flags[0].summary).toContain('Dr Alice Adams');
  });

  it('is silent at exactly the margin and fires just above it', () => {
    expect(checkScoringBias(rescore(buyFacts(), 'B-PM1', 'alice', 8, 8), POLICY)).toEqual([]);
    // 0.6 * 8.1 + 0.4 * 7.9 = 8.02 -> 2.02 above 6
    expect(checkScoringBias(rescore(buyFacts(), 'B-PM1', 'alice', 8.1, 7.9), POLICY)).toHaveLength(1);
  });

  it('is silent for bids by providers outside the consortium', () => {
    const f = rescore(buyFacts(), 'B-I1', 'alice', 10, 10);
    f.bids.push({ id: 'B-S1', providerId: 'S1', price: 1 });
    f.scores.push(
      { bidId: 'B-S1', evaluatorId: 'alice', scores: { quality_innovation: 10, value: 10 } },
      { bidId: 'B-S1', evaluatorId: 'bob', scores: { quality_innovation: 1, value: 1 } },
    );
    expect(checkScoringBias(f, POLICY)).toEqual([]);
  });

  it('needs at least one other evaluator', () => {
    const f = buyFacts();
    f.scores = f.scores.filter((s) => s.bidId !== 'B-PM1' || s.evaluatorId === 'alice');
    expect(checkScoringBias(rescore(f, 'B-PM1', 'alice', 10, 10), POLICY)).toEqual([]);
  });

  it('uses the configured margin', () => {
    const f = rescore(buyFacts(), 'B-PM1', 'alice', 10, 10);
    expect(checkScoringBias(f, { ...POLICY, scoringBiasMargin: 4 })).toEqual([]);
    expect(checkScoringBias(f, { ...POLICY, scoringBiasMargin: 3.99 })).toHaveLength(1);
  });
});
