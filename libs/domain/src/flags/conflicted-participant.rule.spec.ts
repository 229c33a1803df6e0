import { checkConflictedParticipant } from './conflicted-participant.rule';
import type { AwardFacts } from './flag.types';
import { buyFacts, makeFacts } from './testing/award-facts.fixture';

const withMitigation = (
  f: AwardFacts,
  personId: string,
  mitigation: AwardFacts['panel'][number]['mitigation'],
): AwardFacts => {
  f.panel = f.panel.map((m) => (m.personId === personId ? { ...m, mitigation } : m));
  return f;
};

describe('CONFLICTED_PARTICIPANT', () => {
  it('is silent on a clean case', () => {
    expect(checkConflictedParticipant(buyFacts())).toEqual([]);
  });

  it('fires for a panel member affiliated with the awardee who scored, with the scores as evidence', () => {
    const f = buyFacts();
    f.affiliations = [{ personId: 'alice', providerId: 'T1', relationship: 'director' }];
    const flags = checkConflictedParticipant(f);
    expect(flags).toHaveLength(1);
    expect(flags[0].code).toBe('CONFLICTED_PARTICIPANT');
    expect(flags[0].severity).toBe('blocking');
    expect(flags[0].evidence).toEqual({
      personId: 'alice',
      personName: 'Dr Alice Adams',
      providerId: 'T1',
      providerName: 'City Hospitals Trust',
      relationships: ['director'],
      interests: [],
      interestIds: [],
      onPanel: true,
      mitigation: 'none',
      decided: [],
      scored: [
        {
          bidId: 'B-I1',
          providerId: 'I1',
          providerName: 'HealthCo Ltd',
          scores: { quality_innovation: 6, value: 7 },
          weightedScore: 6.4,
        },
        {
          bidId: 'B-PM1',
          providerId: 'PM1',
          providerName: 'Riverside Surgery',
          scores: { quality_innovation: 6, value: 6 },
          weightedScore: 6,
        },
        {
          bidId: 'B-T1',
          providerId: 'T1',
          providerName: 'City Hospitals Trust',
          scores: { quality_innovation: 9, value: 8 },
          weightedScore: 8.6,
        },
      ],
    });
    expect(flags[0].summary).toMatch(/Dr Alice Adams.*City Hospitals Trust.*director.*scored 3 bids/);
  });

  it.each(['exclude_from_evaluation', 'exclude_entirely'] as const)(
    'is silent for a scorer excluded by %s',
    (mitigation) => {
      const f = withMitigation(buyFacts(), 'alice', mitigation);
      f.affiliations = [{ personId: 'alice', providerId: 'T1', relationship: 'partner' }];
      expect(checkConflictedParticipant(f)).toEqual([]);
    },
  );

  it('still fires for a scorer excluded only from decision', () => {
    const f = withMitigation(buyFacts(), 'alice', 'exclude_from_decision');
    f.affiliations = [{ personId: 'alice', providerId: 'T1', relationship: 'partner' }];
    f.decisions.push({ personId: 'alice', event: 'DECIDE_BUY', at: '2025-04-01T09:00:00+01:00' });
    const [flag] = checkConflictedParticipant(f);
    expect(flag.evidence).toMatchObject({ mitigation: 'exclude_from_decision', decided: [] });
    expect((flag.evidence.scored as unknown[]).length).toBe(3);
  });

  it('treats an unreviewed declaration (mitigation null) as not excluded', () => {
    const f = withMitigation(buyFacts(), 'bob', null);
    f.affiliations = [{ personId: 'bob', providerId: 'T1', relationship: 'employee' }];
    const [flag] = checkConflictedParticipant(f);
    expect(flag.evidence).toMatchObject({ personId: 'bob', mitigation: null, onPanel: true });
  });

  it('fires for a decider off the panel whose register interest names the awardee, listing the events', () => {
    const f = buyFacts();
    f.interests = [{ id: 'int-9', personId: 'dave', providerId: 'T1', category: 'financial' }];
    const flags = checkConflictedParticipant(f);
    expect(flags).toHaveLength(1);
    expect(flags[0].evidence).toMatchObject({
      personId: 'dave',
      personName: 'Dave Davies',
      providerId: 'T1',
      relationships: [],
      interests: [{ interestId: 'int-9', category: 'financial' }],
      interestIds: ['int-9'],
      onPanel: false,
      mitigation: null,
      decided: [
        { event: 'DECIDE_BUY', at: '2025-04-01T09:00:00+01:00' },
        { event: 'PROPOSE_AWARD', at: '2025-06-14T09:00:00+01:00' },
      ],
      scored: [],
    });
    expect(flags[0].summary).toContain('not on the panel');
  });

  it('is silent for a panel member excluded from decision who only decided', () => {
    const f = withMitigation(buyFacts(), 'carol', 'exclude_entirely');
    f.interests = [{ id: 'int-1', personId: 'carol', providerId: 'T1', category: 'indirect' }];
    f.decisions.push({ personId: 'carol', event: 'DECIDE_BUY', at: '2025-04-01T09:00:00+01:00' });
    expect(checkConflictedParticipant(f)).toEqual([]);
  });

  it('counts the proposer as a decider even when the proposal event is missing from decisions', () => {
    const f = buyFacts();
    f.decisions = [];
    f.affiliations = [{ personId: 'dave', providerId: 'T1', relationship: 'family' }];
    const [flag] = checkConflictedParticipant(f);
    expect(flag.evidence.decided).toEqual([{ event: 'PROPOSE_AWARD', at: null }]);
  });

  it('ignores links to providers that are not awardees', () => {
    const f = buyFacts();
    f.affiliations = [{ personId: 'alice', providerId: 'I1', relationship: 'partner' }];
    f.interests = [{ id: 'int-2', personId: 'bob', providerId: 'PM1', category: 'financial' }];
    expect(checkConflictedParticipant(f)).toEqual([]);
  });

  it('raises one flag per (person, awardee), merging affiliation and interest links', () => {
    const f = makeFacts();
    f.decisions.push({ personId: 'alice', event: 'DECIDE_MAKE', at: '2025-06-14T08:00:00Z' });
    f.affiliations = [
      { personId: 'alice', providerId: 'PM1', relationship: 'partner' },
      { personId: 'alice', providerId: 'PM1', relationship: 'shareholder' },
      { personId: 'alice', providerId: 'PM2', relationship: 'family' },
    ];
    f.interests = [{ id: 'int-3', personId: 'alice', providerId: 'PM1', category: 'financial' }];
    const flags = checkConflictedParticipant(f);
    expect(flags.map((x) => [x.evidence.personId, x.evidence.providerId])).toEqual([
      ['alice', 'PM1'],
      ['alice', 'PM2'],
    ]);
    expect(flags[0].evidence).toMatchObject({ relationships: ['partner', 'shareholder'], interestIds: ['int-3'] });
    expect(flags[0].evidence.decided).toEqual([{ event: 'DECIDE_MAKE', at: '2025-06-14T08:00:00Z' }]);
  });
});
