import fc from 'fast-check';
import { addCalendarMonths, buildRelease, lifetimeValue, type OcdsProcessFacts } from './release-builder';
import type { JsonObject } from './json';

const buyer = { id: 'c1', name: 'Riverside GP Consortium' };
const trust = { id: 'p1', name: 'City Hospitals NHS Trust' };
const practice = {
  id: 'p2',
  name: 'Hillview Surgery',
  companiesHouseNumber: '01234567',
  odsCode: 'Y01234',
  address: {
    streetAddress: '1 Hill Road',
    locality: 'Riverside',
    postalCode: 'RV1 2AB',
    countryName: 'United Kingdom',
  },
};

const base: OcdsProcessFacts = {
  ocid: 'ocds-mkbuy1-1',
  title: 'Community dermatology',
  serviceName: 'Dermatology',
  buyer,
  tenderStatus: 'active',
  route: 'competitive',
  estimatedValue: { amount: 750000, currency: 'GBP' },
  tenderPeriod: { startDate: '2026-12-01T10:00:00.000Z', endDate: '2026-12-15T00:00:00.000Z' },
  enquiryPeriod: { startDate: '2026-12-01T10:00:00.000Z', endDate: '2026-12-11T00:00:00.000Z' },
  criteria: [
    { key: 'quality_innovation', weight: 60 },
    { key: 'value', weight: 40 },
  ],
};
const build = (facts: OcdsProcessFacts, tag: Parameters<typeof buildRelease>[0]['tag'] = ['tender']) =>
  buildRelease({ id: `${facts.ocid}-1`, date: '2026-12-01T10:00:00.000Z', tag, facts });

describe('buildRelease', () => {
  it('an open tender: status, method, periods, CPV item, buyer and procuring entity', () => {
    const r = build({ ...base, cpvCode: '85121200-5', description: 'What is bought' });
    expect(r).toMatchObject({
      ocid: 'ocds-mkbuy1-1',
      tag: ['tender'],
      buyer,
      tender: {
        id: 'ocds-mkbuy1-1-tender',
        status: 'active',
        procurementMethod: 'open',
        description: 'What is bought',
        tenderPeriod: base.tenderPeriod,
        enquiryPeriod: base.enquiryPeriod,
        items: [{ id: '1', description: 'Dermatology', classification: { scheme: 'CPV', id: '85121200-5' } }],
        procuringEntity: buyer,
        awardCriteria: 'ratedCriteria',
        awardCriteriaDetails: 'Quality and innovation: 60%; Value: 40%',
        hasEnquiries: false,
      },
      parties: [{ id: 'c1', name: buyer.name, roles: ['buyer', 'procuringEntity'] }],
    });
    expect((r.tender as JsonObject).procurementMethodRationale).toBeUndefined();
  });

  it('says nothing about bids until it is told tendering closed', () => {
    const before = build(base);
    expect(before.bids).toBeUndefined();
    expect(JSON.stringify(before)).not.toMatch(/tenderer|numberOfTenderers|statistics/);
    const after = build({ ...base, closed: { at: base.tenderPeriod!.endDate, bidsReceived: 2, tenderers: [trust] } }, [
      'tenderUpdate',
    ]);
    expect(after.bids).toEqual({
      statistics: [{ id: 'bids', measure: 'bids', value: 2, date: base.tenderPeriod!.endDate }],
    });
    expect((after.tender as JsonObject).tenderers).toEqual([{ id: 'p1', name: trust.name }]);
    expect(after.parties).toContainEqual({ id: 'p1', name: trust.name, roles: ['tenderer'] });
  });

  it('a make decision: limited, with the PSR process and the justification as rationale; no tender period', () => {
    const r = build(
      {
        ...base,
        route: 'direct_award_c',
        makeJustification: 'The existing provider is satisfying the contract.',
        tenderPeriod: null,
        enquiryPeriod: null,
        awards: [
          {
            id: 'a1',
            status: 'pending',
            date: '2026-12-01T10:00:00.000Z',
            suppliers: [practice],
            value: { amount: 750000, currency: 'GBP' },
          },
        ],
      },
      ['award'],
    );
    const tender = r.tender as JsonObject;
    expect(tender.procurementMethod).toBe('limited');
    expect(tender.procurementMethodRationale).toBe(
      'Provider Selection Regime: direct award process C. The existing provider is satisfying the contract.',
    );
    expect(tender.tenderPeriod).toBeUndefined();
    expect(tender.awardCriteria).toBeUndefined();
    expect(r.awards).toEqual([
      {
        id: 'a1',
        title: 'Award: Community dermatology',
        status: 'pending',
        date: '2026-12-01T10:00:00.000Z',
        value: { amount: 750000, currency: 'GBP' },
        suppliers: [{ id: 'p2', name: practice.name }],
      },
    ]);
    expect(r.parties).toContainEqual({
      id: 'p2',
      name: practice.name,
      roles: ['supplier'],
      identifier: { scheme: 'GB-COH', id: '01234567', legalName: practice.name },
      additionalIdentifiers: [{ scheme: 'GB-NHS', id: 'Y01234', legalName: practice.name }],
      address: practice.address,
    });
  });

  it('a contract runs from the day after the award (Europe/London) for its term', () => {
    const r = build(
      {
        ...base,
        tenderStatus: 'complete',
        awards: [
          {
            id: 'a1',
            status: 'active',
            date: '2026-12-01T10:00:00.000Z',
            suppliers: [trust],
            value: { amount: 1, currency: 'GBP' },
          },
        ],
        // 23:30 UTC on 31 March 2027 is already 1 April in London (BST)
        contract: {
          id: 'k1',
          awardId: 'a1',
          awardedAt: '2027-03-31T23:30:00.000Z',
          termMonths: 36,
          value: { amount: 1, currency: 'GBP' },
        },
      },
      ['awardUpdate', 'contract'],
    );
    expect(r.contracts).toEqual([
      {
        id: 'k1',
        awardID: 'a1',
        title: 'Contract: Community dermatology',
        status: 'active',
        period: { startDate: '2027-04-01T23:00:00.000Z', endDate: '2030-04-01T23:00:00.000Z' },
        value: { amount: 1, currency: 'GBP' },
      },
    ]);
  });

  it('months are added on the calendar, clamped to the end of a shorter month', () => {
    expect(addCalendarMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addCalendarMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addCalendarMonths('2026-12-02', 36)).toBe('2029-12-02');
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 240 }),
        (y, m, n) => {
          const from = `${y}-${String(m).padStart(2, '0')}-15`;
          const to = addCalendarMonths(from, n);
          const [ty, tm, td] = to.split('-').map(Number);
          return td === 15 && ty * 12 + tm - (y * 12 + m) === n;
        },
      ),
    );
  });

  it('lifetime value is the annual value over the term, in pence', () => {
    expect(lifetimeValue(250000, 36, 'GBP')).toEqual({ amount: 750000, currency: 'GBP' });
    expect(lifetimeValue(100000, 7, 'GBP')).toEqual({ amount: 58333.33, currency: 'GBP' });
  });
});
