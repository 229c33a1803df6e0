/**
 * A committed change is answered as committed, and an overloaded API says so before starting
 * work. Both on the suite's own database: the case view is made unreadable by taking away a
 * table only the view reads (the command never touches it), and the pool is exhausted by the
 * test holding every connection.
 */
import { DataSource, QueryRunner } from 'typeorm';
import { Metrics } from '@makebuy/metrics';
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

describe('a committed write answered as committed; overload answered 503 before work', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let ds: DataSource;

  beforeAll(async () => {
    // a tiny pool with a short queueing limit, and no worker competing for it
    t = await startTestApp({
      suite: 'faults_committed',
      worker: false,
      // and /metrics open to a network the test is not on
      env: { DATABASE_POOL_MAX: '3', DATABASE_POOL_WAIT_MS: '200', METRICS_ALLOWED_CIDRS: '10.0.0.0/8' },
    });
    g = given(t);
    w = await g.world();
    ds = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  const overloaded = async () =>
    ((await t.app.get(Metrics).registry.getSingleMetric('makebuy_overloaded_requests_total')?.get())?.values ?? [])
      .map((v) => v.value)
      .reduce((a, b) => a + b, 0);

  it('the view cannot be read after the commit: 200 { id, version, state, viewUnavailable } with the ETag', async () => {
    const c = await g.draftCase(w);
    // the award-checks runs are read by the case view only; SUBMIT never touches them
    await ds.query(`ALTER TABLE award_check_runs RENAME TO award_check_runs_away`);
    let res;
    try {
      res = await g.post(w.commissioner.token, `/cases/${c.id}/events`, { type: 'SUBMIT' });
    } finally {
      await ds.query(`ALTER TABLE award_check_runs_away RENAME TO award_check_runs`);
    }
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: c.id, version: c.version + 1, state: 'conflict_check', viewUnavailable: true });
    expect(res.headers.etag).toBe(`"${c.version + 1}"`);
    // it did happen: the history has it, and a retry is refused for the right reason
    const history = (await g.get(w.governance.token, `/cases/${c.id}/history`)).body;
    const entries = (Array.isArray(history) ? history : history.items) as { type: string }[];
    expect(entries.map((e) => e.type)).toContain('SUBMIT');
    const view = await g.get(w.commissioner.token, `/cases/${c.id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ state: 'conflict_check', version: c.version + 1 });
    expect(view.body.viewUnavailable).toBeUndefined();
  });

  it('no connection within the queueing limit: 503 OVERLOADED with Retry-After, and nothing changed', async () => {
    const c = await g.draftCase(w);
    const before = await overloaded();
    // the test holds every connection of the pool
    const held: QueryRunner[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const qr = ds.createQueryRunner();
        await qr.connect();
        held.push(qr);
      }
      const res = await g.post(w.commissioner.token, `/cases/${c.id}/events`, { type: 'SUBMIT' });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.body).toMatchObject({ status: 503, code: 'OVERLOADED', type: 'urn:makebuy:problem:overloaded' });
      const read = await g.get(w.commissioner.token, `/cases/${c.id}`);
      expect(read.status).toBe(503);
      expect(read.body.code).toBe('OVERLOADED');
    } finally {
      for (const qr of held) await qr.release();
    }
    expect((await overloaded()) - before).toBe(2);
    // nothing was started: the case is where it was
    const after = await g.get(w.commissioner.token, `/cases/${c.id}`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ state: 'draft', version: c.version });
    // and it works again at once
    await g.event(w.commissioner.token, c.id, { type: 'SUBMIT' });
  });

  it('/metrics from outside METRICS_ALLOWED_CIDRS: 401 without a token, 403 without admin, 200 for admins', async () => {
    const none = await t.http.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const commissioner = await t.http.get('/metrics').set('Authorization', `Bearer ${w.commissioner.token}`);
    expect(commissioner.status).toBe(403);
    expect(commissioner.body.code).toBe('FORBIDDEN');
    const admin = await t.http.get('/metrics').set('Authorization', `Bearer ${await t.adminToken()}`);
    expect(admin.status).toBe(200);
    expect(admin.headers['content-type']).toMatch(/^text\/plain/);
    expect(admin.text).toMatch(/^# HELP makebuy_http_request_duration_seconds /m);
    expect(admin.text).toMatch(/^makebuy_case_transitions_total\{event="SUBMIT"\} \d+/m);
  });
});
