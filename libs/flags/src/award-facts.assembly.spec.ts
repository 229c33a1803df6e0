import fc from 'fast-check';
import { AwardFactsError, FLAG_CODES, runAwardChecks, type Proposal, type RaisedFlag } from '@makebuy/domain';
import {
  assembleAwardFacts,
  enrichFlag,
  flagDedupeKey,
  lookupFor,
  peopleInvolved,
  providersReferenced,
  type AwardFactsInput,
} from './award-facts.assembly';

const POLICY = {
  scoringBiasMargin: 2,
  concentrationShare: 0.5,
  concentrationWindowMonths: 12,
  concentrationMinimumEarlierAwards: 3,
};
const NOW = new Date('2025-06-16T09:00:00Z');
const all = (v: number) => ({
  quality_innovation: v,
  value: v,
  integration_collaboration_sustainability: v,
  access_inequalities_choice: v,
  social_value: v,
});

const buyProposal = (over: Partial<Proposal> = {}): Proposal => ({
  seq: 1,
  kind: 'buy',
  bidId: 'bid-trust',
  providerIds: [],
  justification: 'best value',
  proposedBy: 'claire',
  proposedAt: '2025-06-15T09:00:00Z',
  ...over,
});

/** Consortium C (Riverside GP Consortium): member practice PM1 (Riverside Medical Practice, where
 * Paul is a partner); outside trust T1. Panel Paul, Nina, Lay; Claire decided and proposed. */
function input(over: Partial<AwardFactsInput> = {}): AwardFactsInput {
  return {
    caseId: 'case-1',
    consortiumId: 'C',
    now: NOW,
    proposal: buyProposal(),
    proposalSeq: 1,
    criteria: [
      { key: 'quality_innovation', weight: 30 },
      { key: 'value', weight: 30 },
      { key: 'integration_collaboration_sustainability', weight: 20 },
      { key: 'access_inequalities_choice', weight: 10 },
      { key: 'social_value', weight: 10 },
    ],
    estimatedAnnualValue: 250000,
    participants: [
      { personId: 'paul', mitigation: 'none', declaredInterestIds: [], nilReturn: true },
      { personId: 'nina', mitigation: 'none', declaredInterestIds: [], nilReturn: true },
      { personId: 'lay', mitigation: 'none', declaredInterestIds: [], nilReturn: true },
    ],
    interests: [],
    decisions: [
      { personId: 'claire', event: 'DECIDE_BUY', at: '2025-05-01T09:00:00Z' },
      { personId: 'claire', event: 'PROPOSE_AWARD', at: '2025-06-15T09:00:00Z' },
    ],
    bids: [
      { id: 'bid-trust', providerId: 'T1', price: 200000 },
      { id: 'bid-pm1', providerId: 'PM1', price: 190000 },
    ],
    scores: [
      { bidId: 'bid-trust', evaluatorId: 'paul', scores: all(7) },
      { bidId: 'bid-trust', evaluatorId: 'nina', scores: all(8) },
      { bidId: 'bid-trust', evaluatorId: 'lay', scores: all(8) },
      { bidId: 'bid-pm1', evaluatorId: 'paul', scores: all(9) },
      { bidId: 'bid-pm1', evaluatorId: 'nina', scores: all(5) },
      { bidId: 'bid-pm1', evaluatorId: 'lay', scores: all(5) },
    ],
    people: [
      { id: 'paul', name: 'Dr Paul Partner' },
      { id: 'nina', name: 'Dr Nina Neutral' },
      { id: 'lay', name: 'Ms Lay Member' },
      { id: 'claire', name: 'Dr Claire Commissioner' },
    ],
    affiliations: [{ personId: 'paul', providerId: 'PM1', relationship: 'partner' }],
    providers: [
      { id: 'PM1', name: 'Riverside Medical Practice', memberOfConsortiumId: 'C' },
      { id: 'T1', name: 'City Hospitals NHS Trust', memberOfConsortiumId: null },
    ],
    earlierAwards: [],
    ...over,
  };
}

