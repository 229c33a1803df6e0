/**
 * Whole cases replayed through the API with every real answer (status, content type, body)
 * checked against the OpenAPI document the app serves: what a client generated from the
 * document would meet. Time runs a million times faster so tenders close and standstills end.
 */
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import {
  Exchange,
  OpenApiDocument,
  operationMatcher,
  recordExchanges,
  responseValidator,
} from '../support/openapi-conformance';

jest.setTimeout(180_000);

describe('OpenAPI document against real answers', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let doc: OpenApiDocument;
  let recorder: { exchanges: Exchange[]; stop(): void };
  /** ids met on the way, by the path parameter names that take them */
  const ids: Record<string, string[]> = {};
  const remember = (name: string, id: string | undefined) => id && (ids[name] ??= []).push(id);

  beforeAll(async () => {
    t = await startTestApp({ suite: 'openapi_replay', timeAcceleration: 1_000_000 });
    g = given(t);
    doc = (await t.http.get('/docs-json')).body;
    recorder = recordExchanges(t.app.getHttpServer());
    w = await g.world();
  });
  afterAll(async () => {
    recorder?.stop();
    await t?.close();
  });

  // long enough for the bids below on a loaded machine; the close is awaited, not timed
  const soon = () => new Date(Date.now() + 12_000).toISOString();

  it('a buy case: questions, bids, scores, award, a representation, awarded', async () => {
    const c = await g.caseInTendering(w, { tenderClosesAt: soon });
    remember('caseId', c.id);
    remember('id', c.id);
    const trust = w.providerUsers[w.trust.id];
    const practice = w.providerUsers[w.memberPractices[1].id];
    const q = await g.post(trust.token, `/tenders/${c.id}/questions`, { text: 'Is weekend cover needed?' }, 201);
    remember('questionId', q.body.id);
    await g.post(w.commissioner.token, `/tenders/${c.id}/questions/${q.body.id}/answer`, { text: 'No.' }, 200);
    const b1 = await g.bid(trust, c.id, 180000);
    const b2 = await g.bid(practice, c.id, 220000);
    remember('bidId', b1.id);
    await t.http
      .put(`/api/v1/tenders/${c.id}/bids/${b2.id}`)
      .set(g.auth(practice.token))
      .send({ price: { amount: 210000, currency: 'GBP' }, responses: g.responses })
      .expect(200);
    await g.get(trust.token, `/tenders/${c.id}`);
    await g.get(trust.token, `/tenders/${c.id}/bids`);
    await g.get(w.commissioner.token, `/tenders/${c.id}/bids`); // sealed: 422
    await g.waitForState(w.governance.token, c.id, 'evaluation');
    for (const m of w.panel) {
      await g.score(m, c.id, b1.id, 8);
      await g.score(m, c.id, b2.id, 6);
    }
    await g.get(w.commissioner.token, `/tenders/${c.id}/bids`);
    await g.event(w.decider.token, c.id, { type: 'PROPOSE_AWARD', bidId: b1.id, justification: 'best value' });
    await g.waitForState(w.governance.token, c.id, 'standstill');
    const rep = await g.post(practice.token, `/cases/${c.id}/representations`, { text: 'check the scoring' }, 201);
    remember('representationId', rep.body.id);
    await g.get(w.governance.token, `/cases/${c.id}/representations`);
    await g.post(
      w.governance.token,
      `/cases/${c.id}/representations/${rep.body.id}/resolve`,
      { outcome: 'not_upheld', response: 'the scoring was sound' },
      200,
    );
    await g.waitForState(w.governance.token, c.id, 'awarded');
    await g.get(trust.token, '/bids');
    await g.get(practice.token, '/bids');
  });

  it('a make case: member practice flagged, governance review, approved', async () => {
    const c = await g.caseInRouteDecision(w);
    remember('id', c.id);
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[1].id],
      psrProcess: 'direct_award_c',
      justification: 'the practice is ready',
    });
    const review = await g.waitForState(w.governance.token, c.id, 'governance_review');
    for (const f of review.flags as { id: string; status: string; severity: string }[]) {
      remember('flagId', f.id);
      if (f.status === 'open' && f.severity === 'blocking')
        await g.post(
          w.governance.token,
          `/flags/${f.id}/resolve`,
          { resolution: 'accepted', justification: 'ok' },
          200,
        );
    }
    await g.event(w.governance.token, c.id, { type: 'APPROVE_AWARD', note: 'signed off' });
    await g.waitForState(w.governance.token, c.id, 'awarded');
  });

  it('refusals: not found, forbidden, invalid, stale, not allowed, reused keys, too large', async () => {
    const c = await g.draftCase(w);
    remember('id', c.id);
    const admin = await t.adminToken();
    const interest = await g.post(
      w.gpPartner.token,
      '/interests',
      { category: 'financial', providerId: w.memberPractices[0].id, description: 'partner', startsOn: '2024-01-01' },
      201,
    );
    remember('interestId', interest.body.id);
    await g.post(w.commissioner.token, '/cases', { ...g.caseBody(w), title: 42 });
    await g.post(w.governance.token, '/cases', g.caseBody(w));
    await g.get(w.commissioner.token, `/cases/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`);
    await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' }, 409);
    await t.http
      .post(`/api/v1/cases/${c.id}/events`)
      .set({ ...g.auth(w.commissioner.token), 'If-Match': '"999"' })
      .send({ type: 'SUBMIT' });
    await g.post(w.commissioner.token, `/cases/${c.id}/panel`, { personId: w.commissioner2.id });
    await t.http.delete(`/api/v1/cases/${c.id}/panel/${w.commissioner2.id}`).set(g.auth(w.commissioner.token));
    const key = { ...g.auth(admin), 'Idempotency-Key': `replay-${Date.now()}` };
    await t.http.post('/api/v1/consortia').set(key).send({ name: 'Idempotent consortium' });
    await t.http.post('/api/v1/consortia').set(key).send({ name: 'Idempotent consortium' });
    await t.http.post('/api/v1/consortia').set(key).send({ name: 'Another body' });
    await t.http
      .post('/api/v1/consortia')
      .set(g.auth(admin))
      .send({ name: 'x'.repeat(200_000) });
    await t.http.get('/api/v1/cases?limit=500').set(g.auth(w.commissioner.token));
    await t.http.get('/api/v1/cases?cursor=forged').set(g.auth(w.commissioner.token));
    await t.http.get('/api/v1/cases');
    await g.event(w.commissioner.token, c.id, { type: 'CANCEL', reasonCode: 'no_longer_needed', note: 'replay' });
  });

  it('every documented read, by every role and without a token', async () => {
    const admin = await t.adminToken();
    const callers = [
      admin,
      w.commissioner.token,
      w.governance.token,
      w.gpPartner.token,
      w.providerUsers[w.trust.id].token,
      w.outsider.token,
      null,
    ];
    remember('personId', w.gpPartner.id);
    const fill = (path: string): string[] => {
      // the first id met for each parameter name; `{id}` under /consortia, /people, /providers, /flags takes theirs
      const section = path.split('/')[3];
      const forId: Record<string, string | undefined> = {
        consortia: w.consortiumId,
        people: w.gpPartner.id,
        providers: w.trust.id,
        flags: ids.flagId?.[0],
        notifications: undefined,
      };
      const value = (name: string) =>
        name === 'id' && section in forId ? forId[section] : (ids[name]?.[0] ?? ids.id?.[0]);
      const urls = [path.replace(/\{([^}]+)\}/g, (_m, name: string) => value(name) ?? 'unknown')];
      return urls;
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item.get) continue;
      for (const url of fill(path))
        for (const tok of callers) {
          const req = t.http.get(url);
          if (tok) req.set(g.auth(tok));
          await req;
        }
    }
  });

  it('every answer is one the document declares, with the declared body', () => {
    const validate = responseValidator(doc);
    const problems = recorder.exchanges.flatMap(validate);
    expect(problems).toEqual([]);
    // the replay reached the API broadly (else it could not fail)
    const match = operationMatcher(doc);
    const reached = new Set(
      recorder.exchanges.map((e) => match(e.method, e.url)).flatMap((m) => (m ? [`${m.method} ${m.path}`] : [])),
    );
    const gets = Object.entries(doc.paths).flatMap(([p, item]) => (item.get ? [`get ${p}`] : []));
    expect(gets.filter((op) => !reached.has(op))).toEqual([]);
    expect(recorder.exchanges.length).toBeGreaterThan(200);
    expect(new Set(recorder.exchanges.map((e) => e.status)).size).toBeGreaterThanOrEqual(8);
  });
});
