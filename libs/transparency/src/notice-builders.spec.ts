import {
  buildCancellation,
  buildIntentionNotice,
  buildTenderNotice,
  contractPeriod,
  inPounds,
  londonTime,
} from './notice-builders';
import type { IntentionFacts, TenderFacts } from './procurement-facts';

const base = {
  caseId: '6f1c3c7e-1111-4111-8111-111111111111',
  ocid: 'ocds-mkbuy1-0001',
  title: 'Community dermatology',
  serviceName: 'Dermatology',
  serviceDescription: null,
  cpvCode: '85121200-5',
  consortium: { id: '6f1c3c7e-2222-4111-8111-111111111111', name: 'Riverside GP Consortium' },
  estimatedAnnualValue: 250000,
  termMonths: 36,
};

describe('notice text', () => {
  it('shows instants in Europe/London, GMT in winter and BST in summer', () => {
    expect(londonTime('2026-12-01T09:48:00Z')).toBe('Tuesday 1 December 2026 at 09:48 GMT');
    expect(londonTime('2026-07-01T09:48:00Z')).toBe('Wednesday 1 July 2026 at 10:48 BST');
  });

  it('shows amounts in pounds', () => {
    expect(inPounds(630000)).toBe('£630,000.00');
  });

  it('a contract runs from the day after the award (London date) for its term', () => {
    expect(contractPeriod('2026-12-01T23:30:00Z', 36)).toEqual({ startDate: '2026-12-02', endDate: '2029-12-01' });
    // 00:30 BST on 1 July is still 30 June in UTC
    expect(contractPeriod('2026-06-30T23:30:00Z', 12)).toEqual({ startDate: '2026-07-02', endDate: '2027-07-01' });
    expect(contractPeriod('2027-01-30T12:00:00Z', 1)).toEqual({ startDate: '2027-01-31', endDate: '2027-02-27' });
  });
});

describe('the notices', () => {
  const tender: TenderFacts = {
    ...base,
    criteria: [
      { key: 'quality_innovation', weight: 60 },
      { key: 'value', weight: 40 },
    ],
    tenderPublishedAt: '2026-12-01T10:00:00.000Z',
    tenderClosesAt: '2026-12-15T00:00:00.000Z',
  };

  it('a tender notice names the buyer, the service, the value and the period', () => {
    const n = buildTenderNotice(tender);
    expect(n.content).toEqual({
      title: 'Community dermatology',
      reference: 'ocds-mkbuy1-0001',
      buyer: 'Riverside GP Consortium',
      serviceName: 'Dermatology',
      serviceDescription: null,
      cpvCode: '85121200-5',
      estimatedAnnualValue: { amount: 250000, currency: 'GBP' },
      termMonths: 36,
      lifetimeValue: { amount: 750000, currency: 'GBP' },
      criteria: tender.criteria,
      tenderPeriod: { startDate: tender.tenderPublishedAt, endDate: tender.tenderClosesAt },
      bidsTo: `/api/v1/tenders/${base.caseId}/bids`,
      questionsTo: `/api/v1/tenders/${base.caseId}/questions`,
    });
    expect(n.text).toContain('Bids close: Tuesday 15 December 2026 at 00:00 GMT');
    expect(n.text).toContain('£750,000.00');
    expect(buildTenderNotice({ ...tender, reason: 'moved' }, true).text).toMatch(/^Tender notice \(correction\)/);
  });

  const intention: IntentionFacts = {
    ...base,
    route: 'competitive',
    awardees: [
      {
        name: 'Skin Clinic Ltd',
        address: { streetAddress: '1 High St', locality: 'Riverton', postalCode: 'RV1 2AB', countryName: 'UK' },
        odsCode: null,
        companiesHouseNumber: '01234567',
      },
    ],
    annualValue: 210000,
    decisionMakers: [{ name: 'Dr Nina Neutral', role: 'panel member', decisions: ['proposed the award'] }],
    justification: 'Best value; questions to bids@example.org',
    routeRationale: null,
    scoredCriteria: [
      { key: 'quality_innovation', weight: 60, awardeeWeightedScore: 5.4 },
      { key: 'value', weight: 40, awardeeWeightedScore: 3.2 },
    ],
    awardeeWeightedScore: 8.6,
    conflicts: [
      {
        person: 'Dr Paul Partner',
        kind: 'nil_return',
        interest: null,
        organisation: null,
        mitigation: 'none',
        reviewedBy: 'Grace Governance',
      },
    ],
    standstillEndsAt: '2026-12-12T00:00:00.000Z',
    standstillPaused: false,
  };

  it('an intention to award holds what schedule 10 asks, e-mail addresses removed', () => {
    const n = buildIntentionNotice(intention);
    expect(n.content).toMatchObject({
      awardees: intention.awardees,
      serviceDescription: 'Dermatology',
      lifetimeValue: { amount: 630000, currency: 'GBP' },
      reasons: {
        justification: 'Best value; questions to [e-mail address removed]',
        routeRationale: null,
        criteria: intention.scoredCriteria,
        awardeeWeightedScore: 8.6,
      },
      route: 'competitive',
      standstillEndsAt: '2026-12-12T00:00:00.000Z',
      representationsTo: {
        route: `/api/v1/cases/${base.caseId}/representations`,
        consortium: 'Riverside GP Consortium',
      },
    });
    expect(n.content).not.toHaveProperty('standstillPaused');
    expect(n.text).toContain('Skin Clinic Ltd; 1 High St, Riverton, RV1 2AB, UK; Companies House number 01234567');
    expect(n.text).toContain('£630,000.00 (£210,000.00 a year for 36 months)');
    expect(n.text).toContain(
      'Dr Paul Partner: declared no interest (nil return); no restriction needed, reviewed by Grace Governance',
    );
    expect(n.text).toContain('The standstill ends at Saturday 12 December 2026 at 00:00 GMT.');
    const paused = buildIntentionNotice({ ...intention, standstillEndsAt: null, standstillPaused: true }, true);
    expect(paused.content).toMatchObject({ standstillEndsAt: null, standstillPaused: true });
    expect(paused.text).toMatch(/^Intention to award \(correction\)/);
  });

  it('a cancellation says when, at which stage and why', () => {
    const n = buildCancellation({
      ...base,
      reasonCode: 'budget',
      note: 'Funding withdrawn',
      cancelledAt: '2026-12-01T10:00:00.000Z',
      stage: 'tendering',
    });
    expect(n.content).toEqual({
      title: base.title,
      reference: base.ocid,
      reasonCode: 'budget',
      note: 'Funding withdrawn',
      cancelledAt: '2026-12-01T10:00:00.000Z',
      stage: 'tendering',
    });
    expect(n.text).toContain('at the tendering stage');
  });
});
