import type { AwardFacts } from './flag.types';
import { buyFacts, makeFacts } from './testing/award-facts.fixture';
import { checkUndeclaredAffiliation } from './undeclared-affiliation.rule';

const declare = (f: AwardFacts, personId: string, interestIds: string[]): AwardFacts => {
  f.panel = f.panel.map((m) =>
    m.personId === personId ? { ...m, declaredInterestIds: interestIds, nilReturn: false } : m,
  );
  return f;
};

describe('UNDECLARED_AFFILIATION', () => {
  it('is silent on a clean case', () => {
    expect(checkUndeclaredAffiliation(buyFacts())).toEqual([]);
  });

  it('fires for a panel member affiliated with a bidder who made a nil return', () => {
    const f = buyFacts();
    f.affiliations = [{ personId: 'bob', providerId: 'I1', relationship: 'family' }];
    const flags = checkUndeclaredAffiliation(f);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ code: 'UNDECLARED_AFFILIATION', severity: 'blocking' });
    expect(flags[0].evidence).toEqual({
      personId: 'bob',
      personName: 'Dr Bob Brown',
      providerId: 'I1',
      providerName: 'HealthCo Ltd',
      relationships: ['family'],
      providerIsBidder: true,
      providerIsAwardee: false,
      declaredInterestIds: [],
      nilReturn: true,
      mitigation: 'none',
    });
    expect(flags[0].summary).toMatch(/Dr Bob Brown.*bidder HealthCo Ltd.*nil return/);
  });

  it('is silent when the declaration names an interest in that provider', () => {
    const f = declare(buyFacts(), 'bob', ['int-1']);
    f.interests = [{ id: 'int-1', personId: 'bob', providerId: 'I1', category: 'indirect' }];
    f.affiliations = [{ personId: 'bob', providerId: 'I1', relationship: 'family' }];
    expect(checkUndeclaredAffiliation(f)).toEqual([]);
  });

  it('fires when the declared interests name other providers, listing them', () => {
    const f = declare(buyFacts(), 'bob', ['int-2', 'int-1']);
    f.interests = [
      { id: 'int-1', personId: 'bob', providerId: 'PM2', category: 'financial' },
      { id: 'int-2', personId: 'bob', providerId: null, category: 'non_financial_professional' },
      // someone else's interest in I1 does not count as Bob's declaration
      { id: 'int-3', personId: 'alice', providerId: 'I1', category: 'financial' },
    ];
    f.panel = f.panel.map((m) =>
      m.personId === 'bob' ? { ...m, declaredInterestIds: ['int-2', 'int-1', 'int-3'] } : m,
    );
    f.affiliations = [{ personId: 'bob', providerId: 'I1', relationship: 'family' }];
    const [flag] = checkUndeclaredAffiliation(f);
    expect(flag.evidence).toMatchObject({
      personId: 'bob',
      providerId: 'I1',
      declaredInterestIds: ['int-1', 'int-2', 'int-3'],
      nilReturn: false,
    });
  });

  it('covers awardees on the make route, one flag per (person, provider)', () => {
    const f = makeFacts();
    f.affiliations = [
      { personId: 'carol', providerId: 'PM1', relationship: 'salaried_gp' },
      { personId: 'carol', providerId: 'PM1', relationship: 'shareholder' },
      { personId: 'alice', providerId: 'PM2', relationship: 'partner' },
    ];
    const flags = checkUndeclaredAffiliation(f);
    expect(flags.map((x) => [x.evidence.personId, x.evidence.providerId])).toEqual([
      ['alice', 'PM2'],
      ['carol', 'PM1'],
    ]);
    expect(flags[1].evidence).toMatchObject({
      relationships: ['salaried_gp', 'shareholder'],
      providerIsAwardee: true,
      providerIsBidder: false,
    });
  });

  it('ignores affiliations with providers that neither bid nor are awarded, and people off the panel', () => {
    const f = buyFacts();
    f.affiliations = [
      { personId: 'alice', providerId: 'PM2', relationship: 'partner' },
      { personId: 'dave', providerId: 'T1', relationship: 'director' },
    ];
    expect(checkUndeclaredAffiliation(f)).toEqual([]);
  });

  it('still fires for an excluded member (the declaration itself is incomplete), recording the mitigation', () => {
    const f = buyFacts();
    f.panel = f.panel.map((m) => (m.personId === 'alice' ? { ...m, mitigation: 'exclude_entirely' } : m));
    f.affiliations = [{ personId: 'alice', providerId: 'T1', relationship: 'partner' }];
    const [flag] = checkUndeclaredAffiliation(f);
    expect(flag.evidence).toMatchObject({
      personId: 'alice',
      providerIsAwardee: true,
      providerIsBidder: true,
      mitigation: 'exclude_entirely',
    });
  });
});
