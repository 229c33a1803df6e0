/**
 * Redis loses all its data while 100 deadlines are pending; nothing is restarted. PostgreSQL
 * is the source of truth: the reconciler puts the jobs back, the relay keeps publishing, and
 * every deadline fires exactly once.
 *
 * This suite runs on its own Redis database (index 7) and empties it with FLUSHDB, which has
 * the effect of FLUSHALL for this app without touching the other suites' data in database 0.
 */
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { WorkingDayCalendar } from '@makebuy/domain';
import { randomUUID } from 'node:crypto';
import { JOBS, QueueGateway, QUEUES } from '@makebuy/queue';
import { eventually, startTestApp, TEST_REDIS, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

jest.setTimeout(240_000);

const REDIS_DB = 7;
const CASES = 100;
/**
 * How far ahead the deadlines fall due (after acceleration) when the app starts: room for
 * setting up 100 cases on a slow, loaded machine before the first one is due.
 */
const DUE_IN_MS = 45_000;

describe(`deadlines survive Redis FLUSHDB (dedicated Redis database ${REDIS_DB})`, () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let redis: Redis;
  const redisUrl = `${TEST_REDIS.replace(/\/\d+$/, '')}/${REDIS_DB}`;

  beforeAll(async () => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    await redis.flushdb();
    // the declaration window (3 working days, fast track) falls due DUE_IN_MS from now
    const now = new Date();
    const end = new WorkingDayCalendar().endOfWorkingDay(now, 3);
    t = await startTestApp({
      suite: 'deadlines_flush',
      timeAcceleration: (end.getTime() - now.getTime()) / DUE_IN_MS,
      env: { REDIS_URL: redisUrl },
      // no reminders: exactly one deadline per case
      policy: (p) => ({
        ...p,
        tracks: {
          fast: { ...p.tracks.fast, reminderLeadWorkingDays: 0 },
          standard: { ...p.tracks.standard, reminderLeadWorkingDays: 0 },
        },
      }),
    });
    g = given(t);
    w = await g.world();
  });
  afterAll(async () => {
    await t?.close();
    await redis?.flushdb();
    redis?.disconnect();
  });

  it(`FLUSHDB with ${CASES} pending deadlines, nothing restarted: every one still fires, exactly once`, async () => {
    const deadlines = t.app.get(QueueGateway).queue(QUEUES.deadlines);
    const caseIds: string[] = [];
    for (let i = 0; i < CASES; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => g.caseInConflictCheck(w)));
      caseIds.push(...batch.map((c) => c.id));
    }
    const ds = t.app.get(DataSource);
    const pending = async () =>
      (
        await ds.query(
          `SELECT count(*)::int AS n, min(due_at) AS first FROM deadlines WHERE status = 'pending' AND case_id = ANY($1::uuid[])`,
          [caseIds],
        )
      )[0] as { n: number; first: Date };

    // every deadline is in PostgreSQL and its job in Redis
    await eventually(async () => (await deadlines.getDelayedCount()) === CASES, 10_000);
    const before = await pending();
    expect(before.n).toBe(CASES);
    const headroom = new Date(before.first).getTime() - Date.now();
    if (headroom < 2_000) throw new Error(`set-up too slow: the first deadline is due in ${headroom} ms`);

    // FLUSHDB and DBSIZE in one MULTI: the app's worker, relay and reconciler keep running and
    // may write again at once (the point of this test), so only the same transaction sees the
    // emptied database
    const [[flushErr], [sizeErr, size]] = (await redis.multi().flushdb().dbsize().exec())!;
    expect([flushErr, sizeErr]).toEqual([null, null]);
    expect(size).toBe(0);

    // the reconciler puts every job back (no restart), well before they fall due
    await eventually(async () => (await deadlines.getDelayedCount()) === CASES, 5_000);
    // and the relay still publishes new work into the emptied Redis
    const late = await g.caseInConflictCheck(w);
    caseIds.push(late.id);
    await eventually(async () => (await deadlines.getDelayedCount()) === CASES + 1, 5_000);

    // all fire
    await eventually(async () => (await pending()).n === 0, 60_000, 200);
    await new Promise((r) => setTimeout(r, 1_500)); // a few more reconciler passes and job runs

    const perCase: { case_id: string; n: number }[] = await ds.query(
      `SELECT c.id AS case_id, count(e.seq)::int AS n
         FROM cases c LEFT JOIN case_events e ON e.case_id = c.id AND e.type = 'DEADLINE_DUE'
        WHERE c.id = ANY($1::uuid[]) GROUP BY c.id`,
      [caseIds],
    );
    expect(perCase).toHaveLength(CASES + 1);
    expect(perCase.filter((r) => r.n !== 1)).toEqual([]);
    const statuses: { status: string; n: number }[] = await ds.query(
      `SELECT status, count(*)::int AS n FROM deadlines WHERE case_id = ANY($1::uuid[]) GROUP BY status`,
      [caseIds],
    );
    expect(statuses).toEqual([{ status: 'fired', n: CASES + 1 }]);
    const breaches = await ds.query(
      `SELECT count(*)::int AS n FROM flags WHERE code = 'DEADLINE_BREACH' AND case_id = ANY($1::uuid[])`,
      [caseIds],
    );
    expect(breaches[0].n).toBe(CASES + 1);
    // the BullMQ worker kept working on the emptied Redis too (not only the reconciler's due pass)
    expect(await deadlines.getCompletedCount()).toBe(CASES + 1);
  });

  it('the reconciler’s check (QueueGateway.heldJobs) finds exactly the jobs getJob finds, in one call', async () => {
    const gateway = t.app.get(QueueGateway);
    const ids = ['kept', 'removed', 'never-added'].map((s) => `held-jobs-${s}-${randomUUID()}`);
    // due in an hour: nothing runs them during the test
    const runAt = new Date(Date.now() + 3_600_000);
    for (const jobId of ids.slice(0, 2))
      await gateway.add(JOBS.fireDeadline, { deadlineId: randomUUID(), caseId: randomUUID() }, { jobId, runAt });
    await (await gateway.getJob(JOBS.fireDeadline, ids[1]))!.remove();

    const held = await gateway.heldJobs(JOBS.fireDeadline, [...ids, ids[0]]);
    const found = await Promise.all(ids.map(async (id) => (await gateway.getJob(JOBS.fireDeadline, id)) !== undefined));
    expect(found).toEqual([true, false, false]);
    expect(ids.map((id) => held.has(id))).toEqual(found);
    expect([...held]).toEqual([ids[0]]);
    expect(await gateway.heldJobs(JOBS.fireDeadline, [])).toEqual(new Set());
    await (await gateway.getJob(JOBS.fireDeadline, ids[0]))!.remove();
  });
});
