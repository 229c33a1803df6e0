/**
 * Batched deadline closes against the real PostgreSQL and Redis, without HTTP: 200 cases whose
 * service-level deadline and reminder are due at once, plus stale deadlines (a stage that ended),
 * deadlines the case refuses, and one whose close fails. Two workers (two application contexts,
 * each with its own pool) race through the batches while jobs wake for some of the same
 * deadlines. Every deadline is applied exactly once with its audit row and effects, stale and
 * refused ones are superseded, the failed one is recorded with back-off and applied on retry,
 * and the statements and transactions per close stay under a bound (counted, not timed).
 */
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { Actor, CaseEffect } from '@makebuy/domain';
import { AppConfig, loadPolicy, ManualClock, SettingsModule } from '@makebuy/settings';
import { DatabaseModule, dropDatabase, ensureDatabase, runMigrations } from '@makebuy/database';
import { MetricsModule } from '@makebuy/metrics';
import { QueueModule } from '@makebuy/queue';
import { DirectoryModule, DirectoryService } from '@makebuy/directory';
import { CaseEngine, CasePanel, CasesModule, EffectContext } from '@makebuy/cases';
import { CaseWorkflow, CaseWorkflowModule } from '@makebuy/case-workflow';
import { DeadlineFiring, FireOutcome, retryDelayMs } from '@makebuy/deadlines';
import { clearQueues, testConfig } from '../support/test-app';

jest.setTimeout(240_000);

const CASES = 200;
const STALE = 20;
const REFUSED = 10;
const BATCH = 25;

/** Every statement the process sends (BEGIN/COMMIT and savepoints included), and the transactions. */
const counted = { statements: 0, transactions: 0 };
const query = pg.Client.prototype.query;

