import fc from 'fast-check';
import { CRITERION_KEYS } from '../case/case.types';
import type { Criterion } from '../case/case.types';
import { rankBids, sameScore, weightedScore } from './scoring';
import { buyFacts } from './testing/award-facts.fixture';

describe('weightedScore', () => {
  const f = buyFacts();
  const sheets = (bidId: string) => f.scores.filter((s) => s.bidId === bidId);

  it('is the weighted sum of the per-criterion means across evaluators', () => {
    expect(weightedScore(f.criteria, sheets('B-T1'))).toBeCloseTo(8.4, 12);
    expect(weightedScore(f.criteria, sheets('B-I1'))).toBeCloseTo(6.6, 12);
    expect(weightedScore(f.criteria, sheets('B-PM1'))).toBeCloseTo(6, 12);
  });

  it("gives one evaluator's weighted score from a single sheet", () => {
    expect(weightedScore(f.criteria, [{ scores: { quality_innovation: 9, value: 8 } }])).toBeCloseTo(8.6, 12);
  });

  it('averages each criterion over the evaluators who scored it', () => {
    const s = weightedScore(f.criteria, [
      { scores: { quality_innovation: 10, value: 4 } },
      { scores: { quality_innovation: 8 } },
    ]);
    expect(s).toBeCloseTo(0.6 * 9 + 0.4 * 4, 12);
  });

  it('is null with no sheet, or when a criterion has no score at all', () => {
    expect(weightedScore(f.criteria, [])).toBeNull();
    expect(weightedScore(f.criteria, [{ scores: { quality_innovation: 10 } }])).toBeNull();
  });
});

describe('rankBids', () => {
  it('ranks the fixture bids highest first', () => {
    const f = buyFacts();
    const ranking = rankBids(f.criteria, f.scores, f.bids);
    expect(ranking.map((r) => [r.bidId, r.providerId, r.rank])).toEqual([
      ['B-T1', 'T1', 1],
      ['B-I1', 'I1', 2],
      ['B-PM1', 'PM1', 3],
    ]);
    expect(ranking[0].weightedScore).toBeCloseTo(8.4, 12);
  });

  it('gives equal scores the same rank (1, 1, 3) and puts unscored bids last with rank null', () => {
    const criteria: Criterion[] = [{ key: 'value', weight: 100 }];
    const bids = ['d', 'c', 'b', 'a'].map((id) => ({ id, providerId: `P-${id}` }));
    const scores = [
      { bidId: 'a', scores: { value: 7 } },
      { bidId: 'b', scores: { value: 9 } },
      { bidId: 'c', scores: { value: 9 } },
      { bidId: 'ghost', scores: { value: 10 } },
    ];
    expect(rankBids(criteria, scores, bids)).toEqual([
      { bidId: 'b', providerId: 'P-b', weightedScore: 9, rank: 1 },
      { bidId: 'c', providerId: 'P-c', weightedScore: 9, rank: 1 },
      { bidId: 'a', providerId: 'P-a', weightedScore: 7, rank: 3 },
      { bidId: 'd', providerId: 'P-d', weightedScore: null, rank: null },
    ]);
  });

  const criteriaArb = fc.subarray([...CRITERION_KEYS], { minLength: 1 }).chain((keys) =>
    fc.array(fc.integer({ min: 1, max: 20 }), { minLength: keys.length, maxLength: keys.length }).map((raw) => {
      const total = raw.reduce((a, b) => a + b, 0);
      const weights = raw.map((r) => Math.floor((r * 100) / total));
      weights[0] += 100 - weights.reduce((a, b) => a + b, 0);
      return keys.map((key, i) => ({ key, weight: weights[i] }));
    }),
  );
  const scoreArb = fc.integer({ min: 0, max: 20 }).map((n) => n / 2);
  const caseArb = criteriaArb.chain((criteria) =>
    fc
      .record({
        criteria: fc.constant(criteria),
        bids: fc
          .uniqueArray(fc.constantFrom('b1', 'b2', 'b3', 'b4', 'b5'), { minLength: 1 })
          .map((ids) => ids.map((id) => ({ id, providerId: `P-${id}` }))),
        evaluators: fc.integer({ min: 1, max: 4 }),
        values: fc.array(scoreArb, { minLength: 100, maxLength: 100 }),
      })
      .map(({ criteria, bids, evaluators, values }) => {
        let k = 0;
        const scores = bids.flatMap((b) =>
          Array.from({ length: evaluators }, (_, e) => ({
            bidId: b.id,
            evaluatorId: `e${e}`,
            scores: Object.fromEntries(criteria.map((c) => [c.key, values[k++ % values.length]])),
          })),
        );
        return { criteria, bids, scores };
      }),
  );

  it('property: scores stay on the 0..10 scale, ranks are ordered, the first has the maximum', () => {
    fc.assert(
      fc.property(caseArb, ({ criteria, bids, scores }) => {
        const ranking = rankBids(criteria, scores, bids);
        expect(ranking).toHaveLength(bids.length);
        const values = ranking.map((r) => r.weightedScore as number);
        for (const v of values) {
          expect(v).toBeGreaterThanOrEqual(-1e-9);
          expect(v).toBeLessThanOrEqual(10 + 1e-9);
        }
        // equal scores (within SCORE_EPSILON) share a rank and are listed by bid id, so the first
        // listed may sit a rounding error below the maximum, never more
        expect(sameScore(values[0], Math.max(...values))).toBe(true);
        expect(ranking[0].rank).toBe(1);
        for (let i = 1; i < ranking.length; i++) {
          expect(values[i]).toBeLessThanOrEqual(values[i - 1] + 1e-9);
          expect(ranking[i].rank!).toBeGreaterThanOrEqual(ranking[i - 1].rank!);
          expect(ranking[i].rank === ranking[i - 1].rank || ranking[i].rank === i + 1).toBe(true);
        }
      }),
    );
  });

  it('property: the ranking does not depend on the order of the inputs', () => {
    fc.assert(
      fc.property(caseArb, fc.integer(), ({ criteria, bids, scores }, seed) => {
        const shuffle = <T>(xs: T[], s: number): T[] => {
          const out = [...xs];
          let x = s | 0 || 1;
          for (let i = out.length - 1; i > 0; i--) {
            x = (x * 1103515245 + 12345) & 0x7fffffff;
            const j = x % (i + 1);
            [out[i], out[j]] = [out[j], out[i]];
          }
          return out;
        };
        expect(rankBids(shuffle(criteria, seed), shuffle(scores, seed + 1), shuffle(bids, seed + 2))).toEqual(
          rankBids(criteria, scores, bids),
        );
      }),
    );
  });
});
