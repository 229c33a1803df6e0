/**
 * Readiness, liveness, metrics and connection logs while PostgreSQL or Redis is down. The API
 * (with its worker, APP_ROLE=all) runs as its own process on a PRIVATE PostgreSQL cluster and a
 * PRIVATE redis-server, which this suite stops and starts; the shared ones are never touched.
 */
import { randomBytes } from 'node:crypto';
import { ApiProcess } from '../support/api-process';
import { PrivatePostgres, PrivateRedis } from '../support/private-services';
import { eventually } from '../support/test-app';

jest.setTimeout(180_000);

/** `name{labels} value` from a Prometheus text body. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]] as [string, string]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return null;
}

describe('health, metrics and outage logs with PostgreSQL or Redis down (private instances)', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let api: ApiProcess;
  let admin: string;

  beforeAll(async () => {
    [pg, redis] = await Promise.all([PrivatePostgres.create(), PrivateRedis.start()]);
    api = await ApiProcess.start({
      DATABASE_URL: pg.url(`makebuy_test_health_${randomBytes(4).toString('hex')}`),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'mbtest-health',
    });
    admin = await api.adminToken();
  });
  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
    await pg?.drop();
  });

  const health = () => api.http.get('/health');
  const scrape = async () => (await api.http.get('/metrics')).text;

  it('all up: readiness 200 and liveness 200 in the terminus format; metrics say both are up', async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' } },
      error: {},
      details: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
    const live = await api.http.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });

    const text = await scrape();
    expect(metric(text, 'makebuy_up', { component: 'postgres' })).toBe(1);
    expect(metric(text, 'makebuy_up', { component: 'redis' })).toBe(1);
    expect(metric(text, 'makebuy_outbox_backlog')).toBe(0);
    expect(metric(text, 'makebuy_db_pool_connections', { state: 'waiting' })).not.toBeNull();
  });

  it('Redis down: readiness 503 in the terminus format (not problem details), liveness 200, reads still served', async () => {
    await redis.stop();
    for (let i = 0; i < 5; i++) {
      const res = await health();
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({
        status: 'error',
        info: { postgres: { status: 'up' } },
        error: { redis: { status: 'down' } },
        details: { postgres: { status: 'up' }, redis: { status: 'down' } },
      });
      expect(res.body.code).toBeUndefined();
    }
    expect((await api.http.get('/health/live')).status).toBe(200);
    expect((await api.http.get('/api/v1/providers').set('Authorization', `Bearer ${admin}`)).status).toBe(200);
    const text = await scrape();
    expect(metric(text, 'makebuy_up', { component: 'redis' })).toBe(0);
    expect(metric(text, 'makebuy_up', { component: 'postgres' })).toBe(1);

    await redis.start();
    await eventually(async () => (await health()).status === 200, 30_000, 200);
    expect(metric(await scrape(), 'makebuy_up', { component: 'redis' })).toBe(1);
  });

  it('PostgreSQL down: readiness 503, liveness 200, API calls 503 OVERLOADED with Retry-After; back without a restart', async () => {
    await pg.ctl('stop', 'fast');
    for (let i = 0; i < 5; i++) {
      const res = await health();
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        status: 'error',
        info: { redis: { status: 'up' } },
        error: { postgres: { status: 'down' } },
      });
    }
    expect((await api.http.get('/health/live')).status).toBe(200);
    const call = await api.http.get('/api/v1/providers').set('Authorization', `Bearer ${admin}`);
    expect(call.status).toBe(503);
    expect(call.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(call.headers['retry-after']).toMatch(/^\d+$/);
    expect(call.body).toMatchObject({ status: 503, code: 'OVERLOADED' });
    const text = await scrape();
    expect(metric(text, 'makebuy_up', { component: 'postgres' })).toBe(0);
    expect(metric(text, 'makebuy_overloaded_requests_total')).toBeGreaterThanOrEqual(1);

    await pg.ctl('start');
    await eventually(async () => (await health()).status === 200, 30_000, 200);
    expect((await api.http.get('/api/v1/providers').set('Authorization', `Bearer ${admin}`)).status).toBe(200);
  });

  it('each outage was logged once as structured fields, and once when it ended; no raw stack traces', async () => {
    // the recovery line of each outage is written by the process's own re-probe
    await eventually(async () => api.events({ event: 'connection_recovered', component: 'postgres' }).length > 0);
    for (const component of ['redis', 'postgres']) {
      const lost = api.events({ event: 'connection_lost', component });
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({
        address: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        since: expect.any(String),
      });
      expect(api.events({ event: 'connection_recovered', component })).toHaveLength(1);
    }
    // every line the process printed is a structured log line: no stack traces, no ioredis chatter
    const unstructured = api.lines.filter((l) => !l.json).map((l) => l.raw);
    expect(unstructured).toEqual([]);
    // no error line per probe: the only error-level lines are the two outages
    const errors = api.lines.filter((l) => Number(l.json?.level) >= 50).map((l) => l.json);
    expect(errors.map((e) => e?.event)).toEqual(['connection_lost', 'connection_lost']);
  });

  it('metrics need an admin token from outside METRICS_ALLOWED_CIDRS', async () => {
    // loopback is allowed by default; a provider token is still refused when one is sent from elsewhere
    expect((await api.http.get('/metrics')).status).toBe(200);
    expect((await api.http.get('/metrics').set('Authorization', `Bearer ${admin}`)).status).toBe(200);
  });
});
