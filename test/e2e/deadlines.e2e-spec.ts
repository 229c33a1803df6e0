/**
 * Deadlines move cases on by themselves, exactly once, and only the stage entry they were set
 * for. Two apps: one with time accelerated 500,000 times (tenders close and standstills end
 * within seconds, through BullMQ), one on a manual clock (deadlines fall due when the test
 * moves the clock, so races and stale jobs can be staged precisely).
 */
import { ManualClock } from '@makebuy/settings';
import { JOBS } from '@makebuy/queue';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { deadlineTools } from './deadlines.fixtures';

jest.setTimeout(60_000);

type Notification = { id: string; kind: string; caseId: string | null; title: string; body: string };

describe('deadlines under TIME_ACCELERATION (through BullMQ)', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let dl: ReturnType<typeof deadlineTools>;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'deadlines_fast', timeAcceleration: 500_000 });
    g = given(t);
    dl = deadlineTools(t);
    w = await g.world();
  });
  afterAll(() => t?.close());

  const notices = async (token: string, caseId: string): Promise<Notification[]> => {
    const res = await g.get(token, '/notifications?limit=200');
    expect(res.status).toBe(200);
    return (res.body.items as Notification[]).filter((n) => n.caseId === caseId);
  };

  it('a tender with no bids closes by itself and ends unsuccessful; the close fires once, as the system', async () => {
    const c = await g.caseInTendering(w);
    expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.state).toBe('tendering');
    const close = await dl.deadline(c.id, 'tender_close');
    expect(close).toMatchObject({ status: 'pending', purpose: 'transition' });
    expect(new Date(c.tender.closesAt).getTime()).toBe(close.dueAt.getTime());

    const done = await g.waitForState(w.commissioner.token, c.id, 'unsuccessful', 20_000);
    expect(done.deadlines).toEqual(
      expect.arrayContaining([{ kind: 'tender_close', dueAt: close.dueAt.toISOString(), status: 'fired' }]),
    );
    const history = (await g.history(w.governance.token, c.id)) as {
      type: string;
      actor: string;
      fromState: string;
      toState: string;
      payload: Record<string, unknown>;
    }[];
    // what this test means: the close fired once, as the system. Under load a human stage's
    // service level (conflict_check, at this acceleration under a second) may fire on the way
    // too; such a breach never moves the case, so it is checked for that, not counted.
    const due = history.filter((e) => e.type === 'DEADLINE_DUE' && e.payload.kind === 'tender_close');
    expect(due).toHaveLength(1);
    for (const other of history.filter((e) => e.type === 'DEADLINE_DUE' && e.payload.kind !== 'tender_close'))
      expect({ kind: other.payload.kind, moved: other.fromState !== other.toState }).toEqual({
        kind: expect.stringMatching(/_sla$/),
        moved: false,
      });
    expect(due[0]).toMatchObject({
      actor: 'system:deadlines',
      fromState: 'tendering',
      toState: 'unsuccessful',
      payload: { deadlineId: close.id, kind: 'tender_close', dueAt: close.dueAt.toISOString() },
    });
    // it did not fire before its instant
    expect(new Date(due[0].payload.dueAt as string).getTime()).toBe(close.dueAt.getTime());
    for (const who of [w.commissioner, w.panel[1]]) {
      expect((await notices(who.token, c.id)).map((n) => n.kind)).toContain('tender_unsuccessful');
    }
  });

  it('a bid arriving while the close is pending does not stop it; the standstill then ends in awarded by itself', async () => {
    const c = await g.caseInTendering(w);
    const bidder = w.providerUsers[w.independent.id];
    const bid = await g.bid(bidder, c.id);
    expect((await dl.deadline(c.id, 'tender_close')).status).toBe('pending');

    await g.waitForState(w.commissioner.token, c.id, 'evaluation', 20_000);
    expect((await dl.deadline(c.id, 'tender_close')).status).toBe('fired');
    for (const m of w.panel) await g.score(m, c.id, bid.id, 7);
    await g.event(w.decider.token, c.id, { type: 'PROPOSE_AWARD', bidId: bid.id, justification: 'best value' });

    // clean checks: straight to standstill, whose end clients can read
    const inStandstill = await eventually(async () => {
      const r = await g.get(w.commissioner.token, `/cases/${c.id}`);
      return r.body.state === 'standstill' || r.body.state === 'awarded' ? r.body : null;
    }, 20_000);
    if (inStandstill.state === 'standstill') {
      const end = await dl.deadline(c.id, 'standstill_end');
      expect(inStandstill.standstillEndsAt).toBe(end.dueAt.toISOString());
      expect(inStandstill.deadlines).toEqual(
        expect.arrayContaining([{ kind: 'standstill_end', dueAt: end.dueAt.toISOString(), status: 'pending' }]),
      );
    }

    const awarded = await g.waitForState(w.commissioner.token, c.id, 'awarded', 20_000);
    expect(awarded.standstillEndsAt).toBeNull();
    expect((await dl.deadline(c.id, 'standstill_end')).status).toBe('fired');
    expect(await dl.auditCount(c.id)).toBeGreaterThanOrEqual(2); // tender_close + standstill_end (+ SLAs in place)
    const history = (await g.history(w.governance.token, c.id)) as {
      type: string;
      toState: string;
      payload: { kind?: string };
    }[];
    for (const kind of ['tender_close', 'standstill_end']) {
      expect(history.filter((e) => e.type === 'DEADLINE_DUE' && e.payload.kind === kind)).toHaveLength(1);
    }
    // the bidder heard each step, the panel too
    const kinds = (await notices(bidder.token, c.id)).map((n) => n.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['tender_published', 'tender_closed', 'intention_to_award', 'awarded']),
    );
    expect((await notices(w.panel[2].token, c.id)).map((n) => n.kind)).toContain('awarded');
  });

  it('GET /cases/{id} lists transition and reminder deadlines by due instant', async () => {
    const c = await g.caseInConflictCheck(w);
    const view = (await g.get(w.commissioner.token, `/cases/${c.id}`)).body;
    const kinds = view.deadlines.map((d: { kind: string }) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['conflict_check_sla', 'conflict_check_sla.reminder']));
    const due = view.deadlines.map((d: { dueAt: string }) => Date.parse(d.dueAt));
    expect(due).toEqual([...due].sort((a, b) => a - b));
    for (const d of view.deadlines) expect(Object.keys(d).sort()).toEqual(['dueAt', 'kind', 'status']);
    expect(view.standstillEndsAt).toBeNull();
  });
});

