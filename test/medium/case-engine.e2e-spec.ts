/**
 * The case engine and the outbox relay against the real PostgreSQL and Redis, without HTTP:
 * a transition writes the snapshot, its audit row and its outbox rows in one transaction, the
 * relay publishes them after commit, and a failing effect handler rolls all of it back.
 */
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor, CaseEffect } from '@makebuy/domain';
import { AppConfig, loadPolicy, SettingsModule, SystemClock } from '@makebuy/settings';
import { DatabaseModule, dropDatabase, ensureDatabase, runMigrations } from '@makebuy/database';
import { MetricsModule } from '@makebuy/metrics';
import { JOBS, OutboxRelay, QueueGateway, QueueModule } from '@makebuy/queue';
import { DirectoryModule, DirectoryService } from '@makebuy/directory';
import { CaseEngine, CasePanel, CasesModule, EffectContext } from '@makebuy/cases';
import { CaseWorkflow, CaseWorkflowModule } from '@makebuy/case-workflow';
import { assertTestDatabase, clearQueues, eventually, testConfig } from '../support/test-app';

jest.setTimeout(60_000);

describe('case engine and outbox relay (PostgreSQL and Redis, no HTTP)', () => {
  let config: AppConfig;
  let mod: TestingModule;
  let ds: DataSource;
  let engine: CaseEngine;
  let workflow: CaseWorkflow;
  let consortiumId: string;
  let commissioner: Actor;
  let panel: string[];

  beforeAll(async () => {
    config = await testConfig('case_engine_medium');
    await ensureDatabase(config.databaseUrl);
    await runMigrations(config.databaseUrl);
    mod = await Test.createTestingModule({
      imports: [
        SettingsModule.forRoot(config, loadPolicy('config/policy.json'), new SystemClock()),
        MetricsModule,
        DatabaseModule,
        QueueModule,
        DirectoryModule,
        CasesModule,
        CaseWorkflowModule,
      ],
      providers: [OutboxRelay],
    }).compile();
    await mod.init();
    ds = mod.get(DataSource);
    engine = mod.get(CaseEngine);
    workflow = mod.get(CaseWorkflow);
    const directory = mod.get(DirectoryService);
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
    await mod?.close();
    if (config) {
      await clearQueues(config.queuePrefix);
      await dropDatabase(config.databaseUrl);
    }
  });

  async function draftCase(): Promise<string> {
    const id = randomUUID();
    const panelOf = mod.get(CasePanel);
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
    return id;
  }

  const caseRow = async (id: string) =>
    (await ds.query(`SELECT state, version, xmin::text AS xmin FROM cases WHERE id = $1`, [id]))[0] as {
      state: string;
      version: number;
      xmin: string;
    };
  const auditRows = (id: string) =>
    ds.query(`SELECT seq, type, xmin::text AS xmin FROM case_events WHERE case_id = $1 ORDER BY seq`, [id]) as Promise<
      { seq: number; type: string; xmin: string }[]
    >;
  const outboxRows = (id: string) =>
    ds.query(`SELECT topic, job_id, published_at, xmin::text AS xmin FROM outbox WHERE case_id = $1 ORDER BY id`, [
      id,
    ]) as Promise<{ topic: string; job_id: string; published_at: Date | null; xmin: string }[]>;
  const deadlineRows = (id: string) =>
    ds.query(`SELECT kind, status, xmin::text AS xmin FROM deadlines WHERE case_id = $1 ORDER BY kind`, [
      id,
    ]) as Promise<{ kind: string; status: string; xmin: string }[]>;

  it('a transition writes the snapshot, the audit row, the deadline rows and their outbox rows in one transaction', async () => {
    const id = await draftCase();
    expect(await caseRow(id)).toMatchObject({ state: 'draft', version: 1 });
    expect(await outboxRows(id)).toEqual([]);

    const { row, decision } = await engine.apply({ caseId: id, actor: commissioner, event: { type: 'SUBMIT' } });
    expect(decision).toMatchObject({ fromState: 'draft', toState: 'conflict_check' });
    expect(row.version).toBe(2);
    // read first: the relay, woken by the commit, is publishing these rows meanwhile
    const outbox = await outboxRows(id);

    const stored = await caseRow(id);
    expect(stored).toMatchObject({ state: 'conflict_check', version: 2 });
    const audit = await auditRows(id);
    expect(audit.map((a) => [a.seq, a.type])).toEqual([
      [1, 'CREATED'],
      [2, 'SUBMIT'],
    ]);
    const deadlines = await deadlineRows(id);
    expect(deadlines.map((d) => [d.kind, d.status])).toEqual([
      ['conflict_check_sla', 'pending'],
      ['conflict_check_sla.reminder', 'pending'],
    ]);
    expect(outbox).toHaveLength(2);
    expect(outbox.every((o) => o.topic === JOBS.fireDeadline)).toBe(true);

    // rows written by one PostgreSQL transaction carry its transaction id (xmin); an outbox row the
    // relay (woken by this commit) has already published carries the relay's UPDATE instead, so
    // only the rows still unpublished are compared (the rollback test below shows that the outbox
    // rows are not written at all when the transaction fails)
    const unpublished = outbox.filter((o) => o.published_at === null);
    const txIds = new Set([
      stored.xmin,
      audit[1].xmin,
      ...deadlines.map((d) => d.xmin),
      ...unpublished.map((o) => o.xmin),
    ]);
    expect(txIds.size).toBe(1);
    expect(outbox.map((o) => o.job_id).sort()).toEqual(
      [`case-${id}-conflict_check_sla-2`, `case-${id}-conflict_check_sla.reminder-2`].sort(),
    );
    expect(audit[0].xmin).not.toBe(stored.xmin);
  });

  it('the relay publishes the committed outbox rows to BullMQ under their deterministic job ids', async () => {
    const id = await draftCase();
    await engine.apply({ caseId: id, actor: commissioner, event: { type: 'SUBMIT' } });
    // the relay was woken by the commit; a pass of our own publishes whatever that one has not
    await mod.get(OutboxRelay).drain();
    const outbox = await eventually(async () => {
      const rows = await outboxRows(id);
      return rows.every((o) => o.published_at !== null) && rows;
    });
    expect(outbox).toHaveLength(2);
    const gateway = mod.get(QueueGateway);
    for (const o of outbox) {
      expect(o.published_at).not.toBeNull();
      const job = await gateway.getJob(JOBS.fireDeadline, o.job_id);
      expect(job?.id).toBe(o.job_id);
      expect(job?.data).toMatchObject({ caseId: id });
    }
  });

  it('the relay publishes a backlog in bulk, and a row it cannot publish is recorded on it without holding back the rest', async () => {
    // the relay started with the module may be mid-pass: wait until it has nothing left of its own
    const relay = mod.get(OutboxRelay);
    await relay.drain();
    const caseId = await draftCase();
    const jobIds = Array.from({ length: 250 }, (_, i) => `relay-bulk-${caseId}-${i}`);
    const soon = new Date(Date.now() + 3_600_000);
    await ds.query(
      `INSERT INTO outbox (case_id, topic, job_id, payload, delay_until)
       SELECT $1::uuid, $2, j, jsonb_build_object('deadlineId', $1::text, 'caseId', $1::text), $3 FROM unnest($4::text[]) AS j`,
      [caseId, JOBS.fireDeadline, soon, jobIds],
    );
    // a topic no handler knows, between the others (a row written by a newer release, say)
    await ds.query(`INSERT INTO outbox (case_id, topic, job_id, payload) VALUES ($1, 'no.such.job', $2, '{}'::jsonb)`, [
      caseId,
      `relay-bad-${caseId}`,
    ]);
    const late = `relay-late-${caseId}`;
    await ds.query(`INSERT INTO outbox (case_id, topic, job_id, payload) VALUES ($1, $2, $3, $4::jsonb)`, [
      caseId,
      JOBS.fireDeadline,
      late,
      JSON.stringify({ deadlineId: caseId, caseId }),
    ]);
    // the module's own relay may hold some of them (SKIP LOCKED): drain until both are done
    type Row = { job_id: string; published_at: Date | null; attempts: number; last_error: string | null };
    const rows = await eventually(async () => {
      await relay.drain();
      const r: Row[] = await ds.query(
        `SELECT job_id, published_at, attempts, last_error FROM outbox WHERE job_id LIKE 'relay-%' AND case_id = $1`,
        [caseId],
      );
      return r.every((x) => x.attempts > 0) && r;
    });
    const good = rows.filter((r) => r.job_id !== `relay-bad-${caseId}`);
    expect(good).toHaveLength(251);
    expect(good.filter((r) => r.published_at === null)).toEqual([]);
    expect(good.every((r) => r.attempts === 1 && r.last_error === null)).toBe(true);
    const bad = rows.find((r) => r.job_id === `relay-bad-${caseId}`)!;
    expect(bad.published_at).toBeNull();
    expect(bad.attempts).toBeGreaterThanOrEqual(1);
    expect(bad.last_error).toBeTruthy();
    const gateway = mod.get(QueueGateway);
    for (const id of [jobIds[0], jobIds[249], late]) expect((await gateway.getJob(JOBS.fireDeadline, id))?.id).toBe(id);
    // the delay was computed from delay_until when it was added
    const delayed = await gateway.getJob(JOBS.fireDeadline, jobIds[0]);
    expect(delayed!.opts.delay).toBeGreaterThan(3_000_000);
    await ds.query(`DELETE FROM outbox WHERE job_id = $1`, [`relay-bad-${caseId}`]);
    for (const id of [...jobIds, late]) await (await gateway.getJob(JOBS.fireDeadline, id))?.remove();
  });

  it('a failing effect handler rolls back the snapshot, the audit row and every row the other effects wrote', async () => {
    const id = await draftCase();
    const before = { row: await caseRow(id), audit: await auditRows(id) };
    const carryOut = workflow.carryOut.bind(workflow);
    const failing = async (effect: CaseEffect, ctx: EffectContext) => {
      // the real handler runs (deadline and outbox rows are written), then the effect fails
      await carryOut(effect, ctx);
      if (ctx.row.id === id && effect.type === 'scheduleDeadline') throw new Error('the effect handler failed');
    };
    workflow.carryOut = failing;
    try {
      await expect(engine.apply({ caseId: id, actor: commissioner, event: { type: 'SUBMIT' } })).rejects.toThrow(
        'the effect handler failed',
      );
    } finally {
      workflow.carryOut = carryOut;
    }
    expect(await caseRow(id)).toEqual(before.row);
    expect(await auditRows(id)).toEqual(before.audit);
    expect(await deadlineRows(id)).toEqual([]);
    expect(await outboxRows(id)).toEqual([]);

    // nothing was half-applied: the same event succeeds afterwards
    await engine.apply({ caseId: id, actor: commissioner, event: { type: 'SUBMIT' } });
    expect(await caseRow(id)).toMatchObject({ state: 'conflict_check', version: 2 });
  });

  it('the suites refuse a DATABASE_URL whose database does not say test (they drop it afterwards)', async () => {
    await expect(testConfig('guard', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/makebuy' })).rejects.toThrow(
      'refusing to run against database "makebuy"',
    );
    expect(() => assertTestDatabase('postgres://postgres@127.0.0.1:5432/production_test_copy')).toThrow(
      'does not start with makebuy_test_',
    );
    expect(() => assertTestDatabase(config.databaseUrl)).not.toThrow();
  });
});
