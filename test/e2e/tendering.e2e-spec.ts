import { given, Person, ProviderUser, World } from '../support/given';
import { eventually, startTestApp, TestApp } from '../support/test-app';

/**
 * The buy route as its users play it, with time accelerated (TIME_ACCELERATION=200000: the fast
 * track's 10-working-day tender lasts about 6 s, the 8-working-day standstill about 5 s). Deadlines
 * fire through the worker; the award checks run in the worker. At each step each provider sees
 * exactly what it should: never another provider's bid, how many bids there are, or who asked.
 */
describe('tendering and the provider portal (accelerated)', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let trust: ProviderUser;
  let independent: ProviderUser;
  let member: ProviderUser;
  let social: ProviderUser;
  const SLOW = 90000;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'tendering', timeAcceleration: 200000 });
    g = given(t);
    w = await g.world();
    trust = w.providerUsers[w.trust.id];
    independent = w.providerUsers[w.independent.id];
    // Hillview Surgery: a member practice nobody on the panel is linked to
    member = w.providerUsers[w.memberPractices[1].id];
    social = w.providerUsers[w.socialEnterprise.id];
  });
  afterAll(() => t.close());

  // ---- helpers ----

  const tender = async (who: Person, caseId: string) => {
    const res = await g.get(who.token, `/tenders/${caseId}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const caseOf = async (who: Person, caseId: string) => (await g.get(who.token, `/cases/${caseId}`)).body;
  const ask = async (u: ProviderUser, caseId: string, text: string) =>
    (await g.post(u.token, `/tenders/${caseId}/questions`, { text }, 201)).body as { id: string };
  const answer = (caseId: string, questionId: string, text: string) =>
    g.post(w.commissioner.token, `/tenders/${caseId}/questions/${questionId}/answer`, { text }, 200);
  const revise = async (u: ProviderUser, caseId: string, bidId: string, amount: number) => {
    const res = await t.http
      .put(`/api/v1/tenders/${caseId}/bids/${bidId}`)
      .set(g.auth(u.token))
      .send({ price: { amount, currency: 'GBP' }, responses: g.responses });
    expect(res.status).toBe(200);
    return res.body;
  };
  const myBids = async (u: ProviderUser) => (await g.get(u.token, '/bids?limit=200')).body.items as MyBid[];
  const myBidOn = async (u: ProviderUser, caseId: string) => (await myBids(u)).find((b) => b.tender.caseId === caseId)!;
  const notifications = async (who: Person) =>
    (await g.get(who.token, '/notifications?limit=200')).body.items as {
      kind: string;
      caseId: string;
      title: string;
      body: string;
      data: unknown;
    }[];
  const scoreAll = async (caseId: string, sheets: Record<string, number>, evaluators: Person[] = w.panel) => {
    for (const e of evaluators) for (const [bidId, v] of Object.entries(sheets)) await g.score(e, caseId, bidId, v);
  };
  /** Nothing in `body` mentions any of `secrets`. */
  const expectNoneOf = (body: unknown, secrets: string[], where: string) => {
    const text = JSON.stringify(body);
    for (const s of secrets) if (text.includes(s)) throw new Error(`${where} reveals ${s}: ${text.slice(0, 500)}`);
  };

  interface MyBid {
    id: string;
    outcome: string;
    caseState: string;
    tender: { caseId: string; status: string };
    assessment: null | { weightedScore: number; winningWeightedScore: number; criteria: unknown[] };
    representations: { id: string; status: string }[];
    standstillEndsAt: string | null;
  }

  /** A case in standstill: `bidders` bid (first one highest-scored), everyone scores, the first is proposed. */
  async function caseInStandstill(bidders: ProviderUser[], opts: { mitigations?: Record<string, string> } = {}) {
    const c = await g.caseInTendering(w, { mitigations: opts.mitigations });
    const bids = [];
    for (const u of bidders) bids.push(await g.bid(u, c.id));
    await g.waitForState(w.commissioner.token, c.id, 'evaluation');
    const evaluators = w.panel.filter(
      (p) => !['exclude_from_evaluation', 'exclude_entirely'].includes(opts.mitigations?.[p.id] ?? ''),
    );
    await scoreAll(c.id, Object.fromEntries(bids.map((b, i) => [b.id, 8 - i])), evaluators);
    await g.event(w.decider.token, c.id, {
      type: 'PROPOSE_AWARD',
      bidId: bids[0].id,
      justification: 'Top ranked',
    });
    await g.waitForState(w.commissioner.token, c.id, 'standstill');
    return { caseId: c.id, bids };
  }

  // ---- scenarios ----

  it(
    'the whole buy route: publish, ask, bid, revise, close by itself, score, propose, standstill, awarded',
    async () => {
      // commissioner raises the case; panel declares; governance reviews and completes the check
      const c = await g.caseInRouteDecision(w);
      expect((await g.get(trust.token, `/tenders/${c.id}`)).status).toBe(404);
      const listed = async (u: Person) =>
        ((await g.get(u.token, '/tenders?status=active&limit=200')).body.items as { caseId: string }[]).some(
          (x) => x.caseId === c.id,
        );
      expect(await listed(trust)).toBe(false);

      // DECIDE_BUY publishes the tender
      const published = await g.event(w.decider.token, c.id, { type: 'DECIDE_BUY', criteria: g.criteria });
      expect(published.body.state).toBe('tendering');
      const closesAt = Date.parse(published.body.tender.closesAt);
      expect(closesAt - Date.now()).toBeGreaterThan(3000);
      expect(closesAt - Date.now()).toBeLessThan(12000);
      expect(await listed(trust)).toBe(true);
      const view0 = await tender(social, c.id);
      expect(view0).toMatchObject({
        caseId: c.id,
        status: 'active',
        acceptingBids: true,
        criteria: g.criteria,
        questions: [],
        myBid: null,
      });
      expect(Date.parse(view0.clarificationDeadline)).toBeLessThan(closesAt);
      await eventually(async () =>
        (await notifications(social)).some((n) => n.kind === 'tender_published' && n.caseId === c.id),
      );

      // three providers (one a member practice) ask; each sees only its own unanswered question
      const qTrust = await ask(trust, c.id, 'Is a Saturday clinic expected?');
      const qIndependent = await ask(independent, c.id, 'May we subcontract dermatoscopy?');
      const qMember = await ask(member, c.id, 'Can premises be shared with the practice?');
      expect((await tender(trust, c.id)).questions).toEqual([
        expect.objectContaining({ id: qTrust.id, answer: null, yours: true }),
      ]);
      expect((await tender(social, c.id)).questions).toEqual([]);
      const commissionerSees = (await tender(w.commissioner, c.id)).questions;
      expect(commissionerSees).toHaveLength(3);
      expectNoneOf(
        commissionerSees,
        [trust.providerId, independent.providerId, member.providerId, trust.id],
        'questions',
      );

      // bids; a sealed bid changes nothing on the case
      const versionBefore = (await caseOf(w.commissioner, c.id)).version;
      const bTrust = await g.bid(trust, c.id, 240000);
      const bIndependent = await g.bid(independent, c.id, 210000);
      const bMember = await g.bid(member, c.id, 190000);
      await revise(trust, c.id, bTrust.id, 230000);
      await revise(independent, c.id, bIndependent.id, 205000);
      expect((await caseOf(w.commissioner, c.id)).version).toBe(versionBefore);

      // answers go to everyone, without the asker
      for (const q of [qTrust, qIndependent, qMember]) await answer(c.id, q.id, `Answer to ${q.id}`);
      const allBidIds = [bTrust.id, bIndependent.id, bMember.id];
      const bidderIds = [trust.providerId, independent.providerId, member.providerId];
      for (const u of [trust, independent, member, social]) {
        const v = await tender(u, c.id);
        expect(v.questions).toHaveLength(3);
        expect(v.questions.every((q: { answer: string | null }) => q.answer !== null)).toBe(true);
        const mineOnly = v.questions.filter((q: { yours: boolean }) => q.yours);
        expect(mineOnly).toHaveLength(u === social ? 0 : 1);
        // a provider sees its own bid and nothing of anyone else's
        const own = allBidIds[bidderIds.indexOf(u.providerId)];
        expect(v.myBid?.id ?? null).toBe(own ?? null);
        expectNoneOf(
          { ...v, myBid: null },
          [...allBidIds, ...bidderIds.filter((p) => p !== u.providerId)],
          'the tender view',
        );
        expect(JSON.stringify(v)).not.toMatch(/bidCount|"bids"/);
        const ownList = (await g.get(u.token, `/tenders/${c.id}/bids`)).body.items;
        expect(ownList.map((b: { id: string }) => b.id)).toEqual(own ? [own] : []);
      }
      expect((await g.get(trust.token, `/tenders/${c.id}/bids/${bIndependent.id}`)).status).toBe(404);

      // the case's people: sealed, and nothing in the case, its history or notifications says who bid
      for (const who of [w.commissioner, w.governance, w.panel[0]]) {
        const res = await g.get(who.token, `/tenders/${c.id}/bids`);
        expect([res.status, res.body.code]).toEqual([422, 'BIDS_SEALED']);
        const view = await caseOf(who, c.id);
        expect(view.tenderSummary).toBeUndefined();
        expect(view.ranking).toBeUndefined();
        expectNoneOf(view, [...allBidIds, trust.providerId, independent.providerId], 'the case before close');
      }
      expectNoneOf(
        await g.history(w.commissioner.token, c.id),
        [...allBidIds, ...bidderIds],
        'the history before close',
      );
      for (const who of [w.commissioner, social, trust]) {
        expectNoneOf(
          await notifications(who),
          [...allBidIds, ...bidderIds.filter((p) => p !== who.id)],
          'notifications',
        );
      }

      // tendering closes by itself
      const evaluation = await g.waitForState(w.commissioner.token, c.id, 'evaluation');
      expect(evaluation.tenderSummary).toEqual({ bidCount: 3 });
      expect(evaluation.ranking).toBeUndefined();
      const late = await g.post(social.token, `/tenders/${c.id}/bids`, {
        price: { amount: 1, currency: 'GBP' },
        responses: g.responses,
      });
      expect([late.status, late.body.code]).toEqual([422, 'WINDOW_CLOSED']);
      const lateRevise = await t.http
        .put(`/api/v1/tenders/${c.id}/bids/${bTrust.id}`)
        .set(g.auth(trust.token))
        .send({ price: { amount: 1, currency: 'GBP' }, responses: g.responses });
      expect([lateRevise.status, lateRevise.body.code]).toEqual([422, 'WINDOW_CLOSED']);
      const afterClose = await tender(trust, c.id);
      expect(afterClose).toMatchObject({ status: 'active', acceptingBids: false, myBid: { id: bTrust.id } });
      expectNoneOf(
        { ...afterClose, myBid: null },
        [bIndependent.id, bMember.id, independent.providerId],
        'tender after close',
      );
      await eventually(async () =>
        (await notifications(trust)).some((n) => n.kind === 'tender_closed' && n.caseId === c.id),
      );
      expect((await notifications(social)).some((n) => n.kind === 'tender_closed' && n.caseId === c.id)).toBe(false);

      // the case's people now see every bid
      const opened = await g.get(w.panel[1].token, `/tenders/${c.id}/bids`);
      expect(opened.status).toBe(200);
      expect(opened.body.items.map((b: { id: string }) => b.id).sort()).toEqual([...allBidIds].sort());
      expect(opened.body.items.find((b: { id: string }) => b.id === bTrust.id)).toMatchObject({
        providerName: w.trust.name,
        price: { amount: 230000, currency: 'GBP' },
        revision: 2,
      });
      expect(opened.body.items[0].revisions).toBeUndefined();

      // the panel scores; proposing before scoring is complete is refused
      const trustFirst = { [bTrust.id]: 8, [bIndependent.id]: 6, [bMember.id]: 5 };
      const nonPanel = await g.post(w.commissioner2.token, `/tenders/${c.id}/bids/${bTrust.id}/scores`, {
        scores: Object.fromEntries(g.criteria.map((k) => [k.key, 5])),
      });
      expect([nonPanel.status, nonPanel.body.code]).toEqual([403, 'FORBIDDEN']);
      // not on the panel: 403 before the body is even looked at
      const nonPanelBad = await g.post(w.commissioner2.token, `/tenders/${c.id}/bids/${bTrust.id}/scores`, {
        scores: 'all tens',
      });
      expect([nonPanelBad.status, nonPanelBad.body.code]).toEqual([403, 'FORBIDDEN']);
      expect((await g.post(trust.token, `/tenders/${c.id}/bids/${bTrust.id}/scores`, { x: 1 })).status).toBe(403);
      await scoreAll(c.id, trustFirst, w.panel.slice(0, 2));
      const early = await g.event(
        w.decider.token,
        c.id,
        { type: 'PROPOSE_AWARD', bidId: bTrust.id, justification: 'Best value' },
        422,
      );
      expect(early.body.code).toBe('SCORING_INCOMPLETE');
      expect((await caseOf(w.commissioner, c.id)).ranking).toBeUndefined();
      // a second sheet replaces the first
      await g.score(w.panel[2], c.id, bTrust.id, 3);
      const replaced = await g.score(w.panel[2], c.id, bTrust.id, 9);
      expect(replaced.body).toMatchObject({ bidId: bTrust.id, evaluatorId: w.panel[2].id, weightedScore: 9 });
      await g.score(w.panel[2], c.id, bIndependent.id, 6);
      await g.score(w.panel[2], c.id, bMember.id, 5);
      const ranked = await caseOf(w.commissioner, c.id);
      expect(ranked.ranking).toEqual([
        { bidId: bTrust.id, providerId: w.trust.id, providerName: w.trust.name, weightedScore: 8.33, rank: 1 },
        {
          bidId: bIndependent.id,
          providerId: w.independent.id,
          providerName: w.independent.name,
          weightedScore: 6,
          rank: 2,
        },
        {
          bidId: bMember.id,
          providerId: w.memberPractices[1].id,
          providerName: w.memberPractices[1].name,
          weightedScore: 5,
          rank: 3,
        },
      ]);
      const history = (await g.history(w.governance.token, c.id)) as {
        type: string;
        payload: Record<string, unknown>;
      }[];
      expect(history.filter((e) => e.type === 'SCORE_RECORDED')).toHaveLength(10);

      // the award is proposed to the outside provider; the checks pass; standstill
      await g.event(w.decider.token, c.id, {
        type: 'PROPOSE_AWARD',
        bidId: bTrust.id,
        justification: 'Top ranked',
      });
      const standstill = await g.waitForState(w.commissioner.token, c.id, 'standstill', 30000);
      expect(standstill.stateValue).toEqual({ standstill: 'running' });
      const trustBid = await myBidOn(trust, c.id);
      expect(trustBid).toMatchObject({ outcome: 'pending', caseState: 'standstill', tender: { status: 'active' } });
      expect(trustBid.assessment).toMatchObject({ weightedScore: 8.33, winningWeightedScore: 8.33 });
      // the representation window a bidder is told is the standstill deadline the case runs on
      const pendingEnd = standstill.deadlines.find(
        (d: { kind: string; status: string }) => d.kind === 'standstill_end' && d.status === 'pending',
      );
      expect(trustBid.standstillEndsAt).toBe(pendingEnd.dueAt);
      const memberBid = await myBidOn(member, c.id);
      expect(memberBid.assessment).toMatchObject({ weightedScore: 5, winningWeightedScore: 8.33 });
      expect(memberBid.assessment!.criteria).toHaveLength(5);
      expectNoneOf(memberBid, [bTrust.id, bIndependent.id, trust.providerId], 'a losing bidder’s /bids');
      await eventually(async () =>
        (await notifications(member)).some((n) => n.kind === 'intention_to_award' && n.caseId === c.id),
      );

      // standstill ends by itself
      await g.waitForState(w.commissioner.token, c.id, 'awarded', 30000);
      expect((await myBidOn(trust, c.id)).outcome).toBe('awarded_to_you');
      expect((await myBidOn(independent, c.id)).outcome).toBe('not_awarded');
      expect((await myBidOn(member, c.id)).outcome).toBe('not_awarded');
      expect((await tender(social, c.id)).status).toBe('complete');
      const complete = (await g.get(social.token, '/tenders?status=complete&limit=200')).body.items;
      expect(complete.map((x: { caseId: string }) => x.caseId)).toContain(c.id);
      const late2 = await g.post(trust.token, `/cases/${c.id}/representations`, { text: 'Too late' });
      expect([late2.status, late2.body.code]).toEqual([422, 'WINDOW_CLOSED']);
    },
    SLOW,
  );

  it(
    'a representation pauses the standstill; not_upheld starts a further standstill and the award completes; upheld goes back to evaluation',
    async () => {
      const [a, b] = await Promise.all([caseInStandstill([trust, independent]), caseInStandstill([trust, member])]);

      // case a: two representations, both not upheld
      const path = `/cases/${a.caseId}/representations`;
      expect((await g.post(social.token, path, { text: 'We did not bid' })).status).toBe(403);
      const r1 = await g.post(independent.token, path, { text: 'The price was not assessed fairly.' }, 201);
      expect(r1.body).toMatchObject({ status: 'open', providerId: independent.providerId });
      const paused = await caseOf(w.commissioner, a.caseId);
      expect(paused.stateValue).toEqual({ standstill: 'paused' });
      expect(
        paused.deadlines.filter(
          (d: { kind: string; status: string }) => d.kind === 'standstill_end' && d.status === 'pending',
        ),
      ).toEqual([]);
      // further representations while paused
      const r2 = await g.post(trust.token, path, { text: 'We also object to the timetable.' }, 201);
      expect((await g.get(independent.token, path)).body.items.map((r: { id: string }) => r.id)).toEqual([r1.body.id]);
      expect((await g.get(w.governance.token, path)).body).toEqual({
        items: [expect.anything(), expect.anything()],
        nextCursor: null,
      });
      expect((await myBidOn(independent, a.caseId)).representations).toEqual([
        expect.objectContaining({ id: r1.body.id, status: 'open' }),
      ]);
      expect(
        (await g.post(w.commissioner.token, `${path}/${r1.body.id}/resolve`, { outcome: 'not_upheld', response: 'x' }))
          .status,
      ).toBe(403);

      await g.post(
        w.governance.token,
        `${path}/${r1.body.id}/resolve`,
        { outcome: 'not_upheld', response: 'Assessed per the criteria.' },
        200,
      );
      expect((await caseOf(w.commissioner, a.caseId)).stateValue).toEqual({ standstill: 'paused' });
      const again = await g.post(w.governance.token, `${path}/${r1.body.id}/resolve`, {
        outcome: 'upheld',
        response: 'x',
      });
      expect([again.status, again.body.code]).toEqual([409, 'CONFLICT']);
      const resumedAt = Date.now();
      await g.post(
        w.governance.token,
        `${path}/${r2.body.id}/resolve`,
        { outcome: 'not_upheld', response: 'The timetable met the policy.' },
        200,
      );
      const resumed = await caseOf(w.commissioner, a.caseId);
      expect(resumed.stateValue).toEqual({ standstill: 'running' });
      const further = resumed.deadlines.find(
        (d: { kind: string; status: string }) => d.kind === 'standstill_end' && d.status === 'pending',
      );
      expect(Date.parse(further.dueAt) - resumedAt).toBeGreaterThan(1000);
      expect((await myBidOn(trust, a.caseId)).standstillEndsAt).toBe(further.dueAt);
      expect((await myBidOn(independent, a.caseId)).representations).toEqual([
        expect.objectContaining({ id: r1.body.id, status: 'not_upheld', response: 'Assessed per the criteria.' }),
      ]);
      const history = (await g.history(w.governance.token, a.caseId)).map((e: { type: string }) => e.type);
      expect(history.filter((x: string) => x.startsWith('REPRESENTATION_'))).toEqual([
        'REPRESENTATION_LODGED',
        'REPRESENTATION_LODGED',
        'REPRESENTATION_RESOLVED',
        'REPRESENTATION_RESOLVED',
      ]);

      // case b: upheld goes back to evaluation with the bids and scores kept
      const rb = await g.post(
        member.token,
        `/cases/${b.caseId}/representations`,
        { text: 'Our bid was misread.' },
        201,
      );
      await g.post(
        w.governance.token,
        `/cases/${b.caseId}/representations/${rb.body.id}/resolve`,
        { outcome: 'upheld', response: 'Re-evaluate.' },
        200,
      );
      const back = await caseOf(w.commissioner, b.caseId);
      expect(back.state).toBe('evaluation');
      expect(back.ranking.map((r: { bidId: string }) => r.bidId)).toEqual(b.bids.map((x) => x.id));
      expect(await myBidOn(member, b.caseId)).toMatchObject({ outcome: 'pending', assessment: null });
      // an evaluator may revise; the member practice now ranks first
      for (const e of w.panel) await g.score(e, b.caseId, b.bids[1].id, 9);
      expect((await caseOf(w.commissioner, b.caseId)).ranking[0].bidId).toBe(b.bids[1].id);
      const outOfWindow = await g.post(member.token, `/cases/${b.caseId}/representations`, { text: 'Again' });
      expect([outOfWindow.status, outOfWindow.body.code]).toEqual([422, 'WINDOW_CLOSED']);

      // case a completes after the further standstill
      await g.waitForState(w.commissioner.token, a.caseId, 'awarded', 30000);
      expect((await myBidOn(trust, a.caseId)).outcome).toBe('awarded_to_you');
    },
    SLOW,
  );

  it(
    'the make route to a member practice needs governance: the blocking flag is resolved, then APPROVE_AWARD',
    async () => {
      const c = await g.caseInRouteDecision(w);
      const outside = await g.event(
        w.decider.token,
        c.id,
        { type: 'DECIDE_MAKE', providerIds: [w.trust.id], psrProcess: 'direct_award_c', justification: 'x' },
        422,
      );
      expect(outside.body).toMatchObject({ code: 'NOT_MEMBER_PRACTICE', providerIds: [w.trust.id] });
      const unknown = '6f1c3c7e-1111-4111-8111-111111111111';
      const ghost = await g.event(
        w.decider.token,
        c.id,
        {
          type: 'DECIDE_MAKE',
          providerIds: [w.memberPractices[1].id, unknown],
          psrProcess: 'direct_award_c',
          justification: 'x',
        },
        422,
      );
      expect(ghost.body).toMatchObject({ code: 'NOT_MEMBER_PRACTICE', providerIds: [unknown] });

      await g.event(w.decider.token, c.id, {
        type: 'DECIDE_MAKE',
        providerIds: [w.memberPractices[1].id],
        psrProcess: 'most_suitable_provider',
        justification: 'Hillview already runs the community clinic',
      });
      // no tender on the make route
      expect((await g.get(member.token, `/tenders/${c.id}`)).status).toBe(404);
      expect((await g.post(member.token, `/cases/${c.id}/representations`, { text: 'x' })).status).toBe(404);

      const review = await g.waitForState(w.commissioner.token, c.id, 'governance_review', 30000);
      const flags = (await g.get(w.governance.token, `/cases/${c.id}/flags`)).body;
      const list = (Array.isArray(flags) ? flags : flags.items) as { id: string; code: string; status: string }[];
      const memberFlag = list.find((f) => f.code === 'MEMBER_PRACTICE_AWARD' && f.status === 'open')!;
      expect(memberFlag).toBeDefined();
      expect(review.allowedEvents).toEqual(expect.any(Array));
      const blocked = await g.event(w.governance.token, c.id, { type: 'APPROVE_AWARD', note: 'ok' }, 422);
      expect(blocked.body.code).toBe('OPEN_BLOCKING_FLAGS');
      for (const f of list.filter((x) => x.status === 'open')) {
        await g.post(
          w.governance.token,
          `/flags/${f.id}/resolve`,
          {
            resolution: 'accepted',
            justification: 'Member practice scrutinised; value for money shown',
          },
          200,
        );
      }
      await g.event(w.governance.token, c.id, { type: 'APPROVE_AWARD', note: 'Approved after scrutiny' });
      expect((await caseOf(w.commissioner, c.id)).state).toBe('standstill');
      await g.waitForState(w.commissioner.token, c.id, 'awarded', 30000);
    },
    SLOW,
  );

  it(
    'a tender with fewer bids than the minimum ends unsuccessful; a withdrawn bid does not count',
    async () => {
      const c = await g.caseInTendering(w);
      const withdrawn = await g.bid(independent, c.id);
      await g.post(independent.token, `/tenders/${c.id}/bids/${withdrawn.id}/withdraw`, {}, 200);
      const end = await g.waitForState(w.commissioner.token, c.id, 'unsuccessful');
      expect(end.tenderSummary).toEqual({ bidCount: 0 });
      expect((await tender(social, c.id)).status).toBe('unsuccessful');
      expect((await myBidOn(independent, c.id)).outcome).toBe('withdrawn');
      const unsuccessful = (await g.get(social.token, '/tenders?status=unsuccessful&limit=200')).body.items;
      expect(unsuccessful.map((x: { caseId: string }) => x.caseId)).toContain(c.id);
      const active = (await g.get(social.token, '/tenders?status=active&limit=200')).body.items;
      expect(active.map((x: { caseId: string }) => x.caseId)).not.toContain(c.id);
    },
    SLOW,
  );

  it(
    'an unanswered question holds tendering open: the close moves on by the extension until it is answered',
    async () => {
      const c = await g.caseInTendering(w);
      const bid = await g.bid(trust, c.id);
      const q = await ask(social, c.id, 'Which postcodes are in scope?');
      const firstClose = Date.parse(c.tender.closesAt);
      // the first close passes with the question open: still tendering, with a later closing instant
      const extended = await eventually(async () => {
        const v = await tender(trust, c.id);
        return Date.parse(v.tenderPeriod.endDate) > firstClose ? v : null;
      }, 20000);
      expect((await caseOf(w.commissioner, c.id)).state).toBe('tendering');
      expect(extended.acceptingBids).toBe(true);
      await eventually(async () =>
        (await notifications(trust)).some((n) => n.kind === 'tender_extended' && n.caseId === c.id),
      );
      // bids may still be revised until the new closing instant
      await revise(trust, c.id, bid.id, 150000);
      await answer(c.id, q.id, 'The whole consortium area.');
      const evaluation = await g.waitForState(w.commissioner.token, c.id, 'evaluation', 30000);
      expect(evaluation.tenderSummary).toEqual({ bidCount: 1 });
    },
    SLOW,
  );

  it(
    'a panel member excluded from evaluation cannot score and is not waited for; cancelling closes the bids',
    async () => {
      const excluded = w.panel[2];
      const c = await g.caseInTendering(w, { mitigations: { [excluded.id]: 'exclude_from_evaluation' } });
      const b1 = await g.bid(trust, c.id);
      const b2 = await g.bid(member, c.id);
      await g.waitForState(w.commissioner.token, c.id, 'evaluation');
      const refused = await g.post(excluded.token, `/tenders/${c.id}/bids/${b1.id}/scores`, {
        scores: Object.fromEntries(g.criteria.map((k) => [k.key, 7])),
        comment: 'x',
      });
      expect([refused.status, refused.body.code]).toEqual([422, 'EXCLUDED_BY_CONFLICT']);
      const badSheet = await g.post(w.panel[0].token, `/tenders/${c.id}/bids/${b1.id}/scores`, {
        scores: { value: 7 },
      });
      expect([badSheet.status, badSheet.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const unknownBid = await g.post(w.panel[0].token, `/tenders/${c.id}/bids/${w.trust.id}/scores`, {
        scores: Object.fromEntries(g.criteria.map((k) => [k.key, 7])),
      });
      expect(unknownBid.status).toBe(404);
      await scoreAll(c.id, { [b1.id]: 7, [b2.id]: 6 }, w.panel.slice(0, 2));
      expect((await caseOf(w.commissioner, c.id)).ranking.map((r: { rank: number }) => r.rank)).toEqual([1, 2]);

      await g.event(w.governance.token, c.id, { type: 'CANCEL', reasonCode: 'budget', note: 'Funding withdrawn' });
      expect(await myBidOn(trust, c.id)).toMatchObject({ outcome: 'cancelled', status: 'closed' });
      expect(await tender(member, c.id)).toMatchObject({ status: 'cancelled', myBid: { id: b2.id, status: 'closed' } });
      const view = await caseOf(w.commissioner, c.id);
      expect(view.tenderSummary).toEqual({ bidCount: 2 });
      expect(view.ranking).toBeUndefined();
      await eventually(async () =>
        (await notifications(member)).some((n) => n.kind === 'cancelled' && n.caseId === c.id),
      );
    },
    SLOW,
  );

  it(
    'bidders are revealed to the conflict detection only when tendering closes',
    async () => {
      const admin = await t.adminToken();
      const derm = (await g.post(admin, '/providers', { name: 'Derm Direct Ltd', kind: 'independent' }, 201)).body;
      const dermUser = {
        ...(await g.person(admin, 'Bid Manager Derm Direct', ['provider'], { providerId: derm.id })),
        providerId: derm.id,
      };
      await g.post(
        admin,
        `/people/${w.panel[1].id}/affiliations`,
        { providerId: derm.id, relationship: 'shareholder' },
        201,
      );

      const c = await g.caseInTendering(w);
      await g.bid(dermUser, c.id);
      expectNoneOf(await caseOf(w.commissioner, c.id), [derm.id], 'the case before close');
      const evaluation = await g.waitForState(w.commissioner.token, c.id, 'evaluation');
      expect(evaluation.detectedConflicts).toEqual(
        expect.arrayContaining([expect.objectContaining({ personId: w.panel[1].id, providerId: derm.id })]),
      );
      await g.event(w.commissioner.token, c.id, { type: 'CANCEL', reasonCode: 'other', note: 'test over' });
    },
    SLOW,
  );

  it('a tender cancelled while open stays sealed', async () => {
    const c = await g.caseInTendering(w);
    await g.bid(trust, c.id);
    await g.event(w.commissioner.token, c.id, { type: 'CANCEL', reasonCode: 'no_longer_needed' });
    const sealed = await g.get(w.commissioner.token, `/tenders/${c.id}/bids`);
    expect([sealed.status, sealed.body.code]).toEqual([422, 'BIDS_SEALED']);
    const view = await caseOf(w.commissioner, c.id);
    expect(view.tenderSummary).toBeUndefined();
    expect((await myBidOn(trust, c.id)).outcome).toBe('cancelled');
    await eventually(async () => (await notifications(trust)).some((n) => n.kind === 'cancelled' && n.caseId === c.id));
  });

  it('documents every tendering endpoint in OpenAPI', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    for (const [path, verbs] of Object.entries({
      '/api/v1/tenders': ['get'],
      '/api/v1/tenders/{caseId}': ['get'],
      '/api/v1/tenders/{caseId}/questions': ['post'],
      '/api/v1/tenders/{caseId}/questions/{questionId}/answer': ['post'],
      '/api/v1/tenders/{caseId}/bids': ['get', 'post'],
      '/api/v1/tenders/{caseId}/bids/{bidId}': ['get', 'put'],
      '/api/v1/tenders/{caseId}/bids/{bidId}/withdraw': ['post'],
      '/api/v1/tenders/{caseId}/bids/{bidId}/scores': ['post'],
      '/api/v1/bids': ['get'],
      '/api/v1/cases/{id}/representations': ['get', 'post'],
      '/api/v1/cases/{id}/representations/{representationId}/resolve': ['post'],
    })) {
      for (const v of verbs) {
        const op = doc.paths[path]?.[v];
        expect({ path, v, documented: !!op?.summary }).toEqual({ path, v, documented: true });
      }
    }
    expect(JSON.stringify(doc.paths['/api/v1/tenders/{caseId}/bids'].get.responses)).toContain('BIDS_SEALED');
    expect(JSON.stringify(doc.paths['/api/v1/tenders/{caseId}/bids'].post.responses)).toContain('WINDOW_CLOSED');
    for (const s of ['TenderDto', 'BidDto', 'BidInputDto', 'ScoreInputDto', 'MyBidDto', 'RepresentationDto']) {
      expect(doc.components.schemas[s]).toBeDefined();
    }
  });
});