describe('deadlines on a manual clock: fencing, races, reminders and breaches', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let dl: ReturnType<typeof deadlineTools>;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    t = await startTestApp({ suite: 'deadlines_clock', clock });
    g = given(t);
    dl = deadlineTools(t);
  });
  afterAll(() => t?.close());

  /** Moves the clock just past an instant (the reconciler sees the deadline due within 300 ms). */
  const passing = (at: Date) => {
    if (clock.now().getTime() <= at.getTime()) clock.set(new Date(at.getTime() + 1));
  };

  it('a human stage: the reminder goes to who has not declared; past its service level it stays put, raises DEADLINE_BREACH and escalates', async () => {
    const w = await g.world();
    const c = await g.caseInConflictCheck(w);
    // a declaration (and its review) arrives while the deadline is pending: it does not stop it
    const d = await g.post(w.panel[0].token, `/cases/${c.id}/declarations`, { interestIds: [], nilReturn: true }, 201);
    await g.post(
      w.governance.token,
      `/cases/${c.id}/declarations/${d.body.id}/review`,
      { mitigation: 'none', note: 'ok' },
      201,
    );
    const sla = await dl.deadline(c.id, 'conflict_check_sla');
    const reminder = await dl.deadline(c.id, 'conflict_check_sla.reminder');
    expect(reminder).toMatchObject({ purpose: 'reminder', status: 'pending', stageSeq: sla.stageSeq });
    expect(reminder.dueAt.getTime()).toBeLessThan(sla.dueAt.getTime());

    passing(reminder.dueAt);
    await eventually(async () => (await dl.deadline(c.id, 'conflict_check_sla.reminder')).status === 'fired');
    expect((await dl.deadline(c.id, 'conflict_check_sla')).status).toBe('pending');
    for (const m of [w.panel[1], w.panel[2]]) {
      const r = await dl.notificationsOf(m.id, c.id, 'deadline_reminder');
      expect(r).toHaveLength(1);
      expect(r[0].data).toMatchObject({ stage: 'conflict_check', dueAt: sla.dueAt.toISOString() });
    }
    expect(await dl.notificationsOf(w.panel[0].id, c.id, 'deadline_reminder')).toHaveLength(0);
    expect(await dl.auditCount(c.id)).toBe(0); // a reminder is not a transition

    passing(sla.dueAt);
    const firedAt = clock.now();
    await eventually(async () => (await dl.deadline(c.id, 'conflict_check_sla')).status === 'fired');
    const view = (await g.get(w.governance.token, `/cases/${c.id}`)).body;
    expect(view.state).toBe('conflict_check');
    const history = (await g.history(w.governance.token, c.id)) as {
      type: string;
      fromState: string;
      toState: string;
    }[];
    expect(history.filter((e) => e.type === 'DEADLINE_DUE')).toEqual([
      expect.objectContaining({ fromState: 'conflict_check', toState: 'conflict_check' }),
    ]);

    const flags = (await g.get(w.governance.token, `/cases/${c.id}/flags`)).body;
    const breach = (Array.isArray(flags) ? flags : flags.items).filter(
      (f: { code: string }) => f.code === 'DEADLINE_BREACH',
    );
    expect(breach).toHaveLength(1);
    expect(breach[0]).toMatchObject({ severity: 'advisory', status: 'open' });
    expect(breach[0].evidence).toMatchObject({
      stage: 'conflict_check',
      dueAt: sla.dueAt.toISOString(),
      firedAt: firedAt.toISOString(),
    });
    expect([...breach[0].evidence.waitingOn].sort()).toEqual([w.panel[1].id, w.panel[2].id].sort());

    const escalations = await dl.ds.query(`SELECT stage, escalated_to FROM escalations WHERE case_id = $1`, [c.id]);
    expect(escalations).toHaveLength(1);
    expect(escalations[0].stage).toBe('conflict_check');
    expect([...escalations[0].escalated_to].sort()).toEqual([w.governance.id, w.commissioner.id].sort());
    for (const who of [w.governance, w.commissioner]) {
      expect(await dl.notificationsOf(who.id, c.id, 'deadline_escalation')).toHaveLength(1);
    }

    // the stage goes on: completing the check cancels nothing more and breaches nothing more
    await g.declareAndReview(w, c.id, {}, [w.panel[1], w.panel[2]]);
    await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
    expect(await dl.auditCount(c.id)).toBe(1);
  });

  it('the same deadline enqueued twice, promoted, reconciled and fired directly all at once: one transition', async () => {
    const w = await g.world();
    const c = await g.caseInTendering(w);
    const close = await dl.deadline(c.id, 'tender_close');
    await eventually(() => dl.job(close.jobId)); // the relay published it
    passing(close.dueAt);

    const original = (await dl.job(close.jobId))!;
    const payload = { deadlineId: close.id, caseId: c.id, kind: 'tender_close' };
    const results = await Promise.allSettled([
      original.promote(),
      dl.gateway.add(JOBS.fireDeadline, payload, { jobId: `${close.jobId}-again` }),
      dl.gateway.add(JOBS.fireDeadline, payload, { jobId: `${close.jobId}-again-2` }),
      dl.firing.fire(close.id),
      dl.firing.fire(close.id),
      dl.firing.fire(close.id),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await g.waitForState(w.commissioner.token, c.id, 'unsuccessful');
    await eventually(async () => (await dl.job(`${close.jobId}-again-2`))?.isCompleted());
    await eventually(async () => (await dl.job(`${close.jobId}-again`))?.isCompleted());

    expect(await dl.auditCount(c.id)).toBe(1);
    expect((await dl.deadline(c.id, 'tender_close')).status).toBe('fired');
    expect(await dl.notificationsOf(w.commissioner.id, c.id, 'tender_unsuccessful')).toHaveLength(1);
    // and once more, later: nothing
    expect(await dl.firing.fire(close.id)).toEqual({ outcome: 'settled', deadlineId: close.id, status: 'fired' });
    expect(await dl.auditCount(c.id)).toBe(1);
  });

  it('a job that wakes before its due instant (clock skew) is delayed again, and fires when due', async () => {
    const w = await g.world();
    const c = await g.caseInTendering(w);
    const close = await dl.deadline(c.id, 'tender_close');
    const job = await eventually(() => dl.job(close.jobId));
    expect(await job.isDelayed()).toBe(true);
    await job.promote(); // Redis says it is time; our clock says it is not

    await eventually(async () => {
      const j = await dl.job(close.jobId);
      return j?.processedOn && (await j.isDelayed());
    });
    const again = (await dl.job(close.jobId))!;
    // delayed by what is left on our clock (days), not run
    expect(again.timestamp + again.delay).toBeGreaterThan(Date.now() + 3_600_000);
    expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.state).toBe('tendering');
    expect((await dl.deadline(c.id, 'tender_close')).status).toBe('pending');
    expect(await dl.auditCount(c.id)).toBe(0);

    passing(close.dueAt);
    await g.waitForState(w.commissioner.token, c.id, 'unsuccessful');
    expect(await dl.auditCount(c.id)).toBe(1);
  });

  it('a deadline of a stage the case has left does nothing: cancelled on exit, superseded when stale, refused by the machine', async () => {
    const w = await g.world();
    const c = await g.caseInConflictCheck(w);
    const sla = await dl.deadline(c.id, 'conflict_check_sla');
    const job = await eventually(() => dl.job(sla.jobId));
    await g.declareAndReview(w, c.id);
    await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
    expect((await dl.deadline(c.id, 'conflict_check_sla')).status).toBe('cancelled');
    expect((await dl.deadline(c.id, 'conflict_check_sla.reminder')).status).toBe('cancelled');

    // its job still wakes (and we are past the instant): nothing happens
    passing(sla.dueAt);
    await job.promote();
    await eventually(async () => (await dl.job(sla.jobId))?.isCompleted());
    expect(await dl.firing.fire(sla.id)).toMatchObject({ outcome: 'settled', status: 'cancelled' });

    // a pending deadline of the stage entry that has ended (the case is in route_decision now)
    await dl.scheduleThroughEffect(c.id, {
      kind: 'conflict_check_sla',
      stageSeq: sla.stageSeq,
      revision: 7,
      dueAt: new Date(clock.now().getTime() - 1000).toISOString(),
    });
    // a deadline of the current stage entry that the state does not take
    const current = (await g.get(w.commissioner.token, `/cases/${c.id}`)).body;
    expect(current.state).toBe('route_decision');
    await dl.scheduleThroughEffect(c.id, {
      kind: 'standstill_end',
      stageSeq: sla.stageSeq + 1,
      revision: 0,
      dueAt: new Date(clock.now().getTime() - 1000).toISOString(),
    });
    await eventually(async () => {
      const rows = await dl.deadlines(c.id);
      const stale = rows.find((d) => d.kind === 'conflict_check_sla' && d.revision === 7)!;
      const foreign = rows.find((d) => d.kind === 'standstill_end')!;
      return stale.status === 'superseded' && foreign.status === 'superseded' ? { stale, foreign } : null;
    });
    const rows = await dl.deadlines(c.id);
    expect(rows.find((d) => d.kind === 'conflict_check_sla' && d.revision === 7)!.outcome).toMatch(/stage/);
    expect(rows.find((d) => d.kind === 'standstill_end')!.outcome).toMatch(/refused by the case/);
    expect(await dl.auditCount(c.id)).toBe(0);
    const after = (await g.get(w.commissioner.token, `/cases/${c.id}`)).body;
    expect({ state: after.state, version: after.version }).toEqual({
      state: 'route_decision',
      version: current.version,
    });
  });

  it('CANCEL cancels every pending deadline of the case, reminders included', async () => {
    const w = await g.world();
    const c = await g.caseInConflictCheck(w);
    await g.event(w.commissioner.token, c.id, { type: 'CANCEL', reasonCode: 'budget' });
    const rows = await dl.deadlines(c.id);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((d) => d.status === 'cancelled')).toBe(true);
  });

  it('schedules each deadline once: one outbox row per job id, with the API and the worker in one process', async () => {
    const dup = await dl.ds.query(
      `SELECT job_id, count(*)::int AS n FROM outbox WHERE topic = 'deadline.fire' GROUP BY job_id HAVING count(*) > 1`,
    );
    expect(dup).toEqual([]);
  });

  describe('Bull Board at /admin/queues', () => {
    it('refuses callers without a token (401) and non-admins (403), as problem details', async () => {
      const none = await t.http.get('/admin/queues');
      expect(none.status).toBe(401);
      expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(none.body.code).toBe('UNAUTHENTICATED');
      const w = await g.world();
      const res = await t.http.get('/admin/queues').set('Authorization', `Bearer ${w.commissioner.token}`);
      expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
      const api = await t.http.get('/admin/queues/api/queues').set('Authorization', `Bearer ${w.governance.token}`);
      expect(api.status).toBe(403);
    });

    it('serves the board and its queue API to admins', async () => {
      const admin = await t.adminToken();
      const page = await t.http.get('/admin/queues').set('Authorization', `Bearer ${admin}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const api = await t.http.get('/admin/queues/api/queues').set('Authorization', `Bearer ${admin}`);
      expect(api.status).toBe(200);
      expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(
        expect.arrayContaining(['deadlines', 'award-checks', 'maintenance']),
      );
    });
  });
});
