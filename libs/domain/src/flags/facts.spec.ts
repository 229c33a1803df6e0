import { AwardFactsError, assertFlagPolicy, indexFacts, round, subtractMonths, sum } from './facts';
import { POLICY, buyFacts } from './testing/award-facts.fixture';

describe('flag helpers', () => {
  it('rounds half away from zero, despite binary representation', () => {
    expect(round(1.005)).toBe(1.01);
    expect(round(2.675)).toBe(2.68);
    expect(round(1.8000000000000007)).toBe(1.8);
    expect(round(-1.005)).toBe(-1.01);
    expect(round(2 / 3, 4)).toBe(0.6667);
    expect(Object.is(round(-0.001), 0)).toBe(true);
  });

  it('sums independently of order', () => {
    expect(sum([0.1, 0.2, 0.3])).toBe(sum([0.3, 0.2, 0.1]));
  });

  it('subtracts calendar months, clamping to the end of shorter months', () => {
    const t = (s: string) => Date.parse(s);
    const iso = (n: number) => new Date(n).toISOString();
    expect(iso(subtractMonths(t('2025-06-15T09:00:00Z'), 12))).toBe('2024-06-15T09:00:00.000Z');
    expect(iso(subtractMonths(t('2025-03-31T23:30:00Z'), 1))).toBe('2025-02-28T23:30:00.000Z');
    expect(iso(subtractMonths(t('2024-03-31T00:00:00Z'), 1))).toBe('2024-02-29T00:00:00.000Z');
    expect(iso(subtractMonths(t('2025-01-31T12:00:00Z'), 3))).toBe('2024-10-31T12:00:00.000Z');
    expect(iso(subtractMonths(t('2025-02-28T12:00:00Z'), 12))).toBe('2024-02-28T12:00:00.000Z');
  });

  it('rejects an invalid policy', () => {
    expect(() => assertFlagPolicy(POLICY)).not.toThrow();
    expect(() => assertFlagPolicy({ ...POLICY, concentrationShare: 1.5 })).toThrow(AwardFactsError);
    expect(() => assertFlagPolicy({ ...POLICY, scoringBiasMargin: -1 })).toThrow(AwardFactsError);
    expect(() => assertFlagPolicy({ ...POLICY, concentrationWindowMonths: 0 })).toThrow(AwardFactsError);
    expect(() => assertFlagPolicy({ ...POLICY, concentrationMinimumEarlierAwards: 2.5 })).toThrow(AwardFactsError);
  });

  describe('indexFacts fails closed on inconsistent facts', () => {
    it.each<[string, (f: ReturnType<typeof buyFacts>) => void]>([
      ['buy proposal without a bid', (f) => delete f.proposal.bidId],
      ['proposed bid not among the bids', (f) => (f.proposal.bidId = 'B-GONE')],
      ['bidder missing from providers', (f) => f.bids.push({ id: 'B-X', providerId: 'X', price: 1 })],
      ['duplicate score sheet', (f) => f.scores.push({ ...f.scores[0] })],
      ['duplicate panel member', (f) => f.panel.push({ ...f.panel[0] })],
      ['bad now', (f) => (f.now = 'yesterday')],
      ['bad awardedAt', (f) => (f.earlierAwards[0].awardedAt = '')],
      ['negative earlier award value', (f) => (f.earlierAwards[0].value = -1)],
    ])('%s', (_name, breakIt) => {
      const f = buyFacts();
      breakIt(f);
      expect(() => indexFacts(f)).toThrow(AwardFactsError);
    });

    it('make proposal without awardees', () => {
      const f = buyFacts();
      f.proposal = { seq: 1, kind: 'make', awardeeProviderIds: [], proposedBy: 'dave' };
      expect(() => indexFacts(f)).toThrow(AwardFactsError);
    });
  });
});
