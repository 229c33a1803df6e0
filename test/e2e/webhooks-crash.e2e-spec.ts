/**
 * Webhook deliveries survive losing Redis's data and a worker at once: in the middle of 1,000
 * deliveries (500 feed items to 2 receivers) the queue's Redis is emptied with FLUSHDB and the
 * worker is killed with SIGKILL; another worker is started. Every item reaches every receiver at
 * least once, each verifies with standardwebhooks, and no receiver sees a webhook-id more often
 * than the attempts PostgreSQL recorded for it.
 *
 * Redis is a private instance on its own port (never the shared one); the workers are child
 * processes (test/e2e/deadlines-worker.child.ts: the real WorkerModule); receivers are on loopback.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { FeedService } from '@makebuy/feed';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { PrivateRedis } from '../support/private-services';
import { startReceiver } from '../support/webhook-receiver';

jest.setTimeout(150_000);

const ITEMS = 500;
const ROOT = resolve(__dirname, '../..');
const WEBHOOK_ENV = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_DELAY_MS: '400',
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: '8',
};

describe('webhook deliveries survive FLUSHDB and a worker killed mid-burst', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let w: World;
  let ds: DataSource;
  let rxA: Awaited<ReturnType<typeof startReceiver>>;
  let rxB: Awaited<ReturnType<typeof startReceiver>>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    rxA = await startReceiver();
    rxB = await startReceiver();
    t = await startTestApp({ suite: 'webhooks_crash', worker: false, env: { REDIS_URL: redis.url, ...WEBHOOK_ENV } });
    ds = t.app.get(DataSource);
    w = await given(t).world();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t?.close();
    await rxA?.close();
    await rxB?.close();
    await redis?.stop();
  });

  function startWorker(name: string): ChildProcess {
    const c = t.config;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/e2e/deadlines-worker.child.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        APP_ROLE: 'worker',
        DATABASE_URL: c.databaseUrl,
        REDIS_URL: c.redisUrl,
        QUEUE_PREFIX: c.queuePrefix,
        AUTH_JWT_SECRET: c.jwtSecret,
        RECONCILE_INTERVAL_MS: '300',
        OUTBOX_POLL_INTERVAL_MS: '50',
        LOG_LEVEL: 'silent',
        ...WEBHOOK_ENV,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    child.on('exit', (code) => {
      if (code) console.error(`${name} exited with ${code}: ${err.slice(-2000)}`);
    });
    children.push(child);
    return child;
  }

  it(`${ITEMS} items to 2 receivers; FLUSHDB and SIGKILL mid-burst; all delivered, duplicates only as attempts explain`, async () => {
    const subscribe = async (token: string, url: string) => {
      const res = await t.http
        .post('/api/v1/webhooks')
        .set('Authorization', `Bearer ${token}`)
        .send({ url, events: ['tender.published'] });
      expect(res.status).toBe(201);
      return res.body as { id: string; secret: string };
    };
    const a = await subscribe(Object.values(w.providerUsers)[0].token, rxA.url('/a'));
    const b = await subscribe(w.commissioner.token, rxB.url('/b'));

    const feed = t.app.get(FeedService);
    const feedIds: string[] = [];
    for (let i = 0; i < ITEMS; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: 25 }, (_, k) =>
          ds.transaction(async (tx) => {
            const caseId = randomUUID();
            return feed.append(tx, {
              type: 'tender.published',
              caseId,
              ocid: `ocds-mkbuy1-${caseId}`,
              consortiumId: w.consortiumId,
              data: { n: i + k },
            });
          }),
        ),
      );
      feedIds.push(...batch);
    }

    const received = () => rxA.received.length + rxB.received.length;
    const first = startWorker('worker 1');
    await eventually(async () => received() >= 200, 60_000, 10);
    const flush = new Redis(redis.url, { maxRetriesPerRequest: 2 });
    await flush.flushdb();
    flush.disconnect();
    first.kill('SIGKILL');
    await new Promise<void>((r) =>
      first.exitCode !== null || first.signalCode !== null ? r() : first.on('exit', () => r()),
    );
    const atKill = received();
    expect(atKill).toBeLessThan(2 * ITEMS); // it really died mid-burst

    startWorker('worker 2');
    const distinct = (rx: typeof rxA) => new Set(rx.received.map((r) => JSON.parse(r.body).data.feedId));
    await eventually(async () => distinct(rxA).size === ITEMS && distinct(rxB).size === ITEMS, 90_000, 200);
    await eventually(
      async () =>
        (await ds.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'succeeded'`))[0].n === 0,
      30_000,
      200,
    );

    // every item reached every receiver, signed with that receiver's secret
    for (const [rx, hook] of [
      [rxA, a],
      [rxB, b],
    ] as const) {
      expect([...distinct(rx)].sort()).toEqual([...feedIds].sort());
      const wh = new Webhook(hook.secret);
      for (const r of rx.received)
        expect((wh.verify(r.body, r.headers) as { type: string }).type).toBe('tender.published');
    }
    // a webhook-id is seen at most as often as the attempts on record for it
    const attempts = new Map<string, number>(
      (await ds.query(`SELECT message_id, attempts FROM webhook_deliveries`)).map(
        (r: { message_id: string; attempts: number }) => [r.message_id, r.attempts],
      ),
    );
    expect(attempts.size).toBe(2 * ITEMS);
    const seen = new Map<string, number>();
    for (const r of [...rxA.received, ...rxB.received])
      seen.set(r.headers['webhook-id'], (seen.get(r.headers['webhook-id']) ?? 0) + 1);
    const unexplained = [...seen].filter(([id, n]) => n > (attempts.get(id) ?? 0));
    expect(unexplained).toEqual([]);
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    console.log(
      `received before SIGKILL: ${atKill}; total ${received()}; webhook-ids seen twice or more: ${duplicates}`,
    );
  });
});