describe('batched deadline closes (PostgreSQL and Redis, two workers racing)', () => {
  let config: AppConfig;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const workers: TestingModule[] = [];
  let ds: DataSource;
  let engine: CaseEngine;
  let commissioner: Actor;
  let panel: string[];
  let consortiumId: string;

  const boot = async () => {
    const mod = await Test.createTestingModule({
      imports: [
        SettingsModule.forRoot(config, loadPolicy('config/policy.json'), clock),
        MetricsModule,
        DatabaseModule,
        QueueModule,
        DirectoryModule,
        CasesModule,
        CaseWorkflowModule,
      ],
    }).compile();
    await mod.init();
    workers.push(mod);
    return mod;
  };

  beforeAll(async () => {
    config = await testConfig('deadline_batches', { DEADLINE_BATCH_SIZE: String(BATCH) });
    await ensureDatabase(config.databaseUrl);
    await runMigrations(config.databaseUrl);
    const a = await boot();
    await boot();
    ds = a.get(DataSource);
    engine = a.get(CaseEngine);
    const directory = a.get(DirectoryService);
    consortiumId = (await directory.createConsortium({ name: 'Northgate Health Partnership' })).id;
    const people = [];
    for (const name of ['Sam Carter', 'Dr Paul Hughes', 'Nadia Ahmed', 'Claire Jones'])
      people.push(
        await directory.createPerson({
          name,
          email: `${randomUUID()}@example.test`,
          consortiumId,
          roles: ['commissioner'],
        }),
      );
    commissioner = { id: people[0].id, roles: ['commissioner'] };
    panel = people.slice(1).map((p) => p.id);
  });

  afterAll(async () => {
    pg.Client.prototype.query = query;
    for (const m of workers) await m.close();
    if (config) {
      await clearQueues(config.queuePrefix);
      await dropDatabase(config.databaseUrl);
    }
  });

  async function caseInConflictCheck(): Promise<string> {
    const id = randomUUID();
    const panelOf = workers[0].get(CasePanel);
    await engine.create(
      {
        id,
        ocid: `${config.ocidPrefix}-${id}`,
        title: 'Community dermatology',
        serviceName: 'Dermatology',
        consortiumId,
        fromSetting: 'hospital outpatients',
        toSetting: 'community clinics',
        estimatedAnnualValue: 250_000,
        termMonths: 36,
        track: 'standard',
        createdBy: commissioner.id,
      },
      commissioner,
      async (tx, row, now) => {
        for (const p of panel) await panelOf.add(tx, row, p, now);
      },
    );
    await engine.apply({ caseId: id, actor: commissioner, event: { type: 'SUBMIT' } });
    return id;
  }

  /** A deadline the machine would never ask for, through the effect handler (stale or foreign). */
  async function schedule(caseId: string, effect: Omit<Extract<CaseEffect, { type: 'scheduleDeadline' }>, 'type'>) {
    const workflow = workers[0].get(CaseWorkflow);
    const actor: Actor = { id: 'system:test', roles: [] };
    await engine.withCaseLock(caseId, (tx, row, now) =>
      workflow.carryOut({ type: 'scheduleDeadline', ...effect }, { tx, row, decision: undefined as never, now, actor }),
    );
  }

  const rows = (sql: string, params: unknown[] = []) => ds.query(sql, params);

  it('200 due at once: each applied exactly once with its audit row and effects; stale and refused superseded; a failure retried', async () => {
    const ids: string[] = [];
    for (let i = 0; i < CASES; i++) ids.push(await caseInConflictCheck());
    const stale = ids.slice(0, STALE);
    const refused = ids.slice(STALE, STALE + REFUSED);
    const failing = ids[CASES - 1];
    const [{ seq }] = await rows(`SELECT (context->>'stageSeq')::int AS seq FROM cases WHERE id = $1`, [ids[0]]);
    const past = new Date(clock.now().getTime() - 1000).toISOString();
    // a deadline of a stage entry that has ended, and one the state does not take
    for (const c of stale) await schedule(c, { kind: 'tender_close', stageSeq: seq - 1, revision: 0, dueAt: past });
    for (const c of refused) await schedule(c, { kind: 'tender_close', stageSeq: seq, revision: 0, dueAt: past });

    // the effects of the failing case's close throw after writing, in both workers
    let failNow = true;
    for (const m of workers) {
      const workflow = m.get(CaseWorkflow);
      const carryOut = workflow.carryOut.bind(workflow);
      workflow.carryOut = async (effect: CaseEffect, ctx: EffectContext) => {
        await carryOut(effect, ctx);
        if (failNow && ctx.row.id === failing && ctx.decision?.fromState) throw new Error('the breach handler failed');
      };
    }

    // everything falls due: the SLA deadline and its reminder of every case, and the odd ones
    const [{ last }] = await rows(`SELECT max(due_at) AS last FROM deadlines WHERE status = 'pending'`);
    clock.set(new Date(new Date(last).getTime() + 1000));
    const pending = (await rows(
      `SELECT id, case_id, kind FROM deadlines WHERE status = 'pending' ORDER BY due_at, id`,
    )) as { id: string; case_id: string; kind: string }[];
    expect(pending).toHaveLength(2 * CASES + STALE + REFUSED);

    const [a, b] = workers.map((m) => m.get(DeadlineFiring));
    const drain = async (f: DeadlineFiring) => {
      const outcomes: FireOutcome[] = [];
      for (;;) {
        const r = await f.closeDue('reconciler');
        outcomes.push(...r.outcomes.values());
        if (r.claimed < f.batchSize) return outcomes;
      }
    };
    const before = { a: { ...a.counters }, b: { ...b.counters } };
    counted.statements = 0;
    counted.transactions = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      counted.statements++;
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
      if (text && /^(START TRANSACTION|BEGIN)/i.test(text)) counted.transactions++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as never;
    const woken = pending.filter((_, i) => i % 7 === 0).map((d) => d.id);
    const [fromA, fromB, wakes] = await Promise.all([
      drain(a),
      drain(b),
      Promise.all(woken.map((id, i) => (i % 2 ? a : b).wake(id))),
    ]);
    pg.Client.prototype.query = query;
    const statements = counted.statements;
    const transactions = counted.transactions;

    // every SLA deadline but the failing one fired exactly once, with its audit row and effects
    const closed = ids.filter((c) => c !== failing);
    const sla = (await rows(
      `SELECT case_id, status, attempts, last_error, claimed_until FROM deadlines WHERE kind = 'conflict_check_sla'`,
    )) as { case_id: string; status: string; attempts: number; last_error: string | null; claimed_until: Date }[];
    expect(
      sla
        .filter((d) => d.status === 'fired')
        .map((d) => d.case_id)
        .sort(),
    ).toEqual([...closed].sort());
    const audits = (await rows(
      `SELECT case_id, count(*)::int AS n FROM case_events WHERE type = 'DEADLINE_DUE' GROUP BY case_id`,
    )) as { case_id: string; n: number }[];
    expect(audits.map((r) => r.case_id).sort()).toEqual([...closed].sort());
    expect(audits.every((r) => r.n === 1)).toBe(true);
    const escalations = (await rows(`SELECT case_id, count(*)::int AS n FROM escalations GROUP BY case_id`)) as {
      case_id: string;
      n: number;
    }[];
    expect(escalations.map((r) => r.case_id).sort()).toEqual([...closed].sort());
    expect(escalations.every((r) => r.n === 1)).toBe(true);
    const breaches = (await rows(
      `SELECT case_id, count(*)::int AS n FROM flags WHERE code = 'DEADLINE_BREACH' GROUP BY case_id`,
    )) as { case_id: string; n: number }[];
    expect(breaches.map((r) => r.case_id).sort()).toEqual([...closed].sort());
    expect(breaches.every((r) => r.n === 1)).toBe(true);
    // each case stays put (a service level is accepted in place) and moved by one version
    const states = (await rows(`SELECT state, version FROM cases WHERE id = ANY($1)`, [closed])) as {
      state: string;
      version: number;
    }[];
    expect(states.every((s) => s.state === 'conflict_check' && s.version === 3)).toBe(true);

    // every reminder fired once, and reminded each panel member once
    const reminders = await rows(
      `SELECT count(*)::int AS n FROM deadlines WHERE kind = 'conflict_check_sla.reminder' AND status = 'fired'`,
    );
    expect(reminders[0].n).toBe(CASES);
    const reminded = await rows(
      `SELECT count(*)::int AS n, count(DISTINCT (person_id, case_id))::int AS d FROM notifications WHERE kind = 'deadline_reminder'`,
    );
    expect(reminded[0]).toEqual({ n: CASES * panel.length, d: CASES * panel.length });

    // stale ones superseded by the fence, refused ones by the machine; nothing of theirs audited
    const odd = (await rows(`SELECT case_id, status, outcome FROM deadlines WHERE kind = 'tender_close'`)) as {
      case_id: string;
      status: string;
      outcome: string;
    }[];
    for (const d of odd) {
      expect(d.status).toBe('superseded');
      expect(d.outcome).toMatch(stale.includes(d.case_id) ? /^stage \d+ ended/ : /^refused by the case/);
    }
    expect(odd).toHaveLength(STALE + REFUSED);

    // the failed close: nothing of it was written, the failure is on the row with its back-off
    const failed = sla.find((d) => d.case_id === failing)!;
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, last_error: 'the breach handler failed' });
    expect(new Date(failed.claimed_until).getTime()).toBe(clock.now().getTime() + retryDelayMs(1));
    expect(await rows(`SELECT 1 FROM escalations WHERE case_id = $1`, [failing])).toEqual([]);

    // no deadline was reported fired twice (by the two workers' passes and the jobs' batches)
    const all = [...fromA, ...fromB];
    const fired = all.filter((r) => r.outcome === 'fired');
    const firedIds = [...fired, ...wakes.filter((r) => r.outcome === 'fired')].map((r) => r.deadlineId);
    expect(new Set(firedIds).size).toBe(firedIds.length);
    expect(wakes.every((r) => ['fired', 'settled', 'superseded', 'elsewhere', 'failed'].includes(r.outcome))).toBe(
      true,
    );
    const failedId = pending.find((d) => d.case_id === failing && d.kind === 'conflict_check_sla')!.id;
    expect(all.filter((r) => r.outcome === 'failed' && r.deadlineId !== failedId)).toEqual([]);

    // counts are meaning: one transaction per batch (plus the run again with savepoints that the
    // failure caused), and a close costs a fraction of its own transaction's statements
    const batches = a.counters.batches - before.a.batches + (b.counters.batches - before.b.batches);
    const redone =
      a.counters.withSavepoints - before.a.withSavepoints + (b.counters.withSavepoints - before.b.withSavepoints);
    expect(redone).toBe(1);
    const closes = pending.length;
    expect(transactions).toBe(batches);
    expect(transactions).toBeLessThanOrEqual(Math.ceil(closes / BATCH) + 2 * 2 + woken.length + 1);
    const perClose = statements / closes;
    console.log(
      `batched closes: ${closes} deadlines, ${batches} transactions (${redone} with savepoints), ${statements} statements, ${perClose.toFixed(2)} per close`,
    );
    // one transaction per deadline cost 16.2 statements per close on the same storm (c14a7ef)
    expect(perClose).toBeLessThan(13);

    // the retry, after its back-off: applied once
    failNow = false;
    clock.advance(retryDelayMs(1) + 1);
    const retry = await drain(a);
    expect(retry.map((r) => r.outcome)).toEqual(['fired']);
    expect(
      await rows(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'DEADLINE_DUE'`, [failing]),
    ).toEqual([{ n: 1 }]);
    expect(await rows(`SELECT count(*)::int AS n FROM escalations WHERE case_id = $1`, [failing])).toEqual([{ n: 1 }]);

    // and a job that wakes for any of them now costs nothing in the process that closed it
    counted.statements = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      counted.statements++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as never;
    const late = await Promise.all(fired.filter((r) => fromA.includes(r)).map((r) => a.wake(r.deadlineId)));
    pg.Client.prototype.query = query;
    expect(late.every((r) => r.outcome === 'settled')).toBe(true);
    expect(counted.statements).toBe(0);
  });
  it('a deadline its case settles while a batch waits for the case lock comes out settled, and the rest of the batch closes', async () => {
    const held = await caseInConflictCheck();
    const other = await caseInConflictCheck();
    const [{ last }] = await rows(
      `SELECT max(due_at) AS last FROM deadlines WHERE status = 'pending' AND case_id = ANY($1::uuid[])`,
      [[held, other]],
    );
    clock.set(new Date(new Date(last).getTime() + 1000));
    const ofCase = async (caseId: string) =>
      (await rows(`SELECT id, status, claimed_until FROM deadlines WHERE case_id = $1 ORDER BY due_at, id`, [
        caseId,
      ])) as { id: string; status: string; claimed_until: Date | null }[];

    // a case event holds the case's lock (as a request would) while the batch claims and waits on it
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [held]);
      const closing = workers[0].get(DeadlineFiring).closeDue('reconciler');
      // claimed (an UPDATE that takes no case lock) before the batch locks its cases
      for (;;) {
        if ((await ofCase(held)).every((d) => d.claimed_until !== null)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // ...and the event cancels the case's pending deadlines before it commits
      await client.query(
        `UPDATE deadlines SET status = 'cancelled', settled_at = now(), outcome = 'cancelled by the test event'
          WHERE case_id = $1 AND status = 'pending'`,
        [held],
      );
      await client.query('COMMIT');
      const { outcomes } = await closing;

      const cancelled = await ofCase(held);
      expect(cancelled.length).toBeGreaterThan(0);
      for (const d of cancelled) {
        expect(d.status).toBe('cancelled');
        expect(outcomes.get(d.id)).toEqual({ outcome: 'settled', deadlineId: d.id, status: 'cancelled' });
      }
      expect(
        await rows(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'DEADLINE_DUE'`, [held]),
      ).toEqual([{ n: 0 }]);
      // the other case's deadlines in the same batch closed as usual
      const closed = await ofCase(other);
      expect(closed.map((d) => d.status)).toEqual(closed.map(() => 'fired'));
      for (const d of closed) expect(outcomes.get(d.id)?.outcome).toBe('fired');
    } finally {
      await client.end();
    }
  });
});
