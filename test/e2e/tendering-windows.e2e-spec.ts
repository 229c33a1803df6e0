import { ManualClock } from '@makebuy/settings';
import { given, ProviderUser, World } from '../support/given';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Windows and refusals of the provider portal, with the clock held still (and no worker, so no
 * deadline fires): what the server's own time allows, checked under the case lock.
 */
describe('tendering: windows, sealed bids and refusals (manual clock, no worker)', () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let trust: ProviderUser;
  let independent: ProviderUser;
  let social: ProviderUser;
  let member: ProviderUser;
  const DAY = 24 * 3600 * 1000;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'tendering_windows', worker: false, clock });
    g = given(t);
    w = await g.world();
    trust = w.providerUsers[w.trust.id];
    independent = w.providerUsers[w.independent.id];
    social = w.providerUsers[w.socialEnterprise.id];
    member = w.providerUsers[w.memberPractices[1].id];
  });
  afterAll(() => t.close());

  const bidBody = (price = 200000, responses: Record<string, string> = g.responses) => ({
    price: { amount: price, currency: 'GBP' },
    responses,
  });

  it('DECIDE_BUY before the policy minimum is 422 TENDER_PERIOD_TOO_SHORT; a later client instant is kept as given', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    const c = await g.caseInRouteDecision(w);
    // fast track: 10 working days from Monday 2 March 2026 end at 00:00 on Tuesday 17 March (London, GMT)
    const early = await g.event(
      w.decider.token,
      c.id,
      { type: 'DECIDE_BUY', criteria: g.criteria, tenderClosesAt: '2026-03-16T12:00:00Z' },
      422,
    );
    expect(early.body.code).toBe('TENDER_PERIOD_TOO_SHORT');
    expect(early.body.minimumTenderClosesAt).toBe('2026-03-17T00:00:00.000Z');
    expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.state).toBe('route_decision');
    expect((await g.get(trust.token, `/tenders/${c.id}`)).status).toBe(404);

    const ok = await g.event(w.decider.token, c.id, {
      type: 'DECIDE_BUY',
      criteria: g.criteria,
      tenderClosesAt: '2026-03-20T12:00:00+00:00',
    });
    expect(ok.body.state).toBe('tendering');
    expect(ok.body.tender.closesAt).toBe('2026-03-20T12:00:00.000Z');
    const tender = await g.get(trust.token, `/tenders/${c.id}`);
    expect(tender.body).toMatchObject({
      caseId: c.id,
      status: 'active',
      acceptingBids: true,
      tenderPeriod: { startDate: '2026-03-02T09:00:00.000Z', endDate: '2026-03-20T12:00:00.000Z' },
      // 2 working days before Friday 20 March: Wednesday 18 March, same time of day
      clarificationDeadline: '2026-03-18T12:00:00.000Z',
      questions: [],
      myBid: null,
    });
  });

  it('the default closing instant is the policy minimum', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    const c = await g.caseInTendering(w);
    expect(c.tender.closesAt).toBe('2026-03-17T00:00:00.000Z');
  });

  it('bids, revisions and withdrawals stop at the closing instant (server time), even before the deadline fires', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    const c = await g.caseInTendering(w);
    const mine = await g.bid(trust, c.id);
    const other = await g.bid(independent, c.id);
    clock.set(new Date(Date.parse(c.tender.closesAt) - 1));
    const revised = await t.http
      .put(`/api/v1/tenders/${c.id}/bids/${mine.id}`)
      .set(g.auth(trust.token))
      .send(bidBody(190000));
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({ revision: 2, price: { amount: 190000, currency: 'GBP' } });

    clock.set(new Date(c.tender.closesAt));
    const late = await g.post(social.token, `/tenders/${c.id}/bids`, bidBody());
    expect([late.status, late.body.code]).toEqual([422, 'WINDOW_CLOSED']);
    const lateRevise = await t.http
      .put(`/api/v1/tenders/${c.id}/bids/${mine.id}`)
      .set(g.auth(trust.token))
      .send(bidBody(150000));
    expect([lateRevise.status, lateRevise.body.code]).toEqual([422, 'WINDOW_CLOSED']);
    const lateWithdraw = await g.post(independent.token, `/tenders/${c.id}/bids/${other.id}/withdraw`, {});
    expect([lateWithdraw.status, lateWithdraw.body.code]).toEqual([422, 'WINDOW_CLOSED']);

    const own = await g.get(trust.token, `/tenders/${c.id}/bids`);
    expect(own.body.items).toHaveLength(1);
    expect(own.body.items[0]).toMatchObject({ id: mine.id, revision: 2, price: { amount: 190000 } });
    expect(own.body.items[0].revisions.map((r: { action: string }) => r.action)).toEqual(['submitted', 'revised']);
    // the deadline has not fired yet: still sealed for the case's people
    const sealed = await g.get(w.commissioner.token, `/tenders/${c.id}/bids`);
    expect([sealed.status, sealed.body.code]).toEqual([422, 'BIDS_SEALED']);
    const tender = await g.get(trust.token, `/tenders/${c.id}`);
    expect(tender.body.acceptingBids).toBe(false);
  });

  it('questions close at the clarification deadline; a question is answered once, without the asker', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    const c = await g.caseInTendering(w);
    const q = await g.post(trust.token, `/tenders/${c.id}/questions`, { text: 'Is weekend cover needed?' }, 201);
    expect(q.body).toMatchObject({ text: 'Is weekend cover needed?', answer: null, yours: true });
    expect(JSON.stringify(q.body)).not.toContain(trust.providerId);

    const asCommissioner = (await g.get(w.commissioner.token, `/tenders/${c.id}`)).body;
    expect(asCommissioner.questions).toEqual([expect.objectContaining({ id: q.body.id, answer: null, yours: false })]);
    expect((await g.get(independent.token, `/tenders/${c.id}`)).body.questions).toEqual([]);

    // a provider may not answer; a commissioner of another consortium cannot see the case
    expect((await g.post(trust.token, `/tenders/${c.id}/questions/${q.body.id}/answer`, { text: 'x' })).status).toBe(
      403,
    );
    expect(
      (await g.post(w.outsider.token, `/tenders/${c.id}/questions/${q.body.id}/answer`, { text: 'x' })).status,
    ).toBe(404);
    const a = await g.post(
      w.commissioner.token,
      `/tenders/${c.id}/questions/${q.body.id}/answer`,
      { text: 'Saturday mornings only.' },
      200,
    );
    expect(a.body).toMatchObject({ id: q.body.id, answer: 'Saturday mornings only.', yours: false });
    const again = await g.post(w.commissioner.token, `/tenders/${c.id}/questions/${q.body.id}/answer`, {
      text: 'Changed my mind.',
    });
    expect([again.status, again.body.code]).toEqual([409, 'CONFLICT']);

    for (const u of [independent, social]) {
      const seen = (await g.get(u.token, `/tenders/${c.id}`)).body.questions;
      expect(seen).toEqual([
        expect.objectContaining({ text: 'Is weekend cover needed?', answer: 'Saturday mornings only.', yours: false }),
      ]);
      expect(JSON.stringify(seen)).not.toMatch(new RegExp(`${trust.providerId}|${trust.id}|Trust`));
    }
    const history = (await g.history(w.commissioner.token, c.id)) as {
      type: string;
      payload: Record<string, unknown>;
    }[];
    const answered = history.find((e) => e.type === 'QUESTION_ANSWERED')!;
    expect(answered.payload).toEqual({
      questionId: q.body.id,
      question: 'Is weekend cover needed?',
      answer: 'Saturday mornings only.',
    });

    clock.set(new Date(Date.parse(c.tender.closesAt) - 2 * DAY));
    const late = await g.post(independent.token, `/tenders/${c.id}/questions`, { text: 'Too late?' });
    expect([late.status, late.body.code]).toEqual([422, 'WINDOW_CLOSED']);
  });

  it('one live bid per provider; bids are the bidder’s own; nothing about them reaches the case', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    const c = await g.caseInTendering(w);
    const before = (await g.get(w.commissioner.token, `/cases/${c.id}`)).body;
    const historyBefore = await g.history(w.commissioner.token, c.id);

    const a = await g.bid(trust, c.id, 210000);
    const second = await g.post(trust.token, `/tenders/${c.id}/bids`, bidBody());
    expect([second.status, second.body.code]).toEqual([409, 'CONFLICT']);
    const b = await g.bid(member, c.id, 180000);

    // another provider's bid is not found, whatever the verb
    expect((await g.get(trust.token, `/tenders/${c.id}/bids/${b.id}`)).status).toBe(404);
    expect(
      (await t.http.put(`/api/v1/tenders/${c.id}/bids/${b.id}`).set(g.auth(trust.token)).send(bidBody())).status,
    ).toBe(404);
    expect((await g.post(trust.token, `/tenders/${c.id}/bids/${b.id}/withdraw`, {})).status).toBe(404);
    const own = await g.get(trust.token, `/tenders/${c.id}/bids`);
    expect(own.body.items.map((x: { id: string }) => x.id)).toEqual([a.id]);

    // the case's people: sealed
    for (const who of [w.commissioner, w.governance, w.panel[1]]) {
      const res = await g.get(who.token, `/tenders/${c.id}/bids`);
      expect([res.status, res.body.code]).toEqual([422, 'BIDS_SEALED']);
      const one = await g.get(who.token, `/tenders/${c.id}/bids/${a.id}`);
      expect([one.status, one.body.code]).toEqual([422, 'BIDS_SEALED']);
    }
    // anyone else may not see the case's bids at all
    expect((await g.get(w.outsider.token, `/tenders/${c.id}/bids`)).status).toBe(404);

    // withdraw and bid again: a new live bid
    const withdrawn = await g.post(member.token, `/tenders/${c.id}/bids/${b.id}/withdraw`, {}, 200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', revision: 2 });
    const revive = await t.http.put(`/api/v1/tenders/${c.id}/bids/${b.id}`).set(g.auth(member.token)).send(bidBody());
    expect([revive.status, revive.body.code]).toEqual([409, 'CONFLICT']);
    const b2 = await g.bid(member, c.id, 175000);
    expect(b2.id).not.toBe(b.id);

    // the case did not move: same version, same history, no trace of a bid
    const after = (await g.get(w.commissioner.token, `/cases/${c.id}`)).body;
    expect(after.version).toBe(before.version);
    expect(after).toEqual(before);
    expect(await g.history(w.commissioner.token, c.id)).toEqual(historyBefore);
    const tenderText = JSON.stringify((await g.get(social.token, `/tenders/${c.id}`)).body);
    for (const s of [a.id, b.id, b2.id, trust.providerId, member.providerId]) {
      expect(JSON.stringify(after)).not.toContain(s);
      expect(tenderText).not.toContain(s);
    }
    expect((await g.get(trust.token, `/tenders/${c.id}`)).body.myBid).toMatchObject({ id: a.id, status: 'submitted' });
  });

  it('validates bids against the tender’s criteria, and only provider users may bid', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    const c = await g.caseInTendering(w);
    const path = `/tenders/${c.id}/bids`;
    const { social_value: _dropped, ...missing } = g.responses;
    const r1 = await g.post(social.token, path, bidBody(1000, missing));
    expect([r1.status, r1.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(r1.body.errors).toEqual([expect.objectContaining({ field: 'responses.social_value' })]);
    const r2 = await g.post(social.token, path, bidBody(1000, { ...g.responses, colour: 'blue' }));
    expect([r2.status, r2.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const r3 = await g.post(social.token, path, { price: { amount: 1000, currency: 'USD' }, responses: g.responses });
    expect([r3.status, r3.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const r4 = await g.post(social.token, path, { ...bidBody(), providerId: w.trust.id });
    expect([r4.status, r4.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    // wrong role 403; unknown or unpublished tender 404 (before the role)
    const r5 = await g.post(w.commissioner.token, path, bidBody());
    expect([r5.status, r5.body.code]).toEqual([403, 'FORBIDDEN']);
    const draft = await g.draftCase(w);
    expect((await g.post(social.token, `/tenders/${draft.id}/bids`, bidBody())).status).toBe(404);
    expect((await g.post(w.commissioner.token, `/tenders/${draft.id}/bids`, bidBody())).status).toBe(404);
    expect((await g.post(social.token, `/tenders/not-a-uuid/bids`, bidBody())).status).toBe(404);

    // scoring before tendering closed: not allowed in this state
    const bid = await g.bid(social, c.id);
    const early = await g.post(w.panel[1].token, `/tenders/${c.id}/bids/${bid.id}/scores`, {
      scores: Object.fromEntries(g.criteria.map((k) => [k.key, 5])),
      comment: 'early',
    });
    expect([early.status, early.body.code]).toEqual([409, 'EVENT_NOT_ALLOWED']);
    const notPanel = await g.post(w.commissioner2.token, `/tenders/${c.id}/bids/${bid.id}/scores`, {
      scores: Object.fromEntries(g.criteria.map((k) => [k.key, 5])),
    });
    expect([notPanel.status, notPanel.body.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('an Idempotency-Key on a bid returns the first response and creates one bid', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    const c = await g.caseInTendering(w);
    const send = () =>
      t.http
        .post(`/api/v1/tenders/${c.id}/bids`)
        .set(g.auth(independent.token))
        .set('Idempotency-Key', `bid-${c.id}`)
        .send(bidBody(123456));
    const first = await send();
    const replay = await send();
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect((await g.get(independent.token, `/tenders/${c.id}/bids`)).body.items).toHaveLength(1);
  });

  it('representations need a published tender, a bidder and a running standstill', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    const c = await g.caseInTendering(w);
    await g.bid(trust, c.id);
    const path = `/cases/${c.id}/representations`;
    const notBidder = await g.post(social.token, path, { text: 'Unfair' });
    expect([notBidder.status, notBidder.body.code]).toEqual([403, 'FORBIDDEN']);
    const notProvider = await g.post(w.commissioner.token, path, { text: 'Unfair' });
    expect([notProvider.status, notProvider.body.code]).toEqual([403, 'FORBIDDEN']);
    const tooEarly = await g.post(trust.token, path, { text: 'Unfair' });
    expect([tooEarly.status, tooEarly.body.code]).toEqual([422, 'WINDOW_CLOSED']);
    const draft = await g.draftCase(w);
    expect((await g.post(trust.token, `/cases/${draft.id}/representations`, { text: 'x' })).status).toBe(404);
    expect((await g.get(trust.token, path)).body).toEqual({ items: [], nextCursor: null });
    expect((await g.get(w.outsider.token, path)).status).toBe(404);
  });
});
