import { checkAwardConcentration } from './award-concentration.rule';
import type { AwardFacts } from './flag.types';
import { POLICY, buyFacts, makeFacts } from './testing/award-facts.fixture';

const withAwards = (f: AwardFacts, awards: AwardFacts['earlierAwards']): AwardFacts => ({
  ...f,
  earlierAwards: awards,
});
const award = (caseId: string, providerIds: string[], value: number, awardedAt = '2025-03-01T12:00:00Z') => ({
  caseId,
  providerIds,
  value,
  awardedAt,
});

describe('AWARD_CONCENTRATION', () => {
  it('is silent when no awardee has more than the share', () => {
    expect(checkAwardConcentration(buyFacts(), POLICY)).toEqual([]);
  });

  it('fires when the awardee won more than the share of the earlier awards in the window', () => {
    const f = withAwards(buyFacts(), [award('a1', ['T1'], 100), award('a2', ['T1'], 100), award('a3', ['I1'], 100)]);
    const flags = checkAwardConcentration(f, POLICY);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ code: 'AWARD_CONCENTRATION', severity: 'advisory' });
    expect(flags[0].evidence).toEqual({
      providerId: 'T1',
      providerName: 'City Hospitals Trust',
      awardeeValue: 200,
      awardeeCaseIds: ['a1', 'a2'],
      totalValue: 300,
      share: 0.6667,
      shareThreshold: 0.5,
      earlierAwardCount: 3,
      windowMonths: 12,
      windowStart: '2024-06-15T09:00:00.000Z',
      windowEnd: '2025-06-15T09:00:00.000Z',
      proposedValue: 100000,
    });
    expect(flags[0].summary).toContain('66.7%');
  });

  it('is silent at a share exactly equal to the threshold', () => {
    const f = withAwards(buyFacts(), [award('a1', ['T1'], 150), award('a2', ['I1'], 100), award('a3', ['PM1'], 50)]);
    expect(checkAwardConcentration(f, POLICY)).toEqual([]);
    expect(checkAwardConcentration(f, { ...POLICY, concentrationShare: 0.49 })).toHaveLength(1);
  });

  it('is silent with one earlier award fewer than the minimum', () => {
    const f = withAwards(buyFacts(), [award('a1', ['T1'], 100), award('a2', ['T1'], 100)]);
    expect(checkAwardConcentration(f, POLICY)).toEqual([]);
    expect(checkAwardConcentration(f, { ...POLICY, concentrationMinimumEarlierAwards: 2 })).toHaveLength(1);
  });

  it('does not count an award outside the window', () => {
    const f = withAwards(buyFacts(), [
      award('a0', ['T1'], 1000, '2024-06-15T08:59:59Z'), // one second too early
      award('a1', ['T1'], 100),
      award('a2', ['I1'], 100),
      award('a3', ['PM1'], 100),
    ]);
    expect(checkAwardConcentration(f, POLICY)).toEqual([]);
  });

  it('counts an award exactly at the start of the window', () => {
    const f = withAwards(buyFacts(), [
      award('a0', ['T1'], 1000, '2024-06-15T10:00:00+01:00'),
      award('a1', ['I1'], 100),
      award('a2', ['PM1'], 100),
    ]);
    expect(checkAwardConcentration(f, POLICY).map((x) => x.evidence.awardeeCaseIds)).toEqual([['a0']]);
  });

  it("does not count this case's own award, nor awards after now", () => {
    const f = withAwards(buyFacts(), [
      award('case-1', ['T1'], 1000, '2025-06-15T08:00:00Z'),
      award('later', ['T1'], 1000, '2025-06-16T08:00:00Z'),
      award('a1', ['T1'], 100),
      award('a2', ['I1'], 100),
    ]);
    expect(checkAwardConcentration(f, POLICY)).toEqual([]);
  });

  it('counts a joint award in full for each provider, and checks every awardee on the make route', () => {
    const f = withAwards(makeFacts(), [
      award('a1', ['PM1', 'PM2'], 300),
      award('a2', ['PM1'], 100),
      award('a3', ['T1'], 100),
    ]);
    const flags = checkAwardConcentration(f, POLICY);
    expect(flags.map((x) => [x.evidence.providerId, x.evidence.awardeeValue, x.evidence.share])).toEqual([
      ['PM1', 400, 0.8],
      ['PM2', 300, 0.6],
    ]);
  });

  it('uses the configured window', () => {
    const f = withAwards(buyFacts(), [
      award('a1', ['T1'], 100, '2025-01-01T00:00:00Z'),
      award('a2', ['T1'], 100, '2025-05-01T00:00:00Z'),
      award('a3', ['I1'], 100, '2025-05-02T00:00:00Z'),
    ]);
    expect(checkAwardConcentration(f, POLICY)).toHaveLength(1);
    expect(checkAwardConcentration(f, { ...POLICY, concentrationWindowMonths: 3 })).toEqual([]);
  });
});
