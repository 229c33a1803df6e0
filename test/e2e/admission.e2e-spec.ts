/**
 * Admission control: with HTTP_MAX_IN_FLIGHT API requests in flight, one more is answered 503
 * OVERLOADED with Retry-After at the door, having done no work at all (no SQL statement, no pool
 * connection: not even authentication), and changing nothing. Health and metrics are never shed.
 * The request kept in flight waits for a pool connection the test holds (no timing involved).
 */
import { DataSource, QueryRunner } from 'typeorm';
import { Metrics } from '@makebuy/metrics';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { PgCounter } from '../support/pg-counter';

describe('admission control: over HTTP_MAX_IN_FLIGHT a request is shed before any work', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp({
      suite: 'admission',
      worker: false,
      env: { HTTP_MAX_IN_FLIGHT: '1', DATABASE_POOL_MAX: '2', DATABASE_POOL_WAIT_MS: '60000' },
    });
    expect(t.config.httpMaxInFlight).toBe(1);
    g = given(t);
    w = await g.world();
    ds = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  const shed = async () =>
    ((await t.app.get(Metrics).registry.getSingleMetric('makebuy_shed_requests_total')?.get())?.values ?? [])
      .map((v) => v.value)
      .reduce((a, b) => a + b, 0);

  it('answers 503 OVERLOADED with Retry-After, sends no SQL, and the case is unchanged', async () => {
    const c = await g.draftCase(w);
    const before = await shed();
    const pool = (ds.driver as unknown as { master: { waitingCount: number } }).master;
    const held: QueryRunner[] = [];
    const counter = PgCounter.install();
    let inFlight: Promise<{ status: number; body: { state?: string } }> | null = null;
    try {
      for (let i = 0; i < 2; i++) {
        const qr = ds.createQueryRunner();
        await qr.connect();
        held.push(qr);
      }
      // one request in flight: it waits for a pool connection
      inFlight = g.get(w.commissioner.token, `/cases/${c.id}`);
      await eventually(async () => pool.waitingCount >= 1);

      const { value: res, counts } = await counter.measure(() =>
        g.post(w.commissioner.token, `/cases/${c.id}/events`, { type: 'SUBMIT' }),
      );
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.body).toMatchObject({ status: 503, code: 'OVERLOADED', type: 'urn:makebuy:problem:overloaded' });
      // no work: not one statement, not one pool connection
      expect(counts.statements).toBe(0);
      expect(counts.checkouts).toBe(0);

      // never shed: liveness and metrics
      expect((await t.http.get('/health/live')).status).toBe(200);
      expect((await t.http.get('/metrics')).status).toBe(200);
    } finally {
      counter.uninstall();
      for (const qr of held) await qr.release();
    }
    // the request in flight is answered once it gets its connection
    const first = await inFlight!;
    expect(first.status).toBe(200);
    expect(first.body.state).toBe('draft');
    expect((await shed()) - before).toBe(1);

    // nothing changed: same version, no SUBMIT in the history; and it works again at once
    const after = await g.get(w.commissioner.token, `/cases/${c.id}`);
    expect(after.body).toMatchObject({ state: 'draft', version: c.version });
    const history = await g.history(w.governance.token, c.id);
    expect(history.map((e) => e.type)).toEqual(['CREATED']);
    const ok = await g.event(w.commissioner.token, c.id, { type: 'SUBMIT' });
    expect(ok.body).toMatchObject({ state: 'conflict_check', version: c.version + 1 });
  });
});
