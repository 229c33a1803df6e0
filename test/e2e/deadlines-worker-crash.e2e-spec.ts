/**
 * A worker process is killed with SIGKILL in the middle of a burst of 500 due deadlines;
 * another one is started. Every deadline is applied exactly once: a firing interrupted
 * mid-transaction rolls back whole, and the next worker finds it still pending.
 *
 * The API runs in this process without a worker (nothing fires here); the workers are real
 * child processes (test/e2e/deadlines-worker.child.ts, run through @swc-node/register) on the
 * suite's database and queue prefix.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { CaseCommands, CaseHistory } from '@makebuy/cases';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

jest.setTimeout(120_000);

const CASES = 500;
const ROOT = resolve(__dirname, '../..');

describe('deadlines survive a worker killed mid-burst (SIGKILL)', () => {
  let t: TestApp;
  let w: World;
  let ds: DataSource;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      suite: 'deadlines_crash',
      worker: false,
      timeAcceleration: 1_000_000,
      // one deadline per case: the conflict check's service level, no reminder
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
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t?.close();
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
        TIME_ACCELERATION: String(c.timeAcceleration),
        RECONCILE_INTERVAL_MS: '300',
        OUTBOX_POLL_INTERVAL_MS: '50',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    child.on('exit', (code, signal) => {
      if (code) console.error(`${name} exited with ${code}: ${err.slice(-2000)}`);
      else if (signal && signal !== 'SIGKILL' && signal !== 'SIGTERM') console.error(`${name} died of ${signal}`);
    });
    children.push(child);
    return child;
  }

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await ds.query(sql, params))[0].n as number;
  const fired = () => count(`SELECT count(*)::int AS n FROM deadlines WHERE status = 'fired'`);

  it(`${CASES} due deadlines, a worker killed with SIGKILL mid-burst, another started: each applied exactly once`, async () => {
    // 500 cases in conflict_check, each with its service-level deadline a fraction of a second away
    const commands = t.app.get(CaseCommands);
    const caller = {
      sub: w.commissioner.id,
      personId: w.commissioner.id,
      roles: ['commissioner' as const],
      consortiumId: w.consortiumId,
      providerId: null,
    };
    const body = given(t).caseBody(w);
    for (let i = 0; i < CASES; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          const row = await commands.createCase(caller, {
            ...body,
            estimatedAnnualValue: { amount: 250000, currency: 'GBP' },
            track: 'fast',
          } as never);
          await commands.sendEvent(caller, row.id, { type: 'SUBMIT' });
        }),
      );
    }
    expect(await count(`SELECT count(*)::int AS n FROM deadlines WHERE status = 'pending'`)).toBe(CASES);
    // all due before any worker exists
    await eventually(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM deadlines WHERE status = 'pending' AND due_at > now()`)) === 0,
      10_000,
    );
    expect(await fired()).toBe(0);

    // the burst: kill the first worker once it has applied some, well before all
    const first = startWorker('worker 1');
    const firedAtKill = await eventually(
      async () => {
        const n = await fired();
        return n >= 100 ? n : null;
      },
      30_000,
      10,
    );
    first.kill('SIGKILL');
    await new Promise<void>((r) =>
      first.exitCode !== null || first.signalCode !== null ? r() : first.on('exit', () => r()),
    );
    const afterKill = await fired();
    expect(afterKill).toBeLessThan(CASES); // it really died mid-burst

    const second = startWorker('worker 2');
    await eventually(async () => (await fired()) === CASES, 60_000, 100);
    await new Promise((r) => setTimeout(r, 1_000)); // let duplicate jobs and reconciler passes run out
    second.kill('SIGTERM');

    // exactly once: one DEADLINE_DUE audit row per case, every deadline fired, one breach each
    const perCase: { n: number; cases: number }[] = await ds.query(
      `SELECT n, count(*)::int AS cases FROM (
         SELECT c.id, count(e.seq)::int AS n FROM cases c
           LEFT JOIN case_events e ON e.case_id = c.id AND e.type = 'DEADLINE_DUE'
          GROUP BY c.id) x GROUP BY n`,
    );
    expect(perCase).toEqual([{ n: 1, cases: CASES }]);
    expect(await count(`SELECT count(*)::int AS n FROM deadlines WHERE status <> 'fired'`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM flags WHERE code = 'DEADLINE_BREACH'`)).toBe(CASES);
    expect(await count(`SELECT count(*)::int AS n FROM escalations`)).toBe(CASES);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM notifications WHERE kind = 'deadline_escalation' AND person_id = $1`,
        [w.commissioner.id],
      ),
    ).toBe(CASES);
    // the cases' audit chains stayed whole
    const history = t.app.get(CaseHistory);
    const sample: { id: string }[] = await ds.query(`SELECT id FROM cases ORDER BY random() LIMIT 25`);
    for (const { id } of sample) expect((await history.verify(id)).valid).toBe(true);
    console.log(`fired before SIGKILL: ${firedAtKill} (${afterKill} committed), then ${CASES - afterKill} by worker 2`);
  });
});
