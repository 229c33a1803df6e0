/**
 * The workflow writes the change feed: a buy-route case played through the API from publication
 * to award, and two cancellations. Each caller's feed shows what the contract lists; a provider's
 * system following its webhook alone learns everything about its tenders and its own bids,
 * verified with standardwebhooks; nobody but the bidder hears of a bid.
 */
import { Webhook } from 'standardwebhooks';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, Person, World } from '../support/given';
import { startReceiver } from '../support/webhook-receiver';

jest.setTimeout(150_000);

interface Item {
  id: string;
  type: string;
  caseId: string | null;
  ocid: string | null;
  data: Record<string, unknown>;
}

describe('the workflow writes the change feed', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let rx: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    rx = await startReceiver();
    t = await startTestApp({
      suite: 'feed_workflow',
      timeAcceleration: 200_000,
      env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
      // a long standstill, so a representation is lodged inside it however slow the machine; the
      // further standstill after it is not upheld (5 working days) then ends the case
      policy: (p) => ({ ...p, tracks: { ...p.tracks, fast: { ...p.tracks.fast, standstill: 60 } } }),
    });
    g = given(t);
    w = await g.world();
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  async function feedOf(token: string | null, caseId: string): Promise<Item[]> {
    const out: Item[] = [];
    let after: string | null = null;
    for (;;) {
      const req = t.http.get('/api/v1/feed').query({ limit: 200, ...(after ? { after } : {}) });
      const res = await (token ? req.set('Authorization', `Bearer ${token}`) : req);
      expect(res.status).toBe(200);
      out.push(...(res.body.items as Item[]));
      after = res.body.nextCursor;
      if (res.body.items.length < 200) return out.filter((i) => i.caseId === caseId);
    }
  }
  const types = (items: Item[]) => items.map((i) => i.type);

  it('a buy-route case from publication to award: public, provider and consortium views, and a webhook', async () => {
    const [trust, independent] = [w.trust, w.independent].map((p) =>
      Object.values(w.providerUsers).find((u) => u.providerId === p.id)!,
    );
    const hook = await g.post(
      trust.token,
      '/webhooks',
      {
        url: rx.url('/trust'),
        events: [
          'tender.published',
          'tender.closed',
          'award.intended',
          'award.confirmed',
          'bid.received',
          'debrief.published',
        ],
      },
      201,
    );

    const c = await g.caseInTendering(w);
    const b1 = await g.bid(trust, c.id, 210000);
    await g.post(
      independent.token,
      `/tenders/${c.id}/bids`,
      { price: { amount: 190000, currency: 'GBP' }, responses: g.responses },
      201,
    );
    const revised = await t.http
      .put(`/api/v1/tenders/${c.id}/bids/${b1.id}`)
      .set(g.auth(trust.token))
      .send({ price: { amount: 205000, currency: 'GBP' }, responses: g.responses });
    expect(revised.status).toBe(200);
    // before close: the public and the consortium hear nothing about bids
    await eventually(
      async () => types(await feedOf(trust.token, c.id)).filter((x) => x === 'bid.received').length === 2,
    );
    expect(types(await feedOf(null, c.id))).toEqual(['tender.published']);
    expect(types(await feedOf(w.commissioner.token, c.id))).not.toContain('bid.received');

    await g.waitForState(w.commissioner.token, c.id, 'evaluation');
    const bids = (await g.get(w.commissioner.token, `/tenders/${c.id}/bids`)).body.items as {
      id: string;
      providerId: string;
    }[];
    const top = bids.find((b) => b.providerId === trust.providerId)!;
    for (const p of w.panel) for (const b of bids) await g.score(p, c.id, b.id, b.id === top.id ? 8 : 6);
    await g.event(w.decider.token, c.id, { type: 'PROPOSE_AWARD', bidId: top.id, justification: 'Top ranked' });
    // a bidder's representation during standstill: only it hears the outcome
    await g.waitForState(w.commissioner.token, c.id, 'standstill');
    const rep = await g.post(
      independent.token,
      `/cases/${c.id}/representations`,
      { text: 'Not assessed fairly.' },
      201,
    );
    await g.post(
      w.governance.token,
      `/cases/${c.id}/representations/${rep.body.id}/resolve`,
      { outcome: 'not_upheld', response: 'Assessed again.' },
      200,
    );
    await g.waitForState(w.commissioner.token, c.id, 'awarded', 60_000);

    const publicFeed = await eventually(async () => {
      const f = await feedOf(null, c.id);
      return f.some((i) => i.type === 'award.confirmed') ? f : null;
    });
    expect(types(publicFeed)).toEqual(['tender.published', 'tender.closed', 'award.intended', 'award.confirmed']);
    expect(publicFeed[3].data).toMatchObject({ route: 'competitive', awardeeProviderIds: [trust.providerId] });
    expect(publicFeed.every((i) => i.ocid?.startsWith('ocds-'))).toBe(true);

    const trustFeed = await feedOf(trust.token, c.id);
    expect(types(trustFeed)).toEqual([
      'tender.published',
      'bid.received',
      'bid.received',
      'tender.closed',
      'award.intended',
      'debrief.published',
      'award.confirmed',
    ]);
    expect(trustFeed.filter((i) => i.type === 'bid.received').map((i) => i.data)).toEqual([
      { bidId: b1.id, action: 'submitted', revision: 1 },
      { bidId: b1.id, action: 'revised', revision: 2 },
    ]);
    const independentFeed = await feedOf(independent.token, c.id);
    expect(types(independentFeed).filter((x) => x === 'bid.received')).toHaveLength(1);
    expect(independentFeed.filter((i) => i.type === 'representation.resolved').map((i) => i.data)).toEqual([
      { representationId: rep.body.id, outcome: 'not_upheld' },
    ]);
    expect(JSON.stringify(independentFeed)).not.toContain(b1.id);

    for (const who of [w.commissioner, w.governance] as Person[]) {
      const f = await feedOf(who.token, c.id);
      expect(types(f)).not.toContain('bid.received');
      expect(types(f)).not.toContain('debrief.published');
      expect(types(f)).not.toContain('representation.resolved');
      expect(
        f.filter((i) => i.type === 'case.transitioned').map((i) => `${i.data.fromState}->${i.data.toState}`),
      ).toEqual([
        'draft->conflict_check',
        'conflict_check->route_decision',
        'route_decision->tendering',
        'tendering->evaluation',
        'evaluation->award_checks',
        'award_checks->standstill',
        'standstill->awarded',
      ]);
    }

    // the provider's system, by webhook alone: every message verifies; its own bid events and the public ones
    await eventually(async () => rx.on('/trust').length >= 7, 20_000);
    const got = rx
      .on('/trust')
      .map(
        (r) =>
          new Webhook(hook.body.secret).verify(r.body, r.headers) as {
            type: string;
            data: { caseId: string; feedId: string };
          },
      )
      .filter((m) => m.data.caseId === c.id);
    // each feed item of the case exactly once, naming its feed item; deliveries to one endpoint run up to
    // WEBHOOK_CONCURRENCY_PER_ENDPOINT at a time, so they may arrive in another order than the feed's
    // (the feed is the ordered record: docs/feed.md)
    const delivered = new Map(got.map((m) => [m.data.feedId, m.type]));
    expect(delivered.size).toBe(got.length);
    expect(new Map(trustFeed.map((i) => [i.id, i.type]))).toEqual(delivered);
  });

  it('case.cancelled is public only once something was published; the consortium sees every cancellation', async () => {
    const quiet = await g.caseInRouteDecision(w);
    await g.event(w.commissioner.token, quiet.id, { type: 'CANCEL', reasonCode: 'budget', note: 'no money' });
    const published = await g.caseInTendering(w);
    await g.event(w.commissioner.token, published.id, {
      type: 'CANCEL',
      reasonCode: 'no_longer_needed',
      note: 'moved',
    });
    const ofCase = async (token: string | null, id: string) => types(await feedOf(token, id));
    await eventually(async () => (await ofCase(null, published.id)).includes('case.cancelled'));
    expect(await ofCase(null, published.id)).toEqual(['tender.published', 'case.cancelled']);
    expect((await feedOf(null, published.id))[1].data).toEqual({ reasonCode: 'no_longer_needed' });
    expect(await ofCase(null, quiet.id)).toEqual([]);
    const internal = await feedOf(w.governance.token, quiet.id);
    expect(internal.map((i) => i.data.toState)).toContain('cancelled');
    // another consortium's commissioner sees none of it but the public part
    expect(await ofCase(w.outsider.token, quiet.id)).toEqual([]);
  });

  it('flags raised and resolved, and a breached deadline: to the consortium only', async () => {
    // make route to a member practice: the award checks raise MEMBER_PRACTICE_AWARD (blocking)
    const c = await g.caseInRouteDecision(w);
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[1].id],
      psrProcess: 'direct_award_c',
      justification: 'performing well',
    });
    await g.waitForState(w.governance.token, c.id, 'governance_review');
    const flags = (await g.get(w.governance.token, `/cases/${c.id}/flags`)).body.items as {
      id: string;
      code: string;
    }[];
    expect(flags.map((f) => f.code)).toContain('MEMBER_PRACTICE_AWARD');
    const raised = await eventually(async () => {
      const f = (await feedOf(w.commissioner.token, c.id)).filter((i) => i.type === 'flag.raised');
      return f.length ? f : null;
    });
    expect(raised.map((i) => i.data.flagId).sort()).toEqual(flags.map((f) => f.id).sort());
    for (const f of flags.filter((f) =>
      ['MEMBER_PRACTICE_AWARD', 'CONFLICTED_PARTICIPANT', 'UNDECLARED_AFFILIATION', 'NOT_TOP_RANKED'].includes(f.code),
    ))
      await g.post(
        w.governance.token,
        `/flags/${f.id}/resolve`,
        { resolution: 'accepted', justification: 'reviewed' },
        200,
      );
    await g.event(w.governance.token, c.id, { type: 'APPROVE_AWARD', note: 'cleared' });
    // items become readable one relay pass after commit; the last one placed means all before it are
    await eventually(async () => types(await feedOf(null, c.id)).includes('award.intended'));

    const internal = await feedOf(w.governance.token, c.id);
    expect(internal.filter((i) => i.type === 'flag.resolved').map((i) => i.data.resolution)).toEqual(
      expect.arrayContaining(['accepted']),
    );
    expect(types(await feedOf(null, c.id))).toEqual(['award.intended']);
    const trust = Object.values(w.providerUsers).find((u) => u.providerId === w.trust.id)!;
    for (const token of [null, trust.token]) {
      const f = types(await feedOf(token, c.id));
      expect(f).not.toContain('flag.raised');
      expect(f).not.toContain('flag.resolved');
    }

    // a conflict check left past its service level: deadline.breached and its advisory flag, to the consortium
    const late = await g.caseInConflictCheck(w);
    const breached = await eventually(async () => {
      const f = await feedOf(w.commissioner.token, late.id);
      return f.some((i) => i.type === 'deadline.breached') ? f : null;
    }, 30_000);
    expect(breached.find((i) => i.type === 'deadline.breached')!.data).toMatchObject({ kind: 'conflict_check_sla' });
    expect(breached.filter((i) => i.type === 'flag.raised').map((i) => i.data.code)).toEqual(['DEADLINE_BREACH']);
    expect(await feedOf(null, late.id)).toEqual([]);
  });
});
