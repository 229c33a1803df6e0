import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { CLIENT_EVENT_TYPES, FINAL_STATES } from '@makebuy/domain';
import { given, World } from '../support/given';
import { eventually, startTestApp, TestApp } from '../support/test-app';

describe('case lifecycle: API, ETags, visibility, audit chain, outbox', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'lifecycle' });
    g = given(t);
    w = await g.world();
  });
  afterAll(() => t.close());

  it('POST /cases returns 201 with the same body as GET /cases/{id}, an ETag and the commissioner’s allowed events', async () => {
    const res = await g.post(w.commissioner.token, '/cases', g.caseBody(w), 201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      id: expect.any(String),
      ocid: expect.stringMatching(/^ocds-[a-z0-9]+-/),
      state: 'draft',
      stateValue: 'draft',
      version: 1,
      allowedEvents: ['SUBMIT', 'CANCEL'],
      estimatedAnnualValue: { amount: 250000, currency: 'GBP' },
    });
    expect(res.body.panel.map((p: { personId: string }) => p.personId).sort()).toEqual(w.panel.map((p) => p.id).sort());
    const got = await g.get(w.commissioner.token, `/cases/${res.body.id}`);
    expect(got.headers.etag).toBe('"1"');
    expect(got.body).toEqual(res.body);
    const asGov = await g.get(w.governance.token, `/cases/${res.body.id}`);
    expect(asGov.body.allowedEvents).toEqual(['CANCEL']);
  });

  it('only the creator, the panel, governance and commissioners of the consortium see a case; others get 404', async () => {
    const c = await g.draftCase(w);
    for (const who of [w.commissioner, w.commissioner2, w.governance, w.panel[1]]) {
      expect((await g.get(who.token, `/cases/${c.id}`)).status).toBe(200);
    }
    const provider = Object.values(w.providerUsers)[0];
    for (const who of [w.outsider, provider]) {
      const res = await g.get(who.token, `/cases/${c.id}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const admin = await t.adminToken();
    expect((await g.get(admin, `/cases/${c.id}`)).status).toBe(404);
    const list = await g.get(w.outsider.token, '/cases');
    expect(list.body.items.find((x: { id: string }) => x.id === c.id)).toBeUndefined();
    const mine = await g.get(w.commissioner.token, `/cases?state=draft&consortiumId=${w.consortiumId}`);
    expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
    expect(mine.body.items.every((x: { state: string }) => x.state === 'draft')).toBe(true);
  });

  it('checks errors in the contract order and changes nothing on a refusal', async () => {
    const c = await g.draftCase(w);
    const path = `/cases/${c.id}/events`;
    // unknown case first (404), even for a wrong role
    expect(
      (await g.post(w.governance.token, `/cases/6f1c3c7e-1111-4111-8111-111111111111/events`, { type: 'SUBMIT' }))
        .status,
    ).toBe(404);
    // wrong role 403 before a bad payload 400
    const wrongRole = await g.post(w.governance.token, path, { type: 'SUBMIT', bogus: 1 });
    expect([wrongRole.status, wrongRole.body.code]).toEqual([403, 'FORBIDDEN']);
    const badType = await g.post(w.commissioner.token, path, { type: 'ADVANCE' });
    expect([badType.status, badType.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknownField = await g.post(w.commissioner.token, path, { type: 'SUBMIT', hurry: true });
    expect([unknownField.status, unknownField.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badEnum = await g.post(w.commissioner.token, path, { type: 'CANCEL', reasonCode: 'bored' });
    expect([badEnum.status, badEnum.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    // a stale If-Match: 412 before the state check
    const stale = await t.http
      .post(`/api/v1${path}`)
      .set(g.auth(w.governance.token))
      .set('If-Match', '"7"')
      .send({ type: 'COMPLETE_CONFLICT_CHECK' });
    expect([stale.status, stale.body.code]).toEqual([412, 'VERSION_MISMATCH']);
    // not valid in draft: 409
    const notNow = await g.post(w.governance.token, path, { type: 'COMPLETE_CONFLICT_CHECK' });
    expect([notNow.status, notNow.body.code]).toEqual([409, 'EVENT_NOT_ALLOWED']);
    const after = await g.get(w.commissioner.token, `/cases/${c.id}`);
    expect(after.body.version).toBe(1);
    expect(after.body.state).toBe('draft');
  });

  it('a panel smaller than the quorum cannot be submitted (422 QUORUM_NOT_MET)', async () => {
    const c = await g.draftCase(w, { panelPersonIds: [w.panel[1].id] });
    const res = await g.post(w.commissioner.token, `/cases/${c.id}/events`, { type: 'SUBMIT' });
    expect([res.status, res.body.code]).toEqual([422, 'QUORUM_NOT_MET']);
  });

  it('SUBMIT with a matching If-Match moves the case and bumps the version and ETag', async () => {
    const c = await g.draftCase(w);
    const res = await t.http
      .post(`/api/v1/cases/${c.id}/events`)
      .set(g.auth(w.commissioner.token))
      .set('If-Match', '"1"')
      .send({ type: 'SUBMIT' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({ state: 'conflict_check', version: 2 });
    expect(res.body.deadlines).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'conflict_check_sla', status: 'pending' })]),
    );
  });

  it('records every event in a hash chain that verifies, and detects tampering', async () => {
    const c = await g.caseInConflictCheck(w);
    await g.event(w.commissioner.token, c.id, { type: 'CANCEL', reasonCode: 'budget', note: 'funding withdrawn' });
    const history = await g.get(w.governance.token, `/cases/${c.id}/history?limit=200`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(['CREATED', 'SUBMIT', 'CANCEL']);
    expect(history.body.items[2]).toMatchObject({
      seq: 3,
      fromState: 'conflict_check',
      toState: 'cancelled',
      payload: { reasonCode: 'budget', note: 'funding withdrawn' },
    });
    expect(history.body.items[1].prevHash).toBe(history.body.items[0].hash);
    // v1.1 adds the bid-receipt check beside the chain's own fields (no bid was ever opened here)
    const noBids = { checked: 0, mismatches: [], opened: false, valid: true };
    expect((await g.get(w.commissioner.token, `/cases/${c.id}/history/verify`)).body).toEqual({
      valid: true,
      length: 3,
      firstInvalidSeq: null,
      bidReceipts: noBids,
    });
    // providers and panel members who are not commissioners/governance may not read history
    const provider = Object.values(w.providerUsers)[0];
    expect((await g.get(provider.token, `/cases/${c.id}/history`)).status).toBe(404);

    // the table refuses updates from the application...
    const ds = t.app.get(DataSource);
    await expect(
      ds.query(`UPDATE case_events SET payload = '{}' WHERE case_id = $1 AND seq = 2`, [c.id]),
    ).rejects.toThrow(/append-only/);
    // ...so a tamperer with superuser rights goes around the trigger
    await ds.query(`ALTER TABLE case_events DISABLE TRIGGER case_events_no_update`);
    await ds.query(`UPDATE case_events SET payload = '{"forged":true}' WHERE case_id = $1 AND seq = 2`, [c.id]);
    await ds.query(`ALTER TABLE case_events ENABLE TRIGGER case_events_no_update`);
    expect((await g.get(w.governance.token, `/cases/${c.id}/history/verify`)).body).toEqual({
      valid: false,
      length: 3,
      firstInvalidSeq: 2,
      bidReceipts: noBids,
    });
  });

  it('50 concurrent events on one case: exactly one is applied per version; the others get 412 or 409; the chain verifies', async () => {
    const c = await g.caseInConflictCheck(w);
    const send = () =>
      t.http
        .post(`/api/v1/cases/${c.id}/events`)
        .set(g.auth(w.commissioner.token))
        .set('If-Match', '"2"')
        .send({ type: 'CANCEL', reasonCode: 'other' });
    const results = await Promise.all(Array.from({ length: 25 }, send));
    const unguarded = await Promise.all(
      Array.from({ length: 25 }, () =>
        t.http
          .post(`/api/v1/cases/${c.id}/events`)
          .set(g.auth(w.governance.token))
          .send({ type: 'CANCEL', reasonCode: 'other' }),
      ),
    );
    const all = [...results, ...unguarded];
    expect(all.filter((r) => r.status === 200)).toHaveLength(1);
    expect(all.every((r) => [200, 409, 412].includes(r.status))).toBe(true);
    const history = await g.get(w.governance.token, `/cases/${c.id}/history?limit=200`);
    expect(history.body.items.filter((e: { type: string }) => e.type === 'CANCEL')).toHaveLength(1);
    expect((await g.get(w.governance.token, `/cases/${c.id}/history/verify`)).body.valid).toBe(true);
  });

  it('Idempotency-Key on POST /cases creates one case', async () => {
    const body = g.caseBody(w, { title: 'Idempotent case' });
    const send = () =>
      t.http.post('/api/v1/cases').set(g.auth(w.commissioner.token)).set('Idempotency-Key', 'case-key-1').send(body);
    const a = await send();
    const b = await send();
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    const ds = t.app.get(DataSource);
    expect(Number((await ds.query(`SELECT count(*) FROM cases WHERE title = 'Idempotent case'`))[0].count)).toBe(1);
  });

  it('random event sequences never produce a 500 and never leave a final state', async () => {
    const roles = () => fc.constantFrom(w.commissioner, w.governance, w.panel[1]);
    const payload = fc.record(
      {
        reasonCode: fc.constantFrom('budget', 'other', 'nope'),
        note: fc.string({ maxLength: 5 }),
        providerIds: fc.constantFrom([w.memberPractices[0].id], [w.trust.id], ['not-a-uuid']),
        psrProcess: fc.constantFrom('direct_award_c', 'most_suitable_provider', 'x'),
        justification: fc.string({ maxLength: 5 }),
        criteria: fc.constantFrom(g.criteria, [{ key: 'value', weight: 100 }], [{ key: 'value', weight: 50 }]),
        bidId: fc.uuid(),
        reason: fc.string({ maxLength: 5 }),
        extra: fc.integer(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...CLIENT_EVENT_TYPES), roles(), payload), { minLength: 1, maxLength: 8 }),
        async (steps) => {
          const c = await g.draftCase(w);
          let final: string | null = null;
          for (const [type, who, p] of steps) {
            const res = await t.http
              .post(`/api/v1/cases/${c.id}/events`)
              .set(g.auth(who.token))
              .send({ type, ...p });
            expect(res.status).not.toBe(500);
            expect([200, 400, 403, 409, 412, 422]).toContain(res.status);
            const state = (await g.get(w.governance.token, `/cases/${c.id}`)).body.state;
            if (final) expect(state).toBe(final);
            if ((FINAL_STATES as readonly string[]).includes(state)) final = state;
            expect(state).not.toBe('awarded');
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('outbox: nothing lost between commit and relay', () => {
  it('rows committed while no relay runs are published after a restart', async () => {
    const first = await startTestApp({ suite: 'outbox', worker: false });
    const g = given(first);
    const w = await g.world();
    const c = await g.caseInConflictCheck(w); // SUBMIT schedules a deadline: an outbox row
    const ds = first.app.get(DataSource);
    const pending = await ds.query(`SELECT id, job_id FROM outbox WHERE case_id = $1 AND published_at IS NULL`, [c.id]);
    expect(pending.length).toBeGreaterThan(0);
    // the process "dies" before any relay ran
    await first.app.close();
    const second = await startTestApp({ suite: 'outbox', reuse: first.config });
    try {
      const ds2 = second.app.get(DataSource);
      await eventually(async () => {
        const left = await ds2.query(
          `SELECT count(*)::int AS n FROM outbox WHERE case_id = $1 AND published_at IS NULL`,
          [c.id],
        );
        return left[0].n === 0;
      });
      const { QueueGateway, JOBS } = await import('@makebuy/queue');
      const job = await second.app.get(QueueGateway).getJob(JOBS.fireDeadline, pending[0].job_id);
      expect(job?.id).toBe(pending[0].job_id);
    } finally {
      await second.app.close();
      const { clearQueues } = await import('../support/test-app');
      const { dropDatabase } = await import('@makebuy/database');
      await clearQueues(first.config.queuePrefix);
      await dropDatabase(first.config.databaseUrl);
    }
  });

  it('a rolled-back command enqueues nothing', async () => {
    const t = await startTestApp({ suite: 'outbox_rollback', worker: false });
    try {
      const g = given(t);
      const w = await g.world();
      const c = await g.draftCase(w, { panelPersonIds: [w.panel[1].id] });
      const ds = t.app.get(DataSource);
      const before = (await ds.query(`SELECT count(*)::int AS n FROM outbox`))[0].n;
      const res = await g.post(w.commissioner.token, `/cases/${c.id}/events`, { type: 'SUBMIT' });
      expect(res.status).toBe(422);
      expect((await ds.query(`SELECT count(*)::int AS n FROM outbox`))[0].n).toBe(before);
      expect((await ds.query(`SELECT count(*)::int AS n FROM deadlines WHERE case_id = $1`, [c.id]))[0].n).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe('statechart versions', () => {
  it('a case whose snapshot no longer restores is reported, not crashed on, and the migration step moves it with an audit row', async () => {
    const t = await startTestApp({ suite: 'machine_versions', worker: false });
    try {
      const g = given(t);
      const w = await g.world();
      const c = await g.draftCase(w);
      const ds = t.app.get(DataSource);
      // a deployment removed the machine version this case runs on
      await ds.query(`UPDATE cases SET machine_version = 99 WHERE id = $1`, [c.id]);
      const read = await g.get(w.commissioner.token, `/cases/${c.id}`);
      expect(read.status).toBe(200);
      expect(read.body.allowedEvents).toEqual([]);
      const ev = await g.post(w.commissioner.token, `/cases/${c.id}/events`, { type: 'SUBMIT' });
      expect([ev.status, ev.body.code]).toEqual([409, 'CASE_NEEDS_MIGRATION']);
      expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.needsMigration).toBe(true);

      const { CaseMigrator } = await import('@makebuy/cases');
      const migrator = t.app.get(CaseMigrator);
      expect(await migrator.scan()).toContain(c.id);
      const report = await migrator.migrate(1);
      expect(report.failed).toEqual([]);
      expect(report.migrated).toEqual([
        expect.objectContaining({ caseId: c.id, fromVersion: 99, toVersion: 1, toState: 'draft' }),
      ]);
      const after = await g.get(w.commissioner.token, `/cases/${c.id}`);
      expect(after.body).toMatchObject({
        needsMigration: false,
        machineVersion: 1,
        state: 'draft',
        allowedEvents: ['SUBMIT', 'CANCEL'],
      });
      const history = await g.get(w.governance.token, `/cases/${c.id}/history?limit=200`);
      expect(history.body.items.at(-1)).toMatchObject({
        type: 'MACHINE_MIGRATED',
        payload: { fromVersion: 99, toVersion: 1 },
      });
      expect((await g.get(w.governance.token, `/cases/${c.id}/history/verify`)).body.valid).toBe(true);
    } finally {
      await t.close();
    }
  });
});
