/**
 * D1: a burst of route decisions on one case. 50 DECIDE_BUY and 50 DECIDE_MAKE at once on one
 * case in route_decision, half of them with If-Match, while other cases are read and changed:
 * exactly one decision is applied (200), every other gets 409 or 412, and nothing anywhere is
 * answered 5xx. The winner holds the case lock; if it asked the pool for a second connection
 * while the losers hold theirs waiting for that lock, the pool would starve (the connection
 * guard of test-app.ts also refuses any such read in this suite).
 */
import { Metrics } from '@makebuy/metrics';
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

jest.setTimeout(180_000);

const EACH = 50;
const BYSTANDER_CASES = 6;

describe('D1: 50 DECIDE_BUY and 50 DECIDE_MAKE at once on one case, with bystander traffic', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'faults_burst' });
    g = given(t);
    w = await g.world();
  });
  afterAll(() => t?.close());

  it('exactly one 200, the rest 409/412, no 5xx anywhere', async () => {
    const c = await g.caseInRouteDecision(w);
    const version = (await g.get(w.commissioner.token, `/cases/${c.id}`)).body.version as number;
    const others = await Promise.all(Array.from({ length: BYSTANDER_CASES }, () => g.caseInRouteDecision(w)));
    const drafts = await Promise.all(Array.from({ length: BYSTANDER_CASES }, () => g.draftCase(w)));
    const deciders = [w.panel[1], w.panel[2]];
    const criteria = [
      { key: 'quality_innovation', weight: 40 },
      { key: 'value', weight: 40 },
      { key: 'social_value', weight: 20 },
    ];
    const buy = { type: 'DECIDE_BUY', criteria };
    const make = {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[2].id],
      psrProcess: 'most_suitable_provider',
      justification: 'The only practice with the service in place',
    };
    const send = (i: number, body: object) => {
      const r = t.http
        .post(`/api/v1/cases/${c.id}/events`)
        .set('Authorization', `Bearer ${deciders[i % 2].token}`)
        .send(body);
      return (i % 4 < 2 ? r.set('If-Match', `"${version}"`) : r).then((res) => ({
        status: res.status,
        body: res.body,
      }));
    };
    const burst = [
      ...Array.from({ length: EACH }, (_, i) => send(i, buy)),
      ...Array.from({ length: EACH }, (_, i) => send(i + 1, make)),
    ];
    // bystanders: reads of other cases and lists, and real changes on other cases, all at once
    const bystanders = [
      ...others.flatMap((o) => [
        g.get(w.commissioner.token, `/cases/${o.id}`),
        g.get(w.governance.token, `/cases/${o.id}/history`),
      ]),
      ...drafts.map((d) => g.post(w.commissioner.token, `/cases/${d.id}/events`, { type: 'SUBMIT' })),
      ...others
        .slice(0, 3)
        .map((o) =>
          t.http.post(`/api/v1/cases/${o.id}/events`).set('Authorization', `Bearer ${w.panel[1].token}`).send(buy),
        ),
      g.get(w.commissioner.token, '/cases?limit=50'),
      g.get(w.commissioner.token, '/notifications?limit=50'),
    ].map((p) =>
      Promise.resolve(p).then((res: { status: number; body: unknown }) => ({ status: res.status, body: res.body })),
    );

    const transitions = async () => {
      const m = await t.app.get(Metrics).registry.getSingleMetric('makebuy_case_transitions_total')?.get();
      const of = (event: string) =>
        (m?.values ?? []).filter((v) => v.labels.event === event).reduce((a, v) => a + v.value, 0);
      return of('DECIDE_BUY') + of('DECIDE_MAKE');
    };
    const decidedBefore = await transitions();
    const results = await Promise.all(burst);
    const around = await Promise.all(bystanders);

    const statuses = results.map((r) => r.status);
    const fiveXX = [...results, ...around].filter((r) => r.status >= 500);
    expect(fiveXX).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 409 && s !== 412)).toEqual([]);
    // the losers were told why, with the contract's codes
    for (const r of results.filter((x) => x.status !== 200))
      expect(['EVENT_NOT_ALLOWED', 'VERSION_MISMATCH']).toContain((r.body as { code: string }).code);
    // every bystander change went through
    expect(around.filter((r) => r.status !== 200 && r.status !== 201)).toEqual([]);

    // one decision in the history, and the case moved once
    const history = (await g.get(w.governance.token, `/cases/${c.id}/history`)).body;
    const entries = (Array.isArray(history) ? history : history.items) as { type: string }[];
    expect(entries.filter((e) => e.type === 'DECIDE_BUY' || e.type === 'DECIDE_MAKE')).toHaveLength(1);
    const after = (await g.get(w.commissioner.token, `/cases/${c.id}`)).body;
    expect(after.version).toBe(version + 1);
    // and the metrics agree: one decision applied here, plus the three bystander DECIDE_BUYs ...
    expect((await transitions()) - decidedBefore).toBe(1 + 3);
    // ... each loser counted under the route template and its status, and no 5xx anywhere
    const latency = await t.app.get(Metrics).registry.getSingleMetric('makebuy_http_request_duration_seconds')?.get();
    const served5xx = (latency?.values ?? []).filter(
      (v) => String(v.labels.status).startsWith('5') && (v as { metricName?: string }).metricName?.endsWith('_count'),
    );
    expect(served5xx).toEqual([]);
    const count = (status: string) =>
      (latency?.values ?? [])
        .filter(
          (v) =>
            (v as { metricName?: string }).metricName === 'makebuy_http_request_duration_seconds_count' &&
            v.labels.route === '/api/v1/cases/:id/events' &&
            String(v.labels.status) === status,
        )
        .reduce((a, v) => a + v.value, 0);
    expect(count('409') + count('412')).toBe(2 * EACH - 1);
  });
});
