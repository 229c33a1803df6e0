import { annualSummary, ContractFact } from './decision-register';

const p = (id: string, name: string) => ({ id, name });
const A = p('a', 'Alpha Practice');
const B = p('b', 'Bravo Trust');
const C = p('c', 'Charlie CIC');

const contract = (
  caseId: string,
  route: ContractFact['route'],
  providers: { id: string; name: string }[],
  awardedAt: string,
  termMonths: number,
): ContractFact => ({
  caseId,
  route,
  providers,
  awardedAt,
  termMonths,
});

describe('the annual summary (regulation 25)', () => {
  const contracts = [
    // Alpha: 12 months from 2 Feb 2024, ended in 2025
    contract('1', 'direct_award_c', [A], '2024-02-01T12:00:00Z', 12),
    // Bravo: held through 2025 and 2026
    contract('2', 'competitive', [B], '2025-03-01T12:00:00Z', 24),
    // Charlie: new in 2026; Bravo again in 2026 (not new)
    contract('3', 'most_suitable_provider', [C], '2026-05-01T12:00:00Z', 12),
    contract('4', 'competitive', [B], '2026-06-01T12:00:00Z', 12),
  ];

  it('counts the contracts awarded in the year per route, and the new providers', () => {
    const s = annualSummary(2026, null, contracts, []);
    expect(s.contracts).toBe(2);
    expect(s.contractsPerRoute).toEqual({ competitive: 1, direct_award_c: 0, most_suitable_provider: 1 });
    expect(s.newProviders).toEqual([{ name: 'Charlie CIC' }]);
  });

  it('names providers who held a contract the year before and none this year', () => {
    // Alpha held its contract in 2025 (until 1 Feb) and none in 2026
    expect(annualSummary(2026, null, contracts, []).providersNoLongerContracted).toEqual([{ name: 'Alpha Practice' }]);
    // in 2025 Alpha still held it (and Bravo started)
    expect(annualSummary(2025, null, contracts, []).providersNoLongerContracted).toEqual([]);
    const s2027 = annualSummary(2027, null, contracts, []);
    // Bravo's second contract runs into 2027, Charlie's too; nobody else held one in 2026
    expect(s2027.providersNoLongerContracted).toEqual([]);
    const s2028 = annualSummary(2028, null, contracts, []);
    expect(s2028.providersNoLongerContracted).toEqual([{ name: 'Bravo Trust' }, { name: 'Charlie CIC' }]);
    // a contract into 2026 is held in 2026
    const held = annualSummary(2026, null, [contract('1', 'direct_award_c', [A], '2024-02-01T12:00:00Z', 24)], []);
    expect(held.providersNoLongerContracted).toEqual([]);
  });

  it('counts representations lodged in the year (Europe/London) by outcome', () => {
    const s = annualSummary(
      2026,
      null,
      [],
      [
        { lodgedAt: '2025-12-31T23:30:00Z', outcome: 'upheld' },
        { lodgedAt: '2026-01-01T00:30:00Z', outcome: 'upheld' },
        { lodgedAt: '2026-06-01T00:30:00Z', outcome: 'not_upheld' },
        { lodgedAt: '2026-12-31T23:59:00Z', outcome: 'open' },
      ],
    );
    expect(s.representations).toEqual({ received: 3, upheld: 1, notUpheld: 1, open: 1 });
  });
});
