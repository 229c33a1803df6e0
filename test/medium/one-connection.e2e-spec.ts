/**
 * Nothing inside a case transaction takes a second pool connection: with a pool of ONE
 * connection, a transaction that asked the pool for another would wait for itself until the
 * pool's wait limit and fail (503 OVERLOADED). So every event below, with its facts, effects and
 * notices (DECIDE_BUY notifies every provider user; a declaration upserts the person's annual
 * status and records detected conflicts; DECIDE_MAKE checks member practices), must succeed.
 */
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

jest.setTimeout(120_000);

describe('a case moves with a database pool of one connection', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp({
      suite: 'one_connection',
      worker: false,
      env: { DATABASE_POOL_MAX: '1', DATABASE_POOL_WAIT_MS: '3000' },
    });
    expect(t.config.databasePoolMax).toBe(1);
    g = given(t);
    w = await g.world();
  });
  afterAll(() => t?.close());

  it('submit, declarations and reviews, the conflict check and DECIDE_BUY all commit', async () => {
    const c = await g.caseInTendering(w);
    const view = (await g.get(w.commissioner.token, `/cases/${c.id}`)).body;
    expect(view.state).toBe('tendering');
    const rival = w.providerUsers[w.trust.id];
    const told = (await g.get(rival.token, '/notifications?limit=200')).body.items.filter(
      (n: { caseId: string }) => n.caseId === c.id,
    );
    expect(told.map((n: { kind: string }) => n.kind)).toEqual(['tender_published']);
    await g.bid(rival, c.id);
    await g.event(w.governance.token, c.id, { type: 'CANCEL', reasonCode: 'budget', note: 'funding withdrawn' });
    expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.state).toBe('cancelled');
  });

  it('DECIDE_MAKE (member practices, detected conflicts, award checks scheduled) commits', async () => {
    const c = await g.caseInRouteDecision(w);
    const res = await g.event(w.decider.token, c.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[0].id],
      psrProcess: 'most_suitable_provider',
      justification: 'the member practice already runs the clinic',
    });
    expect(res.body.state).toBe('award_checks');
    expect(res.body.detectedConflicts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ personId: w.gpPartner.id, providerId: w.memberPractices[0].id }),
      ]),
    );
  });
});
