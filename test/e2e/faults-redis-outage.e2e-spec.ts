/**
 * Redis stops while 300 deadlines are about to fall due. PostgreSQL is the source of truth: the
 * reconciler applies every one of them from the database while Redis is still down (every Redis
 * call is bounded, so a pass never hangs and never holds up the next tick), each exactly once.
 * Redis comes back empty (a private redis-server without persistence): the jobs of the deadlines
 * still to come are enqueued again with delays computed at enqueue time, and fire once.
 *
 * Redis here is a PRIVATE redis-server on a free port that this suite starts and stops.
 */
import { DataSource } from 'typeorm';
import { WorkingDayCalendar } from '@makebuy/domain';
import { CaseCommands } from '@makebuy/cases';
import { Metrics } from '@makebuy/metrics';
import { QueueGateway, QUEUES } from '@makebuy/queue';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { PrivateRedis } from '../support/private-services';

jest.setTimeout(240_000);

const DUE_DURING_OUTAGE = 300;
const DUE_AFTER_OUTAGE = 20;
/** How far ahead (after acceleration) the fast track's declaration window ends when the app starts. */
const DUE_IN_MS = 40_000;

describe('deadlines fire from PostgreSQL while Redis is down (private redis-server)', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let w: World;
  let ds: DataSource;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const now = new Date();
    const end = new WorkingDayCalendar().endOfWorkingDay(now, 3);
    t = await startTestApp({
      suite: 'faults_redis_outage',
      timeAcceleration: (end.getTime() - now.getTime()) / DUE_IN_MS,
      env: { REDIS_URL: redis.url, RECONCILE_INTERVAL_MS: '300' },
      // one deadline per case
      policy: (p) => ({
        ...p,
        tracks: {
          fast: { ...p.tracks.fast, reminderLeadWorkingDays: 0 },
          standard: { ...p.tracks.standard, reminderLeadWorkingDays: 0 },
        },
      }),
    });
    ds = t.app.get(DataSource);
    w = await given(t).world();
  });
  afterAll(async () => {
    // BullMQ closes its workers only once it can talk to Redis again
    if (redis && !(await redis.ping().catch(() => false))) await redis.start();
    await t?.close();
    await redis?.stop();
  });

  const metric = async (name: string, labels: Record<string, string>) => {
    const m = await t.app.get(Metrics).registry.getSingleMetric(name)?.get();
    return (m?.values ?? [])
      .filter((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x))
      .reduce((s, v) => s + v.value, 0);
  };

  it(`${DUE_DURING_OUTAGE} deadlines due during an outage are applied once each, while Redis is still down; later ones are re-enqueued on time`, async () => {
    const commands = t.app.get(CaseCommands);
    const caller = {
      sub: w.commissioner.id,
      personId: w.commissioner.id,
      roles: ['commissioner' as const],
      consortiumId: w.consortiumId,
      providerId: null,
    };
    const body = given(t).caseBody(w);
    const open = async (n: number, track: 'fast' | 'standard') => {
      const ids: string[] = [];
      for (let i = 0; i < n; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(10, n - i) }, async () => {
            const row = await commands.createCase(caller, { ...body, track } as never);
            await commands.sendEvent(caller, row.id, { type: 'SUBMIT' });
            return row.id;
          }),
        );
        ids.push(...batch);
      }
      return ids;
    };
    const during = await open(DUE_DURING_OUTAGE, 'fast');
    const after = await open(DUE_AFTER_OUTAGE, 'fast');
    const queue = t.app.get(QueueGateway).queue(QUEUES.deadlines);
    await eventually(async () => (await queue.getDelayedCount()) === DUE_DURING_OUTAGE + DUE_AFTER_OUTAGE, 30_000);
    // the later ones are set an hour further on (as a longer window would be); their jobs in Redis
    // still point at the old instant, and vanish with Redis's data below
    await ds.query(`UPDATE deadlines SET due_at = due_at + interval '1 hour' WHERE case_id = ANY($1::uuid[])`, [after]);

    const unreachableBefore = await metric('makebuy_reconciler_passes_total', { redis: 'unreachable' });
    const firedByReconcilerBefore = await metric('makebuy_reconciler_deadlines_total', { outcome: 'fired' });

    await redis.stop();
    const stoppedAt = new Date();
    const [{ first }] = await ds.query(`SELECT min(due_at) AS first FROM deadlines WHERE case_id = ANY($1::uuid[])`, [
      during,
    ]);
    if (new Date(first).getTime() <= stoppedAt.getTime())
      throw new Error('set-up too slow: a deadline fell due before Redis was stopped; raise DUE_IN_MS');

    const status = async (ids: string[]) =>
      (await ds.query(
        `SELECT status, count(*)::int AS n FROM deadlines WHERE case_id = ANY($1::uuid[]) GROUP BY status ORDER BY status`,
        [ids],
      )) as { status: string; n: number }[];

    // every deadline due during the outage is applied ...
    const allFired = (rows: { status: string; n: number }[], n: number) =>
      rows.length === 1 && rows[0].status === 'fired' && rows[0].n === n;
    await eventually(async () => allFired(await status(during), DUE_DURING_OUTAGE), 120_000, 250);
    // ... before Redis comes back (it is still down: nothing has started it)
    expect(await redis.ping().catch(() => false)).toBe(false);
    expect(await status(during)).toEqual([{ status: 'fired', n: DUE_DURING_OUTAGE }]);
    const [{ last }] = await ds.query(`SELECT max(settled_at) AS last FROM deadlines WHERE case_id = ANY($1::uuid[])`, [
      during,
    ]);
    expect(new Date(last).getTime()).toBeGreaterThan(stoppedAt.getTime());
    // the reconciler did it, passing on while Redis could not be reached
    expect(await metric('makebuy_reconciler_passes_total', { redis: 'unreachable' })).toBeGreaterThan(
      unreachableBefore,
    );
    expect((await metric('makebuy_reconciler_deadlines_total', { outcome: 'fired' })) - firedByReconcilerBefore).toBe(
      DUE_DURING_OUTAGE,
    );
    const lag = await t.app.get(Metrics).registry.getSingleMetric('makebuy_deadline_lag_seconds')?.get();
    const lagCount = (lag?.values ?? [])
      .filter(
        (v) =>
          (v as { metricName?: string }).metricName === 'makebuy_deadline_lag_seconds_count' &&
          v.labels.via === 'reconciler',
      )
      .reduce((s, v) => s + v.value, 0);
    expect(lagCount).toBe(DUE_DURING_OUTAGE);
    // the later deadlines are untouched and still pending
    expect(await status(after)).toEqual([{ status: 'pending', n: DUE_AFTER_OUTAGE }]);

    // Redis comes back with no data: the jobs of the deadlines still to come are enqueued again,
    // each with a delay that brings it to its due instant (computed at enqueue time)
    await redis.start();
    const pendingAfter: { id: string; job_id: string; due_at: Date }[] = await ds.query(
      `SELECT id, job_id, due_at FROM deadlines WHERE case_id = ANY($1::uuid[])`,
      [after],
    );
    await eventually(async () => (await queue.getDelayedCount()) === DUE_AFTER_OUTAGE, 30_000, 200);
    const client = await queue.backend.connection.client;
    for (const d of pendingAfter) {
      const job = (await queue.getJob(d.job_id))!;
      expect(job).toBeDefined();
      // the instant BullMQ will run it: the delayed set's score (ms * 0x1000 + a counter). Not
      // timestamp + delay: a job that woke early and re-delayed itself keeps its first timestamp
      // while its delay is counted from the re-delay
      const score = Number(await client.zscore(queue.keys.delayed, d.job_id));
      const runsAt = Math.floor(score / 0x1000);
      // within a reconciler interval of its due instant (a delay taken before a stall would be late by the stall)
      expect({ job: d.job_id, off: Math.abs(runsAt - new Date(d.due_at).getTime()) < 300 }).toEqual({
        job: d.job_id,
        off: true,
        ...(Math.abs(runsAt - new Date(d.due_at).getTime()) >= 300
          ? { detail: { runsAt, timestamp: job.timestamp, delay: job.delay, dueAt: d.due_at, now: Date.now() } }
          : {}),
      });
    }

    // bring them due and wake their jobs: the job path applies them (fenced, like the reconciler)
    await ds.query(`UPDATE deadlines SET due_at = now() WHERE case_id = ANY($1::uuid[])`, [after]);
    for (const d of pendingAfter) await (await queue.getJob(d.job_id))!.promote();
    await eventually(async () => allFired(await status(after), DUE_AFTER_OUTAGE), 60_000, 250);
    await new Promise((r) => setTimeout(r, 1_000)); // let duplicate jobs and passes run out
    const perCase: { n: number; cases: number }[] = await ds.query(
      `SELECT n, count(*)::int AS cases FROM (
         SELECT c.id, count(e.seq)::int AS n FROM cases c
           LEFT JOIN case_events e ON e.case_id = c.id AND e.type = 'DEADLINE_DUE'
          WHERE c.id = ANY($1::uuid[]) GROUP BY c.id) x GROUP BY n`,
      [[...during, ...after]],
    );
    expect(perCase).toEqual([{ n: 1, cases: DUE_DURING_OUTAGE + DUE_AFTER_OUTAGE }]);
    expect(await status([...during, ...after])).toEqual([{ status: 'fired', n: DUE_DURING_OUTAGE + DUE_AFTER_OUTAGE }]);
  });
});
