/**
 * Standard Webhooks end to end: receivers are HTTP servers on loopback started here
 * (WEBHOOK_ALLOWED_HOSTS=127.0.0.1); every delivery is verified with the `standardwebhooks`
 * library. Retries run on a schedule of a few hundred milliseconds (configuration).
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { FeedService, NewFeedItem } from '@makebuy/feed';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { startReceiver } from '../support/webhook-receiver';

jest.setTimeout(120_000);

describe('webhooks', () => {
  let t: TestApp;
  let ds: DataSource;
  let feed: FeedService;
  let w: World;
  let rx: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    rx = await startReceiver({
      '/flaky': [
        { status: 500, body: 'down' },
        { status: 500, body: 'still down' },
        { status: 200, body: 'ok' },
      ],
      '/gone': [{ status: 410, body: 'unsubscribed' }],
      '/hang': ['hang'],
      '/held': ['hold'],
      '/echo': [{ status: 500, body: 'your signature was v1,' + 'A'.repeat(44) + ' and whsec_c2VjcmV0c2VjcmV0' }],
    });
    t = await startTestApp({
      suite: 'webhooks',
      env: {
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_TIMEOUT_MS: '2500',
        WEBHOOK_RETRY_BASE_MS: '150',
        WEBHOOK_RETRY_MAX_DELAY_MS: '300',
        WEBHOOK_RETRY_MAX_AGE_MS: '4000',
        WEBHOOK_CONCURRENCY_PER_ENDPOINT: '2',
      },
    });
    ds = t.app.get(DataSource);
    feed = t.app.get(FeedService);
    w = await given(t).world();
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  const providerUser = () => Object.values(w.providerUsers)[0];
  const otherProvider = () => Object.values(w.providerUsers)[1];
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function subscribe(token: string, path: string, events: string[]) {
    const res = await t.http
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: rx.url(path), events, description: `receiver ${path}` });
    if (res.status !== 201) throw new Error(`POST /webhooks -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; secret: string; status: string };
  }

  async function append(...items: NewFeedItem[]): Promise<string[]> {
    const ids: string[] = [];
    await ds.transaction(async (tx) => {
      for (const i of items) ids.push(await feed.append(tx, i));
    });
    return ids;
  }

  const published = (caseId = randomUUID()): NewFeedItem => ({
    type: 'tender.published',
    caseId,
    ocid: `ocds-mkbuy1-${caseId}`,
    consortiumId: w.consortiumId,
    data: { title: 'Community dermatology' },
  });

  async function deliveries(token: string, id: string) {
    const res = await t.http.get(`/api/v1/webhooks/${id}/deliveries`).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body.items as {
      id: string;
      webhookId: string;
      feedItemId: string | null;
      status: string;
      attemptCount: number;
      attempts: {
        attempt: number;
        statusCode: number | null;
        outcome: string;
        responseExcerpt: string | null;
        durationMs: number;
      }[];
    }[];
  }

  const verify = (secret: string, r: { headers: Record<string, string>; body: string }) =>
    new Webhook(secret).verify(r.body, r.headers) as { type: string; timestamp: string; data: Record<string, unknown> };

  it('delivers what the subscriber may see, signed (verified with standardwebhooks), body { type, timestamp, data }', async () => {
    const p = providerUser();
    const hook = await subscribe(p.token, '/provider', ['tender.published', 'bid.received']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const caseId = randomUUID();
    const [pub, ownBid] = await append(
      published(caseId),
      {
        type: 'bid.received',
        caseId,
        ocid: null,
        consortiumId: w.consortiumId,
        providerId: p.providerId,
        data: { action: 'submitted' },
      },
      // another provider's bid, and an event type not subscribed to: neither is sent
      {
        type: 'bid.received',
        caseId,
        ocid: null,
        consortiumId: w.consortiumId,
        providerId: otherProvider().providerId,
      },
      { type: 'tender.closed', caseId, ocid: null, consortiumId: w.consortiumId },
    );
    await eventually(async () => rx.on('/provider').length >= 2);
    await new Promise((r) => setTimeout(r, 500)); // room for anything that should not come
    const got = rx.on('/provider').map((r) => verify(hook.secret, r));
    // by feed item, not by arrival: an endpoint has up to WEBHOOK_CONCURRENCY_PER_ENDPOINT deliveries in
    // flight, so two items appended together may arrive in either order (the feed is the ordered record)
    expect(got).toHaveLength(2);
    const byItem = new Map(got.map((b) => [b.data.feedId, b]));
    expect([...byItem.keys()].sort()).toEqual([pub, ownBid].sort());
    expect(byItem.get(pub)!.type).toBe('tender.published');
    expect(byItem.get(pub)!.data).toEqual({
      title: 'Community dermatology',
      feedId: pub,
      caseId,
      ocid: `ocds-mkbuy1-${caseId}`,
    });
    expect(byItem.get(ownBid)!.type).toBe('bid.received');
    expect(byItem.get(ownBid)!.data).toMatchObject({ feedId: ownBid, action: 'submitted' });
    // signed with the secret shown once: a wrong secret does not verify
    expect(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, rx.on('/provider')[0])).toThrow();
    const ds1 = await deliveries(p.token, hook.id);
    expect(ds1.map((d) => d.status)).toEqual(['succeeded', 'succeeded']);
    expect(new Set(rx.on('/provider').map((r) => r.headers['webhook-id']))).toEqual(
      new Set(ds1.map((d) => d.webhookId)),
    );
    // the listing never shows the secret again
    const list = await t.http.get('/api/v1/webhooks').set(bearer(p.token));
    expect(list.status).toBe(200);
    expect(list.body.items.map((h: { id: string }) => h.id)).toContain(hook.id);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const stored = await ds.query(`SELECT secret_enc FROM webhook_endpoints WHERE id = $1`, [hook.id]);
    expect(stored[0].secret_enc).not.toContain(hook.secret.slice(6, 20));
    // another provider's user cannot see it
    const theirs = await t.http.get(`/api/v1/webhooks/${hook.id}/deliveries`).set(bearer(otherProvider().token));
    expect(theirs.status).toBe(404);
  });

  it('500, 500, 200: three attempts, the same webhook-id each time, every attempt logged', async () => {
    const hook = await subscribe(w.commissioner.token, '/flaky', ['tender.published']);
    await append(published());
    await eventually(async () => (await deliveries(w.commissioner.token, hook.id))[0]?.status === 'succeeded', 20_000);
    const [d] = await deliveries(w.commissioner.token, hook.id);
    expect(d.attemptCount).toBe(3);
    expect(d.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(d.attempts.map((a) => a.outcome)).toEqual(['http_error', 'http_error', 'succeeded']);
    expect(d.attempts[0].responseExcerpt).toBe('down');
    const seen = rx.on('/flaky');
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((r) => r.headers['webhook-id']))).toEqual(new Set([d.webhookId]));
    for (const r of seen) expect(verify(hook.secret, r).type).toBe('tender.published');
  });

  it('410 disables the endpoint; nothing more is sent to it', async () => {
    const hook = await subscribe(w.governance.token, '/gone', ['tender.published']);
    await append(published());
    await eventually(async () => {
      const list = await t.http.get('/api/v1/webhooks').set(bearer(w.governance.token));
      return list.body.items.find((h: { id: string; status: string }) => h.id === hook.id)?.status === 'disabled';
    });
    const [d] = await deliveries(w.governance.token, hook.id);
    expect(d.status).toBe('failed');
    expect(d.attempts.map((a) => a.statusCode)).toEqual([410]);
    await append(published());
    await new Promise((r) => setTimeout(r, 800));
    expect(rx.on('/gone')).toHaveLength(1);
    const test = await t.http.post(`/api/v1/webhooks/${hook.id}/test`).set(bearer(w.governance.token));
    expect(test.status).toBe(409);
  });

  it('a receiver that hangs is timed out, retried, and given up after the retry window', async () => {
    const hook = await subscribe(w.commissioner2.token, '/hang', ['tender.published']);
    await append(published());
    await eventually(
      async () => (await deliveries(w.commissioner2.token, hook.id))[0]?.status === 'failed',
      30_000,
      200,
    );
    const [d] = await deliveries(w.commissioner2.token, hook.id);
    expect(d.attempts.length).toBeGreaterThanOrEqual(2);
    for (const a of d.attempts) {
      expect(a.outcome).toBe('timeout');
      expect(a.statusCode).toBeNull();
    }
    expect(rx.on('/hang').length).toBe(d.attempts.length);
  });

  it('a slow receiver holds at most N deliveries in flight (here 2) and does not starve another endpoint', async () => {
    const slow = await subscribe(w.panel[2].token, '/held', ['tender.updated']);
    const fast = await subscribe(w.commissioner2.token, '/quick', ['tender.updated']);
    const ids = await append(
      ...Array.from({ length: 8 }, (): NewFeedItem => ({
        type: 'tender.updated',
        caseId: randomUUID(),
        ocid: null,
        consortiumId: w.consortiumId,
      })),
    );
    // while the slow receiver holds what it got, the other endpoint receives all eight
    await eventually(async () => rx.on('/quick').length === 8 && rx.inFlight('/held') === 2, 10_000);
    expect(rx.maxInFlight('/held')).toBeLessThanOrEqual(2);
    rx.release();
    await eventually(async () => new Set(rx.on('/held').map((r) => JSON.parse(r.body).data.feedId)).size === 8, 20_000);
    expect(rx.maxInFlight('/held')).toBe(2);
    for (const r of rx.on('/held')) expect(verify(slow.secret, r).type).toBe('tender.updated');
    expect(new Set(rx.on('/quick').map((r) => verify(fast.secret, r).data.feedId))).toEqual(new Set(ids));
  });

  it('rotation: for 24 hours both secrets verify every delivery; test deliveries and redelivery reuse the path', async () => {
    const p = otherProvider();
    const hook = await subscribe(p.token, '/rotated', ['tender.published']);
    const rot = await t.http.post(`/api/v1/webhooks/${hook.id}/rotate`).set(bearer(p.token));
    expect(rot.status).toBe(200);
    expect(rot.body.secret).toMatch(/^whsec_/);
    expect(rot.body.secret).not.toBe(hook.secret);
    expect(Date.parse(rot.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    await append(published());
    await eventually(async () => rx.on('/rotated').length === 1);
    const r = rx.on('/rotated')[0];
    expect(r.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(rot.body.secret, r).type).toBe('tender.published');
    expect(verify(hook.secret, r).type).toBe('tender.published');

    const test = await t.http.post(`/api/v1/webhooks/${hook.id}/test`).set(bearer(p.token));
    expect(test.status).toBe(201);
    await eventually(async () => rx.on('/rotated').length === 2);
    expect(verify(rot.body.secret, rx.on('/rotated')[1]).type).toBe('webhook.test');

    const [latest] = await deliveries(p.token, hook.id);
    await eventually(async () => (await deliveries(p.token, hook.id))[0].status === 'succeeded');
    const again = await t.http
      .post(`/api/v1/webhooks/${hook.id}/deliveries/${latest.id}/redeliver`)
      .set(bearer(p.token));
    expect(again.status).toBe(200);
    await eventually(async () => rx.on('/rotated').length === 3);
    expect(rx.on('/rotated')[2].headers['webhook-id']).toBe(latest.webhookId);
    await eventually(async () => (await deliveries(p.token, hook.id))[0].attemptCount === 2);

    const del = await t.http.delete(`/api/v1/webhooks/${hook.id}`).set(bearer(p.token));
    expect(del.status).toBe(200);
    const list = await t.http.get('/api/v1/webhooks').set(bearer(p.token));
    expect(list.body.items.map((h: { id: string }) => h.id)).not.toContain(hook.id);
    await append(published());
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.on('/rotated')).toHaveLength(3);
  });

  it('keeps secrets and signatures out of the delivery log', async () => {
    const hook = await subscribe(w.panel[1].token, '/echo', ['tender.published']);
    await append(published());
    await eventually(async () => (await deliveries(w.panel[1].token, hook.id))[0]?.attempts.length >= 1);
    const [d] = await deliveries(w.panel[1].token, hook.id);
    expect(d.attempts[0].responseExcerpt).toContain('v1,[signature]');
    expect(d.attempts[0].responseExcerpt).not.toMatch(/whsec_[A-Za-z0-9]/);
  });

  it('refuses private, loopback, link-local and metadata targets at creation (400) and again at delivery', async () => {
    const p = providerUser();
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/hook',
      'http://192.168.1.1/hook',
      'http://[fd00::1]/hook',
      'http://[::1]/hook',
      'http://[::ffff:10.0.0.1]/hook',
      'ftp://example.org/hook',
    ]) {
      const res = await t.http
        .post('/api/v1/webhooks')
        .set(bearer(p.token))
        .send({ url, events: ['tender.published'] });
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 400, code: 'VALIDATION_FAILED' });
    }
    // events the owner may not see are refused too
    const bad = await t.http
      .post('/api/v1/webhooks')
      .set(bearer(p.token))
      .send({ url: rx.url('/x'), events: ['flag.raised'] });
    expect(bad.status).toBe(400);
    const noOwner = await t.http
      .post('/api/v1/webhooks')
      .set(bearer(await t.adminToken()))
      .send({ url: rx.url('/x'), events: ['tender.published'] });
    expect(noOwner.status).toBe(403);

    // an endpoint stored before the policy refused its target: refused at delivery, never connected to
    const connect = jest.spyOn(net.Socket.prototype, 'connect');
    try {
      const hook = await subscribe(w.commissioner.token, '/later-private', ['tender.published']);
      await ds.query(`UPDATE webhook_endpoints SET url = 'http://10.0.0.1:9/hook' WHERE id = $1`, [hook.id]);
      await append(published());
      await eventually(async () => (await deliveries(w.commissioner.token, hook.id))[0]?.attempts.length >= 1);
      const [d] = await deliveries(w.commissioner.token, hook.id);
      expect(d.attempts[0].outcome).toBe('refused');
      const targets = connect.mock.calls.map((c) => JSON.stringify(c[0]));
      expect(targets.filter((c) => c.includes('10.0.0.1'))).toEqual([]);
    } finally {
      connect.mockRestore();
    }
  });
});
