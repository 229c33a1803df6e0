/** fast-check arbitraries for the award checks: consistent random facts, and a deterministic shuffle. */
import fc from 'fast-check';
import { CRITERION_KEYS, MITIGATIONS } from '../../case/case.types';
import type { Criterion } from '../../case/case.types';
import { INTEREST_CATEGORIES, RELATIONSHIPS } from '../flag.types';
import type { AwardFacts } from '../flag.types';
import { weightedScore } from '../scoring';

const PROVIDERS = ['P0', 'P1', 'P2', 'P3', 'P4', 'P5'];
const PEOPLE = ['u0', 'u1', 'u2', 'u3', 'u4'];
const CASES = ['case-x', 'k1', 'k2', 'k3', 'k4', 'k5'];

export const criteriaArb: fc.Arbitrary<Criterion[]> = fc.subarray([...CRITERION_KEYS], { minLength: 1 }).chain((keys) =>
  fc.array(fc.integer({ min: 1, max: 20 }), { minLength: keys.length, maxLength: keys.length }).map((raw) => {
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((r) => Math.max(1, Math.floor((r * 100) / total)));
    weights[0] += 100 - weights.reduce((a, b) => a + b, 0);
    return keys.map((key, i) => ({ key, weight: weights[i] }));
  }),
);

const scoreArb = fc.integer({ min: 0, max: 20 }).map((n) => n / 2);
const instantArb = fc
  .integer({ min: Date.parse('2023-01-01T00:00:00Z'), max: Date.parse('2025-12-31T00:00:00Z') })
  .map((t) => new Date(t).toISOString());

/** Arbitrary consistent facts: any mix of affiliations, interests, mitigations, scores and awards. */
export const awardFactsArb: fc.Arbitrary<AwardFacts> = fc
  .record({
    kind: fc.constantFrom('make' as const, 'buy' as const),
    memberships: fc.array(fc.constantFrom('C1', 'C2', null), {
      minLength: PROVIDERS.length,
      maxLength: PROVIDERS.length,
    }),
    panelIds: fc.subarray(PEOPLE, { minLength: 1 }),
    mitigations: fc.array(fc.constantFrom(null, ...MITIGATIONS), {
      minLength: PEOPLE.length,
      maxLength: PEOPLE.length,
    }),
    nilReturns: fc.array(fc.boolean(), { minLength: PEOPLE.length, maxLength: PEOPLE.length }),
    affiliations: fc.uniqueArray(
      fc.record({
        personId: fc.constantFrom(...PEOPLE),
        providerId: fc.constantFrom(...PROVIDERS),
        relationship: fc.constantFrom(...RELATIONSHIPS),
      }),
      { maxLength: 6, selector: (a) => `${a.personId}/${a.providerId}/${a.relationship}` },
    ),
    interests: fc.array(
      fc.record({
        personId: fc.constantFrom(...PEOPLE),
        providerId: fc.constantFrom(null, ...PROVIDERS),
        category: fc.constantFrom(...INTEREST_CATEGORIES),
        declared: fc.boolean(),
      }),
      { maxLength: 6 },
    ),
    decisions: fc.array(
      fc.record({
        personId: fc.constantFrom(...PEOPLE),
        event: fc.constantFrom('DECIDE_MAKE' as const, 'DECIDE_BUY' as const, 'PROPOSE_AWARD' as const),
        at: instantArb,
      }),
      { maxLength: 4 },
    ),
    bidders: fc.uniqueArray(fc.constantFrom(...PROVIDERS), { minLength: 1, maxLength: 5 }),
    criteria: criteriaArb,
    scoreValues: fc.array(scoreArb, { minLength: 150, maxLength: 150 }),
    skipScores: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
    proposedIndex: fc.nat(),
    makeAwardees: fc.subarray(PROVIDERS, { minLength: 1, maxLength: 3 }),
    proposer: fc.constantFrom(...PEOPLE),
    earlierAwards: fc.array(
      fc.record({
        caseId: fc.constantFrom(...CASES),
        providerIds: fc.subarray(PROVIDERS, { minLength: 1, maxLength: 2 }),
        value: fc.integer({ min: 0, max: 1000 }),
        /** days before now (negative: after now) */
        daysBefore: fc.integer({ min: -20, max: 450 }),
      }),
      { maxLength: 8 },
    ),
    now: instantArb,
  })
  .map((r) => {
    const buy = r.kind === 'buy';
    const bids = buy ? r.bidders.map((p) => ({ id: `B-${p}`, providerId: p, price: 1000 })) : [];
    const panel = r.panelIds.map((personId) => {
      const i = PEOPLE.indexOf(personId);
      return {
        personId,
        name: `Person ${personId}`,
        mitigation: r.mitigations[i],
        declaredInterestIds: [] as string[],
        nilReturn: r.nilReturns[i],
      };
    });
    const interests = r.interests.map((x, i) => ({
      id: `int-${i}`,
      personId: x.personId,
      providerId: x.providerId,
      category: x.category,
    }));
    r.interests.forEach((x, i) => {
      const m = panel.find((p) => p.personId === x.personId);
      if (m && x.declared) m.declaredInterestIds.push(`int-${i}`);
    });
    let k = 0;
    const scores = bids.flatMap((b) =>
      panel
        .filter(() => !r.skipScores[k++ % r.skipScores.length])
        .map((m) => ({
          bidId: b.id,
          evaluatorId: m.personId,
          scores: Object.fromEntries(r.criteria.map((c) => [c.key, r.scoreValues[k++ % r.scoreValues.length]])),
        })),
    );
    const proposedBid = buy ? bids[r.proposedIndex % bids.length] : undefined;
    const facts: AwardFacts = {
      caseId: 'case-x',
      consortiumId: 'C1',
      now: r.now,
      proposal: {
        seq: 1,
        kind: r.kind,
        ...(proposedBid ? { bidId: proposedBid.id } : {}),
        awardeeProviderIds: proposedBid ? [proposedBid.providerId] : r.makeAwardees,
        proposedBy: r.proposer,
      },
      providers: PROVIDERS.map((id, i) => ({ id, name: `Provider ${id}`, memberOfConsortiumId: r.memberships[i] })),
      panel,
      people: PEOPLE.map((id) => ({ id, name: `Person ${id}` })),
      affiliations: r.affiliations,
      interests,
      decisions: r.decisions,
      bids,
      criteria: buy ? r.criteria : [],
      scores,
      earlierAwards: r.earlierAwards.map(({ daysBefore, ...a }) => ({
        ...a,
        awardedAt: new Date(Date.parse(r.now) - daysBefore * 86_400_000).toISOString(),
      })),
      proposedValue: 5000,
    };
    return facts;
  });

