/**
 * The flags feature up close, without the worker: the award-check run is driven by hand so a
 * failure, its visibility on the case, the retry, the fence and the re-drive can be observed.
 */
import { DataSource } from 'typeorm';
import { AwardChecks, AwardChecksRedrive, FlagsService } from '@makebuy/flags';
import { awardChecksJobId, JOBS, QueueGateway } from '@makebuy/queue';
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

describe('flags: award-check runs, resolution, the HTTP surface', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let db: DataSource;
  let checks: AwardChecks;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'flags', worker: false });
    g = given(t);
    db = t.app.get(DataSource);
    checks = t.app.get(AwardChecks);
    w = await g.world();
  });
  afterAll(() => t?.close());

  const view = async (caseId: string) => (await g.get(w.governance.token, `/cases/${caseId}`)).body;

  async function makeCase(providerId = w.memberPractices[1].id) {
    const c = await g.caseInRouteDecision(w);
    const res = await g.event(w.decider.token, c.id, {
      type: 'DECIDE_MAKE',
      providerIds: [providerId],
      psrProcess: 'direct_award_c',
      justification: 'performing well',
    });
    expect(res.body.state).toBe('award_checks');
    return res.body as { id: string; proposal: { seq: number }; version: number };
  }
  const stageOf = async (caseId: string) =>
    (await db.query(`SELECT (context->>'stageSeq')::int AS s FROM cases WHERE id = $1`, [caseId]))[0].s as number;

  it('entering award_checks writes the run and its outbox job in the same transaction', async () => {
    const c = await makeCase();
    const stageSeq = await stageOf(c.id);
    const v = await view(c.id);
    expect(v.awardChecks).toMatchObject({ status: 'running', attempts: 0, lastError: null, proposalSeq: 1, stageSeq });
    const jobs = await db.query(`SELECT topic, job_id, payload FROM outbox WHERE case_id = $1 AND topic = $2`, [
      c.id,
      JOBS.runAwardChecks,
    ]);
    expect(jobs).toEqual([
      {
        topic: 'award-checks.run',
        job_id: awardChecksJobId(c.id, stageSeq),
        payload: { caseId: c.id, stageSeq, proposalSeq: 1 },
      },
    ]);
  });

  it('a failure leaves the case in award_checks with the error visible, and a retry completes it', async () => {
    const c = await makeCase();
    const stageSeq = await stageOf(c.id);
    const [{ context }] = await db.query(`SELECT context FROM cases WHERE id = $1`, [c.id]);
    // a provider the directory does not know: the rules fail closed (AwardFactsError)
    const broken = {
      ...context,
      proposal: { ...context.proposal, providerIds: ['00000000-0000-4000-8000-000000000000'] },
    };
    await db.query(`UPDATE cases SET context = $2 WHERE id = $1`, [c.id, broken]);
    await expect(checks.run(c.id, stageSeq, 1)).rejects.toThrow(/provider missing/);

    const failed = await view(c.id);
    expect(failed.state).toBe('award_checks');
    expect(failed.awardChecks).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.awardChecks.lastError).toMatch(/AwardFactsError: provider missing from the facts/);
    expect(failed.flags).toEqual([]);

    await db.query(`UPDATE cases SET context = $2 WHERE id = $1`, [c.id, context]);
    const done = await checks.run(c.id, stageSeq, 1);
    expect(done).toMatchObject({
      outcome: 'completed',
      state: 'governance_review',
      blockingFlags: 1,
      advisoryFlags: 0,
    });
    const after = await view(c.id);
    expect(after.awardChecks).toMatchObject({ status: 'done', attempts: 2, lastError: null, blockingFlags: 1 });
    expect(after.flags.map((f: { code: string }) => f.code)).toEqual(['MEMBER_PRACTICE_AWARD']);

    // a late or repeated run is a no-op: nothing moves, nothing is raised twice
    expect(await checks.run(c.id, stageSeq, 1)).toEqual({ outcome: 'stale' });
    const again = await view(c.id);
    expect(again.version).toBe(after.version);
    expect(again.flags).toHaveLength(1);
    expect(again.awardChecks).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('concurrent runs of the same checks move the case once and store each flag once', async () => {
    const c = await makeCase(w.memberPractices[0].id);
    const stageSeq = await stageOf(c.id);
    const results = await Promise.all([1, 2, 3].map(() => checks.run(c.id, stageSeq, 1)));
    expect(results.filter((r) => r.outcome === 'completed')).toHaveLength(1);
    const v = await view(c.id);
    expect(v.state).toBe('governance_review');
    const history = (await g.history(w.governance.token, c.id)) as { type: string }[];
    expect(history.filter((e) => e.type === 'CHECKS_COMPLETED')).toHaveLength(1);
    const rows = await db.query(`SELECT dedupe_key FROM flags WHERE case_id = $1 ORDER BY dedupe_key`, [c.id]);
    expect(new Set(rows.map((r: { dedupe_key: string }) => r.dedupe_key)).size).toBe(rows.length);
  });

  it('raise is idempotent on the dedupe key (used by deadline escalation)', async () => {
    const c = await makeCase();
    const flags = t.app.get(FlagsService);
    const input = {
      caseId: c.id,
      consortiumId: w.consortiumId,
      proposalSeq: 1,
      code: 'DEADLINE_BREACH' as const,
      summary: 'The governance review stage ran past its deadline',
      evidence: { stage: 'governance_review' },
      dedupeKey: `DEADLINE_BREACH:test-${c.id}`,
    };
    const [a, b] = await db.transaction(async (tx) => [await flags.raise(tx, input), await flags.raise(tx, input)]);
    expect(a.id).toBe(b.id);
    expect(a).toMatchObject({ severity: 'advisory', status: 'open' });
    expect(await db.query(`SELECT count(*)::int AS n FROM flags WHERE case_id = $1`, [c.id])).toEqual([{ n: 1 }]);
  });

  it('the re-drive puts a stuck run back on the queue and supersedes runs of cases that moved on', async () => {
    const redrive = t.app.get(AwardChecksRedrive);
    const gateway = t.app.get(QueueGateway);
    const stuck = await makeCase();
    const stuckStage = await stageOf(stuck.id);
    const gone = await makeCase();
    await g.event(w.governance.token, gone.id, { type: 'CANCEL', reasonCode: 'other', note: 'test' });
    // both runs look older than the re-drive's minute
    await db.query(`UPDATE award_check_runs SET updated_at = now() - interval '2 minutes' WHERE case_id = ANY($1)`, [
      [stuck.id, gone.id],
    ]);
    const report = await redrive.sweep();
    expect(report.redriven).toEqual(
      expect.arrayContaining([{ caseId: stuck.id, stageSeq: stuckStage, action: 'added' }]),
    );
    expect(report.redriven.some((r) => r.caseId === gone.id)).toBe(false);
    const job = await gateway.getJob(JOBS.runAwardChecks, awardChecksJobId(stuck.id, stuckStage));
    expect(job?.data).toEqual({ caseId: stuck.id, stageSeq: stuckStage, proposalSeq: 1 });
    expect((await view(gone.id)).awardChecks.status).toBe('superseded');
    // waiting in the queue: left alone next time
    await db.query(`UPDATE award_check_runs SET updated_at = now() - interval '2 minutes' WHERE case_id = $1`, [
      stuck.id,
    ]);
    expect((await redrive.sweep()).redriven.some((r) => r.caseId === stuck.id)).toBe(false);
  });

  describe('HTTP', () => {
    it('documents every flags endpoint and the problem codes', async () => {
      const doc = (await t.http.get('/docs-json')).body;
      expect(doc.paths['/api/v1/flags'].get).toBeDefined();
      expect(doc.paths['/api/v1/flags/{id}'].get).toBeDefined();
      expect(doc.paths['/api/v1/cases/{id}/flags'].get).toBeDefined();
      const resolve = doc.paths['/api/v1/flags/{id}/resolve'].post;
      expect(Object.keys(resolve.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404', '409']),
      );
      expect(doc.components.schemas.FlagDto.properties.evidence).toBeDefined();
      expect(doc.components.schemas.ResolveFlagDto.properties.resolution.enum).toEqual(['accepted', 'upheld']);
      expect(doc.components.schemas.AwardChecksViewDto).toBeDefined();
    });

    it('resolve: 404 for unknown or malformed ids, 403 for non-governance, 400 for a bad body, 409 twice', async () => {
      const c = await makeCase();
      await checks.run(c.id, await stageOf(c.id), 1);
      const flag = (await view(c.id)).flags[0];
      const body = { resolution: 'accepted', justification: 'fair process' };
      const post = (token: string, id: string, b: unknown) =>
        t.http
          .post(`/api/v1/flags/${id}/resolve`)
          .set(g.auth(token))
          .send(b as object);

      expect((await t.http.post(`/api/v1/flags/${flag.id}/resolve`).send(body)).status).toBe(401);
      expect((await post(w.governance.token, '00000000-0000-4000-8000-000000000000', body)).body.code).toBe(
        'NOT_FOUND',
      );
      expect((await post(w.governance.token, 'nope', body)).status).toBe(404);
      expect((await post(w.commissioner.token, flag.id, body)).body.code).toBe('FORBIDDEN');
      // 404 before 403: someone who may not see the case learns nothing of its flags
      expect((await post(w.outsider.token, flag.id, body)).body.code).toBe('NOT_FOUND');
      expect((await g.get(w.outsider.token, `/flags/${flag.id}`)).status).toBe(404);
      expect((await g.get(w.panel[1].token, `/flags/${flag.id}`)).status).toBe(403);
      expect((await post(w.governance.token, flag.id, { resolution: 'maybe', justification: 'x' })).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await post(w.governance.token, flag.id, { ...body, extra: 1 })).status).toBe(400);
      expect((await post(w.governance.token, flag.id, { resolution: 'accepted', justification: '' })).status).toBe(400);

      const stale = await t.http
        .post(`/api/v1/flags/${flag.id}/resolve`)
        .set(g.auth(w.governance.token))
        .set('If-Match', '"1"')
        .send(body);
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('VERSION_MISMATCH');
      const version = (await view(c.id)).version;
      const ok = await t.http
        .post(`/api/v1/flags/${flag.id}/resolve`)
        .set(g.auth(w.governance.token))
        .set('If-Match', `"${version}"`)
        .send(body);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ id: flag.id, status: 'accepted', justification: 'fair process' });
      expect((await view(c.id)).version).toBe(version + 1);
      const history = (await g.history(w.governance.token, c.id)) as {
        type: string;
        payload: Record<string, unknown>;
      }[];
      expect(history.find((e) => e.type === 'FLAG_RESOLVED')?.payload).toMatchObject({
        flagId: flag.id,
        resolution: 'accepted',
        justification: 'fair process',
      });
      const twice = await post(w.governance.token, flag.id, { resolution: 'upheld', justification: 'changed my mind' });
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('CONFLICT');
      expect((await g.get(w.governance.token, `/flags/${flag.id}`)).body.status).toBe('accepted');
    });

    it('the case view shows flags and awardChecks to those who may see the case, and nobody else', async () => {
      const c = await makeCase();
      await checks.run(c.id, await stageOf(c.id), 1);
      const panelView = await g.get(w.panel[1].token, `/cases/${c.id}`);
      expect(panelView.status).toBe(200);
      expect(panelView.body.flags[0]).toMatchObject({ code: 'MEMBER_PRACTICE_AWARD', status: 'open' });
      expect(panelView.body.awardChecks).toMatchObject({ status: 'done' });
      expect((await g.get(w.outsider.token, `/cases/${c.id}`)).status).toBe(404);
      expect((await g.get(w.providerUsers[w.trust.id].token, `/cases/${c.id}`)).status).toBe(404);
    });
  });
});