describe('assembleAwardFacts', () => {
  it('on the buy route the awardee is the proposed bid’s provider and the value its price', () => {
    const facts = assembleAwardFacts(input());
    expect(facts.proposal).toEqual({
      seq: 1,
      kind: 'buy',
      bidId: 'bid-trust',
      awardeeProviderIds: ['T1'],
      proposedBy: 'claire',
    });
    expect(facts.proposedValue).toBe(200000);
    expect(facts.now).toBe(NOW.toISOString());
    expect(facts.panel.map((m) => m.name)).toEqual(['Dr Paul Partner', 'Dr Nina Neutral', 'Ms Lay Member']);
    expect(facts.scores).toHaveLength(6);
    expect(facts.criteria).toHaveLength(5);
  });

  it('on the make route the awardees are the named practices, the value the estimate; no bids or scores', () => {
    const facts = assembleAwardFacts(
      input({
        proposal: {
          ...buyProposal(),
          kind: 'make',
          bidId: undefined,
          providerIds: ['PM1'],
          psrProcess: 'direct_award_c',
        },
      }),
    );
    expect(facts.proposal.awardeeProviderIds).toEqual(['PM1']);
    expect(facts.proposal.bidId).toBeUndefined();
    expect(facts.proposedValue).toBe(250000);
    expect(facts.bids).toEqual([]);
    expect(facts.scores).toEqual([]);
    expect(facts.criteria).toEqual([]);
  });

  it('fails closed when the proposal cannot be checked', () => {
    expect(() => assembleAwardFacts(input({ proposal: null }))).toThrow(AwardFactsError);
    expect(() => assembleAwardFacts(input({ proposalSeq: 2 }))).toThrow(AwardFactsError);
    expect(() => assembleAwardFacts(input({ proposal: buyProposal({ bidId: 'withdrawn' }) }))).toThrow(
      /not a live bid/,
    );
    expect(() =>
      assembleAwardFacts(input({ proposal: { ...buyProposal(), kind: 'make', bidId: undefined, providerIds: [] } })),
    ).toThrow(/names no provider/);
  });

  it('drops scores of bids that are no longer live and system actors from the deciders', () => {
    const facts = assembleAwardFacts(
      input({
        scores: [...input().scores, { bidId: 'withdrawn', evaluatorId: 'nina', scores: all(1) }],
        decisions: [...input().decisions, { personId: 'system:deadlines', event: 'DECIDE_BUY', at: NOW.toISOString() }],
      }),
    );
    expect(facts.scores.some((s) => s.bidId === 'withdrawn')).toBe(false);
    expect(facts.decisions.some((d) => d.personId.startsWith('system:'))).toBe(false);
  });

  it('feeds the pure rules: the GP partner who scored their own practice', () => {
    const facts = assembleAwardFacts(input({ proposal: buyProposal({ bidId: 'bid-pm1' }) }));
    const codes = runAwardChecks(facts, POLICY).map((f) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'MEMBER_PRACTICE_AWARD',
        'CONFLICTED_PARTICIPANT',
        'UNDECLARED_AFFILIATION',
        'SCORING_BIAS',
      ]),
    );
  });

  it('a clean award to the top-ranked outside provider raises nothing', () => {
    const scores = input().scores.map((s) => (s.bidId === 'bid-pm1' ? { ...s, scores: all(5) } : s));
    const facts = assembleAwardFacts(input({ affiliations: [], scores }));
    expect(runAwardChecks(facts, POLICY)).toEqual([]);
  });
});

describe('peopleInvolved and providersReferenced', () => {
  it('lists panel, deciders, scorers and the proposer once each, without system actors', () => {
    const i = input({ decisions: [...input().decisions, { personId: 'system:x', event: 'DECIDE_BUY', at: 'x' }] });
    expect(peopleInvolved({ ...i, proposal: i.proposal! })).toEqual(['claire', 'lay', 'nina', 'paul']);
  });
  it('lists awardees, bidders, affiliated, interest and earlier-award providers', () => {
    const i = input({
      interests: [{ id: 'i1', personId: 'nina', providerId: 'X', category: 'financial' }],
      earlierAwards: [{ caseId: 'old', providerIds: ['Y'], value: 1, awardedAt: '2025-01-01T00:00:00Z' }],
    });
    expect(providersReferenced({ ...i, proposal: i.proposal! })).toEqual(['PM1', 'T1', 'X', 'Y']);
  });
});

describe('flagDedupeKey', () => {
  const flag = (code: RaisedFlag['code'], evidence: Record<string, unknown>) => ({ code, evidence });

  it('names the proposal, the code and the subject of the finding', () => {
    expect(flagDedupeKey(3, flag('MEMBER_PRACTICE_AWARD', { providerId: 'PM1' }))).toBe('p3/MEMBER_PRACTICE_AWARD/PM1');
    expect(flagDedupeKey(1, flag('CONFLICTED_PARTICIPANT', { personId: 'paul', providerId: 'PM1' }))).toBe(
      'p1/CONFLICTED_PARTICIPANT/paul/PM1',
    );
    expect(flagDedupeKey(1, flag('SCORING_BIAS', { evaluatorId: 'paul', bidId: 'b' }))).toBe('p1/SCORING_BIAS/paul/b');
    expect(flagDedupeKey(1, flag('NOT_TOP_RANKED', { proposedBid: { bidId: 'b' } }))).toBe('p1/NOT_TOP_RANKED/b');
  });

  it('falls back to a hash of the evidence, independent of key order', () => {
    const a = flagDedupeKey(1, flag('DEADLINE_BREACH', { a: 1, b: 2 }));
    const b = flagDedupeKey(1, flag('DEADLINE_BREACH', { b: 2, a: 1 }));
    expect(a).toBe(b);
    expect(a).toMatch(/^p1\/DEADLINE_BREACH\/[0-9a-f]{32}$/);
  });

  it('every flag the rules raise for one proposal has its own key (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          pm1Scores: fc.integer({ min: 0, max: 10 }),
          trustScores: fc.integer({ min: 0, max: 10 }),
          paulOnPm1: fc.integer({ min: 0, max: 10 }),
          proposeOwnPractice: fc.boolean(),
          declared: fc.boolean(),
        }),
        (r) => {
          const base = input();
          const facts = assembleAwardFacts(
            input({
              proposal: buyProposal({ bidId: r.proposeOwnPractice ? 'bid-pm1' : 'bid-trust' }),
              participants: base.participants.map((m) =>
                m.personId === 'paul' && r.declared ? { ...m, declaredInterestIds: ['i-paul'], nilReturn: false } : m,
              ),
              interests: r.declared
                ? [{ id: 'i-paul', personId: 'paul', providerId: 'PM1', category: 'financial' }]
                : [],
              scores: [
                { bidId: 'bid-trust', evaluatorId: 'paul', scores: all(r.trustScores) },
                { bidId: 'bid-trust', evaluatorId: 'nina', scores: all(r.trustScores) },
                { bidId: 'bid-trust', evaluatorId: 'lay', scores: all(r.trustScores) },
                { bidId: 'bid-pm1', evaluatorId: 'paul', scores: all(r.paulOnPm1) },
                { bidId: 'bid-pm1', evaluatorId: 'nina', scores: all(r.pm1Scores) },
                { bidId: 'bid-pm1', evaluatorId: 'lay', scores: all(r.pm1Scores) },
              ],
            }),
          );
          const keys = runAwardChecks(facts, POLICY).map((f) => flagDedupeKey(1, f));
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
    );
  });

  it('covers every code', () => {
    for (const code of FLAG_CODES) expect(flagDedupeKey(1, flag(code, {}))).toMatch(new RegExp(`^p1/${code}/`));
  });
});

