/**
 * Declarations, reviews and client events are admitted on the row the case engine locks (no
 * guard reads the case first): the contract's order of refusals still holds there, bad input
 * included (the input guard's 400 comes after 404 and 403).
 */
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

jest.setTimeout(120_000);

describe('the order of refusals on writes admitted under the case lock', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'refusal_order', worker: false });
    g = given(t);
    w = await g.world();
  });
  afterAll(() => t?.close());

  const nul = { interestIds: [], nilReturn: true, note: 'a\u0000b' };
  const code = (r: { status: number; body: { code?: string } }) => ({ status: r.status, code: r.body.code });

  it('declarations: 404, then 403, then 400, then 201', async () => {
    const c = await g.caseInConflictCheck(w);
    const path = `/cases/${c.id}/declarations`;
    expect(code(await g.post(w.outsider.token, path, nul))).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(code(await g.post(w.commissioner2.token, path, nul))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(code(await g.post(w.decider.token, path, nul))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(code(await g.post(w.decider.token, path, { interestIds: [], nilReturn: 'yes' }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    const ok = await g.post(w.decider.token, path, { interestIds: [], nilReturn: true });
    expect(ok.status).toBe(201);
    // a review: 404 for the outsider, 403 for a commissioner, 400 for governance's bad body
    const review = `/cases/${c.id}/declarations/${ok.body.id}/review`;
    const bad = { mitigation: 'none', note: 'x\u0000' };
    expect(code(await g.post(w.outsider.token, review, bad))).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(code(await g.post(w.commissioner.token, review, bad))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(code(await g.post(w.governance.token, review, bad))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect((await g.post(w.governance.token, review, { mitigation: 'none', note: 'ok' })).status).toBe(201);
  });

  it('client events: bad input from someone who may not see the case is 404, with or without an Idempotency-Key', async () => {
    const c = await g.draftCase(w);
    const body = { type: 'SUBMIT', note: '\u0000' };
    expect(code(await g.post(w.outsider.token, `/cases/${c.id}/events`, body))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
    const keyed = await t.http
      .post(`/api/v1/cases/${c.id}/declarations`)
      .set({ authorization: `Bearer ${w.outsider.token}`, 'idempotency-key': 'k-1' })
      .send(nul);
    expect(code(keyed)).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(code(await g.post(w.commissioner.token, `/cases/${c.id}/events`, body))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });
});
