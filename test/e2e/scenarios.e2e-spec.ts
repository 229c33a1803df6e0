/**
 * A corpus of whole cases played through the API, from a fresh directory to where the
 * favouritism rules say each must end. Time runs a million times faster (tenders close, and
 * standstills end, within seconds). Each scenario gets its own consortium (`world()`).
 */
import { DataSource } from 'typeorm';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, Person, World } from '../support/given';
import { QUEUES, QueueGateway } from '@makebuy/queue';

jest.setTimeout(120_000);

type Flag = {
  id: string;
  caseId: string;
  consortiumId: string;
  proposalSeq: number;
  code: string;
  severity: string;
  status: string;
  summary: string;
  evidence: Record<string, unknown>;
  resolution: string | null;
  justification: string | null;
};
type CaseBody = {
  id: string;
  state: string;
  version: number;
  route: string | null;
  proposal: { seq: number; kind: string; bidId?: string; providerIds: string[] } | null;
  flags: Flag[];
  awardChecks: { status: string; attempts: number; lastError: string | null; proposalSeq: number } | null;
  allowedEvents: string[];
};

describe('scenarios: whole cases through the favouritism checks', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let db: DataSource;
  const played: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ suite: 'scenarios', timeAcceleration: 1_000_000 });
    g = given(t);
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  // ---- helpers: the steps a commissioner, panel and governance officer take ----

  const view = async (w: World, caseId: string): Promise<CaseBody> => {
    const res = await g.get(w.governance.token, `/cases/${caseId}`);
    expect(res.status).toBe(200);
    return res.body as CaseBody;
  };

  /** The award-check flags of the case's current proposal (deadline breaches left out). */
  const checkFlags = (c: CaseBody) =>
    c.flags.filter((f) => f.code !== 'DEADLINE_BREACH' && f.proposalSeq === c.proposal?.seq);
  const codesOf = (flags: Flag[]) => [...new Set(flags.map((f) => f.code))].sort();

  /** Publishes a tender closing in a few seconds, submits the bids at once, waits for evaluation. */
  async function tender(
    w: World,
    bids: { provider: { id: string }; price?: number }[],
    opts: { mitigations?: Record<string, string>; over?: Record<string, unknown> } = {},
  ): Promise<{ caseId: string; bidIds: string[] }> {
    const c = await g.caseInRouteDecision(w, opts.over, opts.mitigations);
    played.push(c.id);
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_BUY',
      criteria: g.criteria,
      tenderClosesAt: () => new Date(Date.now() + 3500).toISOString(),
    });
    const bidIds: string[] = [];
    for (const b of bids) bidIds.push((await g.bid(w.providerUsers[b.provider.id], c.id, b.price ?? 200000)).id);
    await g.waitForState(w.governance.token, c.id, 'evaluation');
    return { caseId: c.id, bidIds };
  }

  /** Every evaluator in `scorers` (default: the whole panel) scores every bid; scores by bid index. */
  async function scoreAll(
    w: World,
    caseId: string,
    bidIds: string[],
    scores: (evaluator: Person, bidIndex: number) => number,
    scorers: Person[] = w.panel,
  ) {
    for (const e of scorers) for (const [i, bidId] of bidIds.entries()) await g.score(e, caseId, bidId, scores(e, i));
  }

  async function propose(w: World, caseId: string, bidId: string, by: Person = w.decider) {
    const res = await g.event(by.token, caseId, { type: 'PROPOSE_AWARD', bidId, justification: 'best overall' });
    expect(res.body.state).toBe('award_checks');
    return res.body as CaseBody;
  }

  /** Waits until the worker has run the checks for the current proposal. */
  async function checked(w: World, caseId: string): Promise<CaseBody> {
    return eventually(async () => {
      const c = await view(w, caseId);
      return c.state !== 'award_checks' && c.awardChecks?.status === 'done' ? c : null;
    }, 20000);
  }

  async function resolve(w: World, flagId: string, resolution: 'accepted' | 'upheld', expectStatus = 200) {
    return g.post(
      w.governance.token,
      `/flags/${flagId}/resolve`,
      { resolution, justification: `governance ${resolution} it` },
      expectStatus,
    );
  }

  async function history(w: World, caseId: string) {
    const res = await g.get(w.governance.token, `/cases/${caseId}/history?limit=200`);
    expect(res.status).toBe(200);
    return res.body.items as {
      type: string;
      fromState: string | null;
      toState: string;
      actor: string;
      payload: Record<string, unknown>;
    }[];
  }

  /** Awards the case must end with (the register AWARD_CONCENTRATION reads). */
  const awardOf = async (caseId: string) =>
    (await db.query(`SELECT provider_ids, bid_id, value_amount, route FROM awards WHERE case_id = $1`, [caseId]))[0] as
      { provider_ids: string[]; bid_id: string | null; value_amount: string; route: string } | undefined;

  /** A panel member declares a register interest in a provider for the case (instead of a nil return). */
  async function declareInterest(w: World, caseId: string, member: Person, providerId: string, mitigation: string) {
    const i = await g.post(
      member.token,
      '/interests',
      { category: 'financial', providerId, description: 'Partner with a profit share', startsOn: '2020-04-01' },
      201,
    );
    const d = await g.post(
      member.token,
      `/cases/${caseId}/declarations`,
      { interestIds: [i.body.id], nilReturn: false },
      201,
    );
    await g.post(
      w.governance.token,
      `/cases/${caseId}/declarations/${d.body.id}/review`,
      { mitigation, note: 'reviewed' },
      201,
    );
    return i.body.id as string;
  }

  // ---- the corpus ----

  it('1. a clean award to an outside provider: no flags, standstill unaided, then awarded', async () => {
    const w = await g.world();
    const { caseId, bidIds } = await tender(w, [{ provider: w.trust, price: 210000 }, { provider: w.independent }]);
    await scoreAll(w, caseId, bidIds, (_e, i) => (i === 0 ? 8 : 6));
    await propose(w, caseId, bidIds[0]);
    const c = (await g.waitForState(w.governance.token, caseId, 'awarded')) as CaseBody;
    expect(checkFlags(c)).toEqual([]);
    const h = await history(w, caseId);
    const completed = h.find((e) => e.type === 'CHECKS_COMPLETED')!;
    expect(completed).toMatchObject({ fromState: 'award_checks', toState: 'standstill', actor: 'system:award-checks' });
    expect(completed.payload).toMatchObject({ blockingFlags: 0, advisoryFlags: 0 });
    expect(h.some((e) => e.type === 'APPROVE_AWARD')).toBe(false);
    expect(await awardOf(caseId)).toMatchObject({
      provider_ids: [w.trust.id],
      bid_id: bidIds[0],
      route: 'competitive',
    });
    expect(Number((await awardOf(caseId))!.value_amount)).toBe(210000);
  });

  it('2. a fair win by a member practice: MEMBER_PRACTICE_AWARD only, governance signs it off', async () => {
    const w = await g.world();
    const practice = w.memberPractices[1];
    const { caseId, bidIds } = await tender(w, [{ provider: practice }, { provider: w.trust }]);
    await scoreAll(w, caseId, bidIds, (_e, i) => (i === 0 ? 8 : 6));
    await propose(w, caseId, bidIds[0]);
    const c = await checked(w, caseId);
    expect(c.state).toBe('governance_review');
    const flags = checkFlags(c);
    expect(codesOf(flags)).toEqual(['MEMBER_PRACTICE_AWARD']);
    expect(flags[0]).toMatchObject({ severity: 'blocking', status: 'open' });
    expect(flags[0].evidence).toMatchObject({ providerId: practice.id, providerName: practice.name, bidId: bidIds[0] });
    expect(flags[0].summary).toContain(practice.name);
    await resolve(w, flags[0].id, 'accepted');
    await g.event(w.governance.token, caseId, { type: 'APPROVE_AWARD', note: 'fair competition, top-ranked' });
    await g.waitForState(w.governance.token, caseId, 'awarded');
    expect(await awardOf(caseId)).toMatchObject({ provider_ids: [practice.id] });
  });

  it('3. a GP partner scored their own practice without declaring: UNDECLARED_AFFILIATION, CONFLICTED_PARTICIPANT, SCORING_BIAS', async () => {
    const w = await g.world();
    const own = w.memberPractices[0]; // panel[0] is a partner there and made a nil return
    const { caseId, bidIds } = await tender(w, [{ provider: own }, { provider: w.trust }]);
    // the partner marks their own practice up; the others find it level with the trust
    await scoreAll(w, caseId, bidIds, (e, i) => (i === 0 ? (e.id === w.gpPartner.id ? 10 : 6) : 6));
    await propose(w, caseId, bidIds[0]);
    const c = await checked(w, caseId);
    expect(c.state).toBe('governance_review');
    const flags = checkFlags(c);
    expect(codesOf(flags)).toEqual([
      'CONFLICTED_PARTICIPANT',
      'MEMBER_PRACTICE_AWARD',
      'SCORING_BIAS',
      'UNDECLARED_AFFILIATION',
    ]);
    const by = (code: string) => flags.find((f) => f.code === code)!;
    expect(by('UNDECLARED_AFFILIATION').evidence).toMatchObject({
      personId: w.gpPartner.id,
      personName: w.gpPartner.name,
      providerId: own.id,
      providerName: own.name,
      relationships: ['partner'],
      nilReturn: true,
    });
    expect(by('CONFLICTED_PARTICIPANT').evidence).toMatchObject({
      personName: w.gpPartner.name,
      providerName: own.name,
      relationships: ['partner'],
      mitigation: 'none',
      scored: expect.arrayContaining([expect.objectContaining({ bidId: bidIds[0], weightedScore: 10 })]),
    });
    expect(by('SCORING_BIAS').evidence).toMatchObject({
      evaluatorName: w.gpPartner.name,
      providerName: own.name,
      evaluatorScore: 10,
      othersMean: 6,
      difference: 4,
      margin: 2,
      otherEvaluators: expect.arrayContaining([{ id: w.panel[1].id, name: w.panel[1].name }]),
    });
    expect(by('SCORING_BIAS').severity).toBe('advisory');
    expect(by('CONFLICTED_PARTICIPANT').summary).toContain(w.gpPartner.name);
    // governance upholds the conflict: the award is rejected, back to evaluation
    await resolve(w, by('CONFLICTED_PARTICIPANT').id, 'upheld');
    const after = await view(w, caseId);
    expect(after.state).toBe('evaluation');
    expect(after.flags.find((f) => f.code === 'CONFLICTED_PARTICIPANT')).toMatchObject({ status: 'upheld' });
  });

  it('4. an award to a lower-ranked bid: NOT_TOP_RANKED with the numbers compared', async () => {
    const w = await g.world();
    const { caseId, bidIds } = await tender(w, [
      { provider: w.trust, price: 230000 },
      { provider: w.independent, price: 180000 },
    ]);
    await scoreAll(w, caseId, bidIds, (_e, i) => (i === 0 ? 8 : 6));
    await propose(w, caseId, bidIds[1]);
    const c = await checked(w, caseId);
    expect(c.state).toBe('governance_review');
    const flags = checkFlags(c);
    expect(codesOf(flags)).toEqual(['NOT_TOP_RANKED']);
    expect(flags[0].evidence).toMatchObject({
      proposedBid: { bidId: bidIds[1], providerName: w.independent.name, weightedScore: 6, rank: 2 },
      topBids: [{ bidId: bidIds[0], providerName: w.trust.name, weightedScore: 8, rank: 1 }],
      topScore: 8,
      difference: 2,
    });
  });

  it('5. a single bid: SINGLE_BID is advisory, the case reaches standstill and is awarded unaided', async () => {
    const w = await g.world();
    const { caseId, bidIds } = await tender(w, [{ provider: w.socialEnterprise, price: 150000 }]);
    await scoreAll(w, caseId, bidIds, () => 7);
    await propose(w, caseId, bidIds[0]);
    const c = (await g.waitForState(w.governance.token, caseId, 'awarded')) as CaseBody;
    const flags = checkFlags(c);
    expect(codesOf(flags)).toEqual(['SINGLE_BID']);
    // v1.1: an open flag of an awarded case is superseded (it blocks nothing, needs no resolution)
    expect(flags[0]).toMatchObject({ severity: 'advisory', status: 'superseded', caseState: 'awarded' });
    expect(flags[0].evidence).toMatchObject({ bidCount: 1, providerName: w.socialEnterprise.name });
    expect((await history(w, caseId)).find((e) => e.type === 'CHECKS_COMPLETED')).toMatchObject({
      toState: 'standstill',
      payload: expect.objectContaining({ blockingFlags: 0, advisoryFlags: 1 }),
    });
  });

  it('6. a member practice that already won most of the consortium’s award value: AWARD_CONCENTRATION', async () => {
    const w = await g.world();
    const practice = w.memberPractices[2];
    // three earlier awards this year: two to the practice (600k of 700k)
    const earlier = [];
    for (const [provider, value, monthsAgo] of [
      [practice.id, 300000, 2],
      [practice.id, 300000, 5],
      [w.trust.id, 100000, 8],
    ] as const) {
      const c = await g.draftCase(w, { title: `Earlier service ${monthsAgo}` });
      const at = new Date();
      at.setUTCMonth(at.getUTCMonth() - monthsAgo);
      await db.query(
        `INSERT INTO awards (case_id, consortium_id, provider_ids, bid_id, value_amount, route, awarded_at)
         VALUES ($1, $2, $3::uuid[], NULL, $4, 'direct_award_c', $5)`,
        [c.id, w.consortiumId, [provider], value, at],
      );
      earlier.push(c.id);
    }
    const { caseId, bidIds } = await tender(w, [{ provider: practice }, { provider: w.trust }]);
    await scoreAll(w, caseId, bidIds, (_e, i) => (i === 0 ? 9 : 7));
    await propose(w, caseId, bidIds[0]);
    const c = await checked(w, caseId);
    expect(c.state).toBe('governance_review');
    const flags = checkFlags(c);
    expect(codesOf(flags)).toEqual(['AWARD_CONCENTRATION', 'MEMBER_PRACTICE_AWARD']);
    const concentration = flags.find((f) => f.code === 'AWARD_CONCENTRATION')!;
    expect(concentration.severity).toBe('advisory');
    expect(concentration.evidence).toMatchObject({
      providerName: practice.name,
      awardeeValue: 600000,
      totalValue: 700000,
      share: 0.8571,
      shareThreshold: 0.5,
      earlierAwardCount: 3,
    });
    expect((concentration.evidence.awardeeCaseIds as string[]).sort()).toEqual(earlier.slice(0, 2).sort());
  });

  it('7. the make route to a member practice: governance review; completes only after resolving and APPROVE_AWARD', async () => {
    const w = await g.world();
    const practice = w.memberPractices[3];
    const c0 = await g.caseInRouteDecision(w);
    played.push(c0.id);
    const decided = await g.event(w.decider.token, c0.id, {
      type: 'DECIDE_MAKE',
      providerIds: [practice.id],
      psrProcess: 'direct_award_c',
      justification: 'the practice already runs the community clinic',
    });
    expect(decided.body.state).toBe('award_checks');
    const c = await checked(w, c0.id);
    expect(c.state).toBe('governance_review');
    const flags = checkFlags(c);
    expect(codesOf(flags)).toEqual(['MEMBER_PRACTICE_AWARD']);
    expect(flags[0].evidence).toMatchObject({ proposalKind: 'make', providerName: practice.name, bidId: null });

    const refused = await g.event(w.governance.token, c0.id, { type: 'APPROVE_AWARD', note: 'ok' }, 422);
    expect(refused.body.code).toBe('OPEN_BLOCKING_FLAGS');
    await resolve(w, flags[0].id, 'accepted');
    expect((await view(w, c0.id)).state).toBe('governance_review'); // accepting is not approving
    await g.event(w.governance.token, c0.id, { type: 'APPROVE_AWARD', note: 'signed off by governance' });
    await g.waitForState(w.governance.token, c0.id, 'awarded');
    const award = await awardOf(c0.id);
    expect(award).toMatchObject({ provider_ids: [practice.id], bid_id: null, route: 'direct_award_c' });
    expect(Number(award!.value_amount)).toBe(250000); // the case's estimated annual value
  });

  it('8. an upheld blocking flag returns the case to evaluation; the next proposal’s checks pass', async () => {
    const w = await g.world();
    const { caseId, bidIds } = await tender(w, [{ provider: w.trust }, { provider: w.independent }]);
    await scoreAll(w, caseId, bidIds, (_e, i) => (i === 0 ? 8 : 6));
    await propose(w, caseId, bidIds[1]);
    const first = await checked(w, caseId);
    const notTop = checkFlags(first).find((f) => f.code === 'NOT_TOP_RANKED')!;
    await resolve(w, notTop.id, 'upheld');
    const back = await view(w, caseId);
    expect(back.state).toBe('evaluation');
    expect((await history(w, caseId)).find((e) => e.type === 'FLAG_RESOLVED')).toMatchObject({
      fromState: 'governance_review',
      toState: 'evaluation',
      payload: expect.objectContaining({ flagId: notTop.id, resolution: 'upheld' }),
    });
    // bids and scores are kept: propose the top-ranked bid this time
    const second = await propose(w, caseId, bidIds[0]);
    expect(second.proposal!.seq).toBe(2);
    const c = (await g.waitForState(w.governance.token, caseId, 'awarded')) as CaseBody;
    expect(checkFlags(c)).toEqual([]);
    // the first proposal's flag stays on record
    expect(c.flags.find((f) => f.id === notTop.id)).toMatchObject({ status: 'upheld', proposalSeq: 1 });
  });

  it('9. REJECT_AWARD, then a new proposal whose checks pass', async () => {
    const w = await g.world();
    const practice = w.memberPractices[4];
    const { caseId, bidIds } = await tender(w, [{ provider: practice }, { provider: w.trust }]);
    await scoreAll(w, caseId, bidIds, () => 7); // a tie for first
    await propose(w, caseId, bidIds[0]);
    const reviewed = await checked(w, caseId);
    expect(reviewed.state).toBe('governance_review');
    expect(codesOf(checkFlags(reviewed))).toEqual(['MEMBER_PRACTICE_AWARD']);
    await g.event(w.governance.token, caseId, { type: 'REJECT_AWARD', reason: 'prefer the trust for integration' });
    expect((await view(w, caseId)).state).toBe('evaluation');
    await propose(w, caseId, bidIds[1]); // the tie is not NOT_TOP_RANKED
    const c = (await g.waitForState(w.governance.token, caseId, 'awarded')) as CaseBody;
    expect(checkFlags(c)).toEqual([]);
    // the rejected proposal's flag stays on record, superseded (v1.1): it no longer blocks
    expect(c.flags.find((f) => f.code === 'MEMBER_PRACTICE_AWARD')).toMatchObject({
      proposalSeq: 1,
      status: 'superseded',
    });
    expect(await awardOf(caseId)).toMatchObject({ provider_ids: [w.trust.id] });
  });

  it('10. APPROVE_AWARD is refused with OPEN_BLOCKING_FLAGS until every blocking flag is resolved', async () => {
    const w = await g.world();
    const own = w.memberPractices[0];
    const { caseId, bidIds } = await tender(w, [{ provider: own }, { provider: w.independent }]);
    // everyone, the undeclared partner too, finds the partner's practice best
    await scoreAll(w, caseId, bidIds, (_e, i) => (i === 0 ? 8 : 6));
    await propose(w, caseId, bidIds[0]);
    const c = await checked(w, caseId);
    const blocking = checkFlags(c).filter((f) => f.severity === 'blocking');
    expect(codesOf(blocking)).toEqual(['CONFLICTED_PARTICIPANT', 'MEMBER_PRACTICE_AWARD', 'UNDECLARED_AFFILIATION']);
    expect(c.allowedEvents).toContain('APPROVE_AWARD');
    for (const f of blocking) {
      const refused = await g.event(w.governance.token, caseId, { type: 'APPROVE_AWARD', note: 'go' }, 422);
      expect(refused.body).toMatchObject({ code: 'OPEN_BLOCKING_FLAGS', status: 422 });
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      expect((await view(w, caseId)).state).toBe('governance_review');
      await resolve(w, f.id, 'accepted');
    }
    await g.event(w.governance.token, caseId, { type: 'APPROVE_AWARD', note: 'every finding accepted' });
    await g.waitForState(w.governance.token, caseId, 'awarded');
  });

  it('11. CANCEL during award_checks: the checks never run for it and raise nothing', async () => {
    const w = await g.world();
    // the award-checks queue is paused: the job waits while the case is cancelled
    const queue = t.app.get(QueueGateway).queue(QUEUES.awardChecks);
    const c0 = await g.caseInRouteDecision(w);
    played.push(c0.id);
    await queue.pause();
    try {
      await g.event(w.decider.token, c0.id, {
        type: 'DECIDE_MAKE',
        providerIds: [w.memberPractices[1].id],
        psrProcess: 'most_suitable_provider',
        justification: 'the only practice with a dermatology GPwSI',
      });
      const during = await view(w, c0.id);
      expect(during.state).toBe('award_checks');
      expect(during.awardChecks).toMatchObject({ status: 'running', attempts: 0, lastError: null });
      const cancelled = await g.event(w.governance.token, c0.id, {
        type: 'CANCEL',
        reasonCode: 'budget',
        note: 'no funds',
      });
      expect(cancelled.body.state).toBe('cancelled');
    } finally {
      await queue.resume();
    }
    const c = await eventually(async () => {
      const v = await view(w, c0.id);
      return v.awardChecks?.status === 'superseded' ? v : null;
    });
    expect(c.state).toBe('cancelled');
    expect(checkFlags(c)).toEqual([]);
    expect((await history(w, c0.id)).some((e) => e.type === 'CHECKS_COMPLETED')).toBe(false);
  });

  it('12. a partner who declared and was excluded from decisions: only MEMBER_PRACTICE_AWARD for a make award to their practice', async () => {
    const w = await g.world();
    const own = w.memberPractices[0];
    const c0 = await g.caseInConflictCheck(w);
    played.push(c0.id);
    await declareInterest(w, c0.id, w.gpPartner, own.id, 'exclude_from_decision');
    await g.declareAndReview(w, c0.id, {}, w.panel.slice(1));
    await g.event(w.governance.token, c0.id, { type: 'COMPLETE_CONFLICT_CHECK' });
    await g.event(w.decider.token, c0.id, {
      type: 'DECIDE_MAKE',
      providerIds: [own.id],
      psrProcess: 'direct_award_c',
      justification: 'existing provider performing well',
    });
    const c = await checked(w, c0.id);
    expect(c.state).toBe('governance_review');
    expect(codesOf(checkFlags(c))).toEqual(['MEMBER_PRACTICE_AWARD']);
  });

  it('13. the partner decides the make award to their own practice: CONFLICTED_PARTICIPANT and UNDECLARED_AFFILIATION; upheld goes back to route_decision', async () => {
    const w = await g.world();
    const own = w.memberPractices[0];
    const c0 = await g.caseInRouteDecision(w);
    played.push(c0.id);
    await g.event(w.gpPartner.token, c0.id, {
      type: 'DECIDE_MAKE',
      providerIds: [own.id],
      psrProcess: 'most_suitable_provider',
      justification: 'we can do it ourselves',
    });
    const c = await checked(w, c0.id);
    expect(c.state).toBe('governance_review');
    const flags = checkFlags(c);
    expect(codesOf(flags)).toEqual(['CONFLICTED_PARTICIPANT', 'MEMBER_PRACTICE_AWARD', 'UNDECLARED_AFFILIATION']);
    const conflicted = flags.find((f) => f.code === 'CONFLICTED_PARTICIPANT')!;
    expect(conflicted.evidence).toMatchObject({
      personName: w.gpPartner.name,
      providerName: own.name,
      decided: [expect.objectContaining({ event: 'DECIDE_MAKE' })],
    });
    await resolve(w, conflicted.id, 'upheld');
    expect((await view(w, c0.id)).state).toBe('route_decision');
  });

  it('14. a flag left open at the award is superseded with it; resolving it is 409 and changes nothing', async () => {
    const w = await g.world();
    const { caseId, bidIds } = await tender(w, [{ provider: w.trust }]);
    await scoreAll(w, caseId, bidIds, () => 6);
    await propose(w, caseId, bidIds[0]);
    const c = (await g.waitForState(w.governance.token, caseId, 'awarded')) as CaseBody;
    const single = checkFlags(c).find((f) => f.code === 'SINGLE_BID')!;
    expect(single.status).toBe('superseded');
    const before = await history(w, caseId);
    const again = await resolve(w, single.id, 'accepted', 409);
    expect(again.body).toMatchObject({ status: 409, code: 'CONFLICT', flagStatus: 'superseded' });
    expect(await history(w, caseId)).toEqual(before);
    expect((await g.get(w.governance.token, `/cases/${caseId}/history/verify`)).body.valid).toBe(true);
    expect((await view(w, caseId)).state).toBe('awarded');
  });

  it('15. governance lists flags filtered by status, code and consortium, page by page', async () => {
    const w = await g.world();
    const c0 = await g.caseInRouteDecision(w);
    played.push(c0.id);
    await g.event(w.gpPartner.token, c0.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[0].id],
      psrProcess: 'direct_award_c',
      justification: 'ours',
    });
    const c = await checked(w, c0.id);
    const mine = checkFlags(c);
    expect(mine).toHaveLength(3);
    const q = (s: string) => g.get(w.governance.token, `/flags?consortiumId=${w.consortiumId}${s}`);

    const awardFlag = (f: Flag) => f.code !== 'DEADLINE_BREACH';
    const all = (await q('')).body;
    const allIds = all.items.filter(awardFlag).map((f: Flag) => f.id);
    expect(allIds.sort()).toEqual(mine.map((f) => f.id).sort());
    expect(all.items.every((f: Flag) => f.consortiumId === w.consortiumId)).toBe(true);

    const byCode = (await q('&code=MEMBER_PRACTICE_AWARD')).body;
    expect(byCode.items.map((f: Flag) => f.code)).toEqual(['MEMBER_PRACTICE_AWARD']);

    await resolve(w, byCode.items[0].id, 'accepted');
    const open = (await q('&status=open')).body.items.filter(awardFlag);
    expect(open.map((f: Flag) => f.code).sort()).toEqual(['CONFLICTED_PARTICIPANT', 'UNDECLARED_AFFILIATION']);
    expect(open.every((f: Flag) => f.status === 'open')).toBe(true);
    expect((await q('&status=accepted')).body.items.map((f: Flag) => f.id)).toEqual([byCode.items[0].id]);
    expect((await q('&severity=advisory')).body.items.filter(awardFlag)).toEqual([]);

    // page by page: every flag once
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Flag[]; nextCursor: string | null } = (
        await q(`&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      ).body;
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.filter(awardFlag).map((f) => f.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(allIds.sort());

    // another consortium's flags are not in this list
    const other = await g.world();
    expect((await g.get(w.governance.token, `/flags?consortiumId=${other.consortiumId}`)).body.items).toEqual([]);

    // the case's own list, and who may see it
    const caseFlags = await g.get(w.governance.token, `/cases/${c0.id}/flags?code=CONFLICTED_PARTICIPANT`);
    expect(caseFlags.status).toBe(200);
    expect(caseFlags.body.items.map((f: Flag) => f.caseId)).toEqual([c0.id]);
    expect((await g.get(w.commissioner.token, `/cases/${c0.id}/flags`)).status).toBe(403);
    expect((await g.get(w.outsider.token, `/cases/${c0.id}/flags`)).status).toBe(404);
    expect((await g.get(w.commissioner.token, `/flags`)).body.code).toBe('FORBIDDEN');
    expect((await q('&status=closed')).body.code).toBe('VALIDATION_FAILED');
    expect((await q('&code=NOPE')).status).toBe(400);
    expect((await q('&cursor=not-a-cursor')).status).toBe(400);
  });

  it('no case reached awarded with an open blocking flag of its awarded proposal', async () => {
    const rows: { id: string }[] = await db.query(
      `SELECT c.id FROM cases c JOIN flags f ON f.case_id = c.id
        WHERE c.state = 'awarded' AND f.severity = 'blocking' AND f.status = 'open'
          AND f.proposal_seq = (c.context->>'proposalSeq')::int`,
    );
    expect(rows).toEqual([]);
    expect(played.length).toBeGreaterThanOrEqual(12);
  });
});