describe('enrichFlag', () => {
  it('adds names the rules leave as ids and replaces the consortium id in the summary', () => {
    const i = input({
      proposal: buyProposal({ bidId: 'bid-pm1' }),
      earlierAwards: [
        { caseId: 'o1', providerIds: ['PM1'], value: 300, awardedAt: '2025-01-01T00:00:00Z' },
        { caseId: 'o2', providerIds: ['PM1'], value: 300, awardedAt: '2025-02-01T00:00:00Z' },
        { caseId: 'o3', providerIds: ['T1'], value: 100, awardedAt: '2025-03-01T00:00:00Z' },
      ],
    });
    const look = lookupFor(i, 'Riverside GP Consortium');
    const flags = runAwardChecks(assembleAwardFacts(i), POLICY).map((f) => enrichFlag(f, look));
    const byCode = new Map(flags.map((f) => [f.code, f]));

    const member = byCode.get('MEMBER_PRACTICE_AWARD')!;
    expect(member.summary).toContain('Riverside GP Consortium');
    expect(member.summary).not.toContain(' C.');
    expect(member.evidence).toMatchObject({
      consortiumName: 'Riverside GP Consortium',
      providerName: 'Riverside Medical Practice',
    });

    const bias = byCode.get('SCORING_BIAS')!;
    expect(bias.evidence).toMatchObject({
      evaluatorName: 'Dr Paul Partner',
      otherEvaluators: expect.arrayContaining([{ id: 'nina', name: 'Dr Nina Neutral' }]),
    });

    const concentration = byCode.get('AWARD_CONCENTRATION')!;
    expect(concentration.evidence.awardeeAwards).toEqual([
      {
        caseId: 'o1',
        value: 300,
        awardedAt: '2025-01-01T00:00:00Z',
        providers: [{ id: 'PM1', name: 'Riverside Medical Practice' }],
      },
      {
        caseId: 'o2',
        value: 300,
        awardedAt: '2025-02-01T00:00:00Z',
        providers: [{ id: 'PM1', name: 'Riverside Medical Practice' }],
      },
    ]);

    const undeclared = byCode.get('UNDECLARED_AFFILIATION')!;
    expect(undeclared.evidence).toMatchObject({
      personName: 'Dr Paul Partner',
      relationships: ['partner'],
      declaredInterests: [],
    });
  });

  it('describes declared interests', () => {
    const i = input({
      proposal: buyProposal({ bidId: 'bid-pm1' }),
      participants: input().participants.map((m) =>
        m.personId === 'paul' ? { ...m, declaredInterestIds: ['i-paul'], nilReturn: false } : m,
      ),
      interests: [
        { id: 'i-paul', personId: 'paul', providerId: 'PM1', category: 'financial', description: 'Partner, 25% share' },
      ],
    });
    const flags = runAwardChecks(assembleAwardFacts(i), POLICY).map((f) => enrichFlag(f, lookupFor(i, null)));
    const conflicted = flags.find((f) => f.code === 'CONFLICTED_PARTICIPANT')!;
    expect(conflicted.evidence.interestDetails).toEqual([
      {
        interestId: 'i-paul',
        category: 'financial',
        providerId: 'PM1',
        providerName: 'Riverside Medical Practice',
        description: 'Partner, 25% share',
      },
    ]);
    expect(flags.some((f) => f.code === 'UNDECLARED_AFFILIATION')).toBe(false);
  });
});