/**
 * A clean competitive case: every bidder is outside consortium C1, nobody has an affiliation or
 * an interest, every panel member scored every bid, and the proposed bid is one of the top-ranked.
 */
export const cleanBuyFactsArb: fc.Arbitrary<AwardFacts> = fc
  .record({
    bidders: fc.uniqueArray(fc.constantFrom(...PROVIDERS), { minLength: 2, maxLength: 6 }),
    memberships: fc.array(fc.constantFrom('C2', null), { minLength: PROVIDERS.length, maxLength: PROVIDERS.length }),
    panelIds: fc.subarray(PEOPLE, { minLength: 2 }),
    mitigations: fc.array(fc.constantFrom(null, ...MITIGATIONS), {
      minLength: PEOPLE.length,
      maxLength: PEOPLE.length,
    }),
    criteria: criteriaArb,
    scoreValues: fc.array(scoreArb, { minLength: 150, maxLength: 150 }),
    pick: fc.nat(),
    proposer: fc.constantFrom(...PEOPLE),
    now: instantArb,
  })
  .map((r) => {
    const bids = r.bidders.map((p) => ({ id: `B-${p}`, providerId: p, price: 1000 }));
    const panel = r.panelIds.map((personId) => ({
      personId,
      name: `Person ${personId}`,
      mitigation: r.mitigations[PEOPLE.indexOf(personId)],
      declaredInterestIds: [] as string[],
      nilReturn: true,
    }));
    let k = 0;
    const scores = bids.flatMap((b) =>
      panel.map((m) => ({
        bidId: b.id,
        evaluatorId: m.personId,
        scores: Object.fromEntries(r.criteria.map((c) => [c.key, r.scoreValues[k++ % r.scoreValues.length]])),
      })),
    );
    const weighted = bids.map(
      (b) =>
        weightedScore(
          r.criteria,
          scores.filter((s) => s.bidId === b.id),
        ) as number,
    );
    const top = Math.max(...weighted);
    const tops = bids.filter((_, i) => weighted[i] === top);
    const proposed = tops[r.pick % tops.length];
    const facts: AwardFacts = {
      caseId: 'case-x',
      consortiumId: 'C1',
      now: r.now,
      proposal: {
        seq: 1,
        kind: 'buy',
        bidId: proposed.id,
        awardeeProviderIds: [proposed.providerId],
        proposedBy: r.proposer,
      },
      providers: PROVIDERS.map((id, i) => ({ id, name: `Provider ${id}`, memberOfConsortiumId: r.memberships[i] })),
      panel,
      people: PEOPLE.map((id) => ({ id, name: `Person ${id}` })),
      affiliations: [],
      interests: [],
      decisions: [
        { personId: r.proposer, event: 'DECIDE_BUY', at: r.now },
        { personId: r.proposer, event: 'PROPOSE_AWARD', at: r.now },
      ],
      bids,
      criteria: r.criteria,
      scores,
      earlierAwards: [],
      proposedValue: 5000,
    };
    return facts;
  });

/** Deterministic Fisher-Yates shuffle driven by a seed (a small LCG). */
export function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let x = (seed | 0) >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = (x >>> 8) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The same facts with every array (and nested array, and score-sheet key order) shuffled. */
export function shuffleFacts(f: AwardFacts, seed: number): AwardFacts {
  let s = seed;
  const sh = <T>(xs: readonly T[]): T[] => shuffle(xs, ++s * 7919);
  return {
    ...f,
    proposal: { ...f.proposal, awardeeProviderIds: sh(f.proposal.awardeeProviderIds) },
    providers: sh(f.providers),
    panel: sh(f.panel.map((m) => ({ ...m, declaredInterestIds: sh(m.declaredInterestIds) }))),
    people: sh(f.people),
    affiliations: sh(f.affiliations),
    interests: sh(f.interests),
    decisions: sh(f.decisions),
    bids: sh(f.bids),
    criteria: sh(f.criteria),
    scores: sh(f.scores.map((x) => ({ ...x, scores: Object.fromEntries(sh(Object.entries(x.scores))) }))),
    earlierAwards: sh(f.earlierAwards.map((a) => ({ ...a, providerIds: sh(a.providerIds) }))),
  };
}
