/**
 * PostgreSQL restarted under client load, fast and then immediate, on a PRIVATE cluster
 * (pg_createcluster on a free port; dropped at the end). Clients keep creating cases and reading
 * them throughout. No committed write is answered 5xx, every request that meets the outage gets
 * 503 OVERLOADED problem details (never 500), and the app serves again without a restart.
 */
import { randomBytes } from 'node:crypto';
import { Metrics } from '@makebuy/metrics';
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { PrivatePostgres } from '../support/private-services';

jest.setTimeout(240_000);

const CLIENTS = 6;

interface Answer {
  kind: 'create' | 'read';
  title?: string;
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

describe('PostgreSQL fast and immediate restart under client load (private cluster)', () => {
  let pg: PrivatePostgres;
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;

  beforeAll(async () => {
    pg = await PrivatePostgres.create();
    t = await startTestApp({
      suite: 'faults_pg_restart',
      env: { DATABASE_URL: pg.url(`makebuy_test_pg_restart_${randomBytes(4).toString('hex')}`) },
    });
    g = given(t);
    w = await g.world();
  });
  afterAll(async () => {
    await pg?.waitReady().catch(() => undefined);
    await t?.close();
    await pg?.drop();
  });

  const overloaded = async () =>
    ((await t.app.get(Metrics).registry.getSingleMetric('makebuy_overloaded_requests_total')?.get())?.values ?? [])
      .map((v) => v.value)
      .reduce((a, b) => a + b, 0);

  it('no committed write answered 5xx; the outage is answered 503 OVERLOADED; the app recovers by itself', async () => {
    const answers: Answer[] = [];
    let stop = false;
    let n = 0;
    const created: string[] = [];
    const body = g.caseBody(w);
    const client = async () => {
      while (!stop) {
        const title = `load ${process.pid} ${n++}`;
        const res = await t.http
          .post('/api/v1/cases')
          .set('Authorization', `Bearer ${w.commissioner.token}`)
          .send({ ...body, title });
        answers.push({ kind: 'create', title, status: res.status, body: res.body, headers: res.headers });
        if (res.status === 201) created.push(res.body.id as string);
        const id = created[Math.floor(Math.random() * created.length)];
        if (id) {
          const r = await t.http.get(`/api/v1/cases/${id}`).set('Authorization', `Bearer ${w.commissioner.token}`);
          answers.push({ kind: 'read', status: r.status, body: r.body, headers: r.headers });
        }
      }
    };
    const ok = () => answers.filter((a) => a.kind === 'create' && a.status === 201).length;
    const waitFor = async (what: () => boolean) => {
      while (!what()) await new Promise((r) => setTimeout(r, 50));
    };
    const overloadedBefore = await overloaded();
    const load = Promise.all(Array.from({ length: CLIENTS }, client));
    try {
      await waitFor(() => ok() >= 10);
      const atFast = answers.length;
      await pg.ctl('restart', 'fast');
      // served again without restarting the app: new writes succeed after the restart
      const okAfterFast = ok();
      await waitFor(() => ok() >= okAfterFast + 10);
      expect(answers.length).toBeGreaterThan(atFast);
      await pg.ctl('restart', 'immediate');
      const okAfterImmediate = ok();
      await waitFor(() => ok() >= okAfterImmediate + 10);
    } finally {
      stop = true;
      await load;
    }

    // never a 500: only 2xx, or 503 OVERLOADED problem details with Retry-After
    const statuses = [...new Set(answers.map((a) => a.status))].sort();
    expect(statuses.filter((s) => s !== 200 && s !== 201 && s !== 503)).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0); // the load really met the outages
    for (const a of unavailable) {
      expect(a.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(a.headers['retry-after']).toMatch(/^\d+$/);
      expect(a.body).toMatchObject({ status: 503, code: 'OVERLOADED' });
    }
    // the metrics counted each of them
    expect((await overloaded()) - overloadedBefore).toBe(unavailable.length);

    // what was answered 201 is there; what was answered 503 is not (no committed write answered 5xx)
    const stored = new Set(
      ((await g.get(w.commissioner.token, '/cases?limit=200')).body.items as { title: string }[]).map((c) => c.title),
    );
    let cursorPage = (await g.get(w.commissioner.token, '/cases?limit=200')).body;
    while (cursorPage.nextCursor) {
      cursorPage = (
        await g.get(w.commissioner.token, `/cases?limit=200&cursor=${encodeURIComponent(cursorPage.nextCursor)}`)
      ).body;
      for (const c of cursorPage.items as { title: string }[]) stored.add(c.title);
    }
    const creates = answers.filter((a) => a.kind === 'create');
    expect(creates.filter((a) => a.status === 201 && !stored.has(a.title!)).map((a) => a.title)).toEqual([]);
    expect(creates.filter((a) => a.status === 503 && stored.has(a.title!)).map((a) => a.title)).toEqual([]);
    // a committed create whose view could not be read is still answered 201, as committed
    for (const a of creates.filter((x) => x.status === 201 && x.body.viewUnavailable))
      expect(stored.has(a.title!)).toBe(true);
  });
});
