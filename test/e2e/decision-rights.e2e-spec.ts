/**
 * v1.1 "who may act": the panel is the consortium's commissioners, only reviewed and unexcluded
 * panel members decide, excluded members cannot cancel, and what excluded members may see of
 * bids, scores, the ranking and the history. Time runs a million times faster.
 */
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

describe('decision rights and what excluded members see', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let other: World;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'decision_rights', timeAcceleration: 1_000_000 });
    g = given(t);
    w = await g.world();
    other = await g.world();
  });
  afterAll(() => t.close());

  const code = (res: { status: number; body: { code?: string } }) => [res.status, res.body.code];

  it('a commissioner raises cases only in its own consortium, with a panel of that consortium’s commissioners', async () => {
    expect(code(await g.post(other.commissioner.token, '/cases', g.caseBody(w)))).toEqual([403, 'FORBIDDEN']);
    for (const panelPersonIds of [
      [w.panel[0].id, other.panel[0].id], // another consortium's commissioner
      [w.panel[0].id, w.governance.id], // not a commissioner
      [w.panel[0].id, Object.values(w.providerUsers)[0].id], // a provider user
      [w.panel[0].id, w.outsider.id], // a commissioner of no consortium
    ]) {
      expect(code(await g.post(w.commissioner.token, '/cases', g.caseBody(w, { panelPersonIds })))).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const c = await g.draftCase(w);
    expect(code(await g.post(w.commissioner.token, `/cases/${c.id}/panel`, { personId: other.panel[1].id }))).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
    expect((await g.post(w.commissioner.token, `/cases/${c.id}/panel`, { personId: w.commissioner2.id })).status).toBe(
      200,
    );
  });

  it('route decisions come from reviewed, unexcluded panel members; excluded members cannot cancel', async () => {
    const [partner, neutral, lay] = w.panel;
    const c = await g.caseInRouteDecision(w, {}, { [partner.id]: 'exclude_entirely' });
    const buy = { type: 'DECIDE_BUY', criteria: g.criteria };
    // the creator is not on the panel
    expect(code(await g.event(w.commissioner.token, c.id, buy, 403))).toEqual([403, 'FORBIDDEN']);
    expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.allowedEvents).toEqual(['CANCEL']);
    // the excluded member: neither decide nor cancel
    expect(code(await g.event(partner.token, c.id, buy, 422))).toEqual([422, 'EXCLUDED_BY_CONFLICT']);
    expect(code(await g.event(partner.token, c.id, { type: 'CANCEL', reasonCode: 'other', note: 'x' }, 422))).toEqual([
      422,
      'EXCLUDED_BY_CONFLICT',
    ]);
    expect((await g.get(partner.token, `/cases/${c.id}`)).body.allowedEvents).toEqual([]);
    expect((await g.get(neutral.token, `/cases/${c.id}`)).body.allowedEvents.sort()).toEqual(
      ['CANCEL', 'DECIDE_BUY', 'DECIDE_MAKE'].sort(),
    );
    // another consortium's governance officer does not serve this case
    expect((await g.get(other.governance.token, `/cases/${c.id}`)).status).toBe(404);
    expect(
      (await g.event(other.governance.token, c.id, { type: 'CANCEL', reasonCode: 'other', note: 'x' }, 404)).status,
    ).toBe(404);
    const decided = await g.event(lay.token, c.id, buy);
    expect(decided.body.state).toBe('tendering');
    const history = await g.history(w.governance.token, c.id);
    expect(history.find((e) => e.type === 'DECIDE_BUY')?.actor).toBe(lay.id);
  });

  it('excluded entirely: no bids, scores or ranking; excluded from evaluation: the ranking but no bids or scores', async () => {
    const [partner, neutral, lay] = w.panel;
    const c = await g.caseInRouteDecision(
      w,
      {},
      { [partner.id]: 'exclude_entirely', [lay.id]: 'exclude_from_evaluation' },
    );
    await g.event(neutral.token, c.id, {
      type: 'DECIDE_BUY',
      criteria: g.criteria,
      tenderClosesAt: () => new Date(Date.now() + 3000).toISOString(),
    });
    const a = await g.bid(w.providerUsers[w.trust.id], c.id, 210000);
    const b = await g.bid(w.providerUsers[w.independent.id], c.id, 190000);
    await g.waitForState(w.governance.token, c.id, 'evaluation');

    // before scoring: bids
    for (const who of [partner, lay]) {
      expect((await g.get(who.token, `/tenders/${c.id}/bids`)).status).toBe(404);
      expect((await g.get(who.token, `/tenders/${c.id}/bids/${a.id}`)).status).toBe(404);
    }
    expect((await g.get(neutral.token, `/tenders/${c.id}/bids`)).body.items).toHaveLength(2);
    const excludedScore = await g.post(lay.token, `/tenders/${c.id}/bids/${a.id}/scores`, {
      scores: Object.fromEntries(g.criteria.map((x) => [x.key, 5])),
      comment: 'x',
    });
    expect(code(excludedScore)).toEqual([422, 'EXCLUDED_BY_CONFLICT']);

    await g.score(neutral, c.id, a.id, 8);
    await g.score(neutral, c.id, b.id, 6);

    // the ranking: the member excluded from evaluation sees it, the one excluded entirely does not
    expect((await g.get(lay.token, `/cases/${c.id}`)).body.ranking).toHaveLength(2);
    expect((await g.get(partner.token, `/cases/${c.id}`)).body).not.toHaveProperty('ranking');
    expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.ranking).toHaveLength(2);

    // score sheets
    const sheets = (token: string, bidId = a.id) => g.get(token, `/tenders/${c.id}/bids/${bidId}/scores`);
    for (const who of [partner, lay]) expect((await sheets(who.token)).status).toBe(404);
    expect((await sheets(w.providerUsers[w.trust.id].token)).status).toBe(404);
    expect((await sheets(other.commissioner.token)).status).toBe(404);
    for (const reader of [w.commissioner.token, w.governance.token, neutral.token]) {
      const res = await sheets(reader);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            evaluatorId: neutral.id,
            evaluatorName: neutral.name,
            scores: Object.fromEntries(g.criteria.map((x) => [x.key, 8])),
            comment: 'scored',
            at: expect.any(String),
          },
        ],
        nextCursor: null,
      });
    }
    expect(
      (await g.get(w.commissioner.token, `/tenders/${c.id}/bids/00000000-0000-4000-8000-000000000000/scores`)).status,
    ).toBe(404);

    // history: score rows keep their place, without scores, for the member excluded from evaluation
    const hidden = (await g.history(lay.token, c.id)).filter((e) => e.type === 'SCORE_RECORDED');
    expect(hidden).toHaveLength(2);
    for (const e of hidden) {
      expect(e.payload).toEqual({ bidId: expect.any(String), evaluatorId: neutral.id, scoresHidden: true });
    }
    const shown = (await g.history(w.commissioner.token, c.id)).filter((e) => e.type === 'SCORE_RECORDED');
    expect(shown.map((e) => e.payload.scores)).toEqual([
      Object.fromEntries(g.criteria.map((x) => [x.key, 8])),
      Object.fromEntries(g.criteria.map((x) => [x.key, 6])),
    ]);
    expect((await g.get(w.commissioner.token, `/cases/${c.id}/history/verify`)).body.valid).toBe(true);

    // the member excluded from evaluation may still propose; the one excluded entirely may not
    expect(
      code(await g.event(partner.token, c.id, { type: 'PROPOSE_AWARD', bidId: a.id, justification: 'x' }, 422)),
    ).toEqual([422, 'EXCLUDED_BY_CONFLICT']);
    const proposed = await g.event(lay.token, c.id, { type: 'PROPOSE_AWARD', bidId: a.id, justification: 'best' });
    expect(proposed.body.state).toBe('award_checks');
  });

  it('history pages: every entry once, in order; a foreign cursor is 400', async () => {
    const c = await g.caseInRouteDecision(w);
    const all = await g.history(w.governance.token, c.id);
    const seqs: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { seq: number }[]; nextCursor: string | null } } = await g.get(
        w.governance.token,
        `/cases/${c.id}/history?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seqs.push(...res.body.items.map((e) => e.seq));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seqs).toEqual(all.map((e) => e.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect((await g.get(w.governance.token, `/cases/${c.id}/history?cursor=bogus`)).status).toBe(400);
  });

  it('governance with a consortiumId serves only its consortium: cases, flags, flag queue', async () => {
    const c = await g.caseInRouteDecision(w);
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[1].id],
      psrProcess: 'direct_award_c',
      justification: 'performing well',
    });
    const review = await g.waitForState(w.governance.token, c.id, 'governance_review');
    const flag = review.flags.find((f: { code: string }) => f.code === 'MEMBER_PRACTICE_AWARD');
    expect(flag).toBeDefined();
    const ids = async (token: string) =>
      ((await g.get(token, '/flags?limit=200')).body.items as { id: string }[]).map((f) => f.id);
    expect(await ids(w.governance.token)).toContain(flag.id);
    expect(await ids(other.governance.token)).not.toContain(flag.id);
    expect((await g.get(other.governance.token, `/flags/${flag.id}`)).status).toBe(404);
    const resolve = await g.post(other.governance.token, `/flags/${flag.id}/resolve`, {
      resolution: 'accepted',
      justification: 'x',
    });
    expect(resolve.status).toBe(404);
    const listed = ((await g.get(other.governance.token, '/cases?limit=200')).body.items as { id: string }[]).map(
      (x) => x.id,
    );
    expect(listed).not.toContain(c.id);
  });
});
