import { startTestApp, TestApp } from '../support/test-app';
import { given } from '../support/given';

/** Mitigations enforced in evaluation, and bidders revealed to the conflict detection only when tendering closes. */
describe('conflicts in evaluation', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'conflicts_scoring', timeAcceleration: 1_000_000 });
    g = given(t);
  });
  afterAll(() => t.close());

  it('a GP partner excluded from evaluation cannot score; links to bidders show only once tendering closes', async () => {
    const w = await g.world();
    const admin = await t.adminToken();
    const c = await g.caseInTendering(w, {
      mitigations: { [w.gpPartner.id]: 'exclude_from_evaluation' },
      tenderClosesAt: () => new Date(Date.now() + 3500).toISOString(),
    });
    // a link gained after the conflict check, to a provider that is not a member practice
    await g.post(
      admin,
      `/people/${w.panel[2].id}/affiliations`,
      { providerId: w.independent.id, relationship: 'employee' },
      201,
    );
    const bid = await g.bid(w.providerUsers[w.independent.id], c.id);

    // sealed: nothing about the bidder shows while tendering
    const during = (await g.get(w.governance.token, `/cases/${c.id}`)).body;
    expect(during.state).toBe('tendering');
    expect(during.detectedConflicts.filter((x: { providerId: string }) => x.providerId === w.independent.id)).toEqual(
      [],
    );

    await g.waitForState(w.governance.token, c.id, 'evaluation');
    const after = (await g.get(w.governance.token, `/cases/${c.id}`)).body;
    expect(after.detectedConflicts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          personId: w.panel[2].id,
          providerId: w.independent.id,
          relationship: 'employee',
          reason: 'bidders_revealed',
          declared: false,
        }),
      ]),
    );
    expect(after.panel.find((m: { personId: string }) => m.personId === w.gpPartner.id)).toMatchObject({
      excludedFromEvaluation: true,
      excludedFromDecision: false,
    });

    const scores = Object.fromEntries(g.criteria.map((k) => [k.key, 7]));
    const excluded = await t.http
      .post(`/api/v1/tenders/${c.id}/bids/${bid.id}/scores`)
      .set(g.auth(w.gpPartner.token))
      .send({ scores, comment: 'I should not be scoring this' });
    expect(excluded.status).toBe(422);
    expect(excluded.body.code).toBe('EXCLUDED_BY_CONFLICT');
    const allowed = await g.score(w.panel[1], c.id, bid.id, 7);
    expect(allowed.status).toBe(201);
  });
});
