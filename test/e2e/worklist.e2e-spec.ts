/**
 * v1.1 "the worklist and lists": GET /me/tasks for every kind of person as a whole case is played
 * (after each step exactly the expected tasks), GET /cases summaries, and flags superseded when
 * their proposal or case ends. Time runs 200,000 times faster.
 */
import { DataSource } from 'typeorm';
import { CaseEntity } from '@makebuy/cases';
import { CaseObligations } from '@makebuy/case-workflow';
import { dataSourceOptions, dropDatabase, ensureDatabase, MIGRATIONS, runMigrations } from '@makebuy/database';
import { startTestApp, TestApp, testConfig } from '../support/test-app';
import { given, Person, World } from '../support/given';

jest.setTimeout(120_000);

type Task = { kind: string; caseId: string; caseTitle: string; dueAt: string | null; ref: string | null };
type Flag = { id: string; code: string; status: string; proposalSeq: number; caseState: string; severity: string };

describe('worklist: GET /me/tasks, GET /cases summaries, superseded flags', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let other: World;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'worklist', timeAcceleration: 200_000 });
    g = given(t);
    w = await g.world();
    other = await g.world();
  });
  afterAll(() => t.close());

  const tasksOf = async (who: Person, caseId: string) => {
    const res = await g.get(who.token, '/me/tasks?limit=200');
    expect(res.status).toBe(200);
    return (res.body.items as Task[]).filter((x) => x.caseId === caseId);
  };
  const describeTasks = (ts: Task[]) => ts.map((x) => (x.ref ? `${x.kind}:${x.ref}` : x.kind)).sort();

  /**
   * Whom the case waits on by the obligation rules (CaseObligations, JavaScript) and by
   * `case_waits` (kept by the plpgsql rules at each change, and read by GET /me/tasks and
   * awaiting=me): the same entries.
   */
  const waitsAgree = async (step: string, caseId: string) => {
    const ds = t.app.get(DataSource);
    const row = await ds.getRepository(CaseEntity).findOneByOrFail({ id: caseId });
    const byRules = (await t.app.get(CaseObligations).of(ds.manager, row)).map((o) =>
      o.personId ? `person:${o.personId}` : `governance:${o.consortiumId}`,
    );
    const kept: { kind: string; waits_on: string }[] = await ds.query(
      `SELECT kind, waits_on FROM case_waits WHERE case_id = $1`,
      [caseId],
    );
    expect({ step, waits: kept.map((k) => `${k.kind}:${k.waits_on}`).sort() }).toEqual({
      step,
      waits: [...new Set(byRules)].sort(),
    });
  };

  /** case_waits as the events left it, and as migration 1737200000000 builds it again from scratch */
  const rebuiltWaits = async () => {
    const ds = t.app.get(DataSource);
    const rows = () => ds.query(`SELECT kind, waits_on, case_id FROM case_waits ORDER BY kind, waits_on, case_id`);
    const kept: unknown[] = await rows();
    const migration = MIGRATIONS.find((m) => m.name === 'CaseWaits1737200000000')!;
    const qr = ds.createQueryRunner();
    try {
      await qr.startTransaction();
      await new migration().down(qr);
      await new migration().up(qr);
      await qr.commitTransaction();
    } finally {
      await qr.release();
    }
    return { kept, rebuilt: (await rows()) as unknown[] };
  };

  it('each person’s tasks appear and disappear as a whole case is played', async () => {
    const [partner, neutral, lay] = w.panel;
    const trust = w.providerUsers[w.trust.id];
    const member = w.providerUsers[w.memberPractices[1].id];
    const people: Record<string, Person> = {
      creator: w.commissioner,
      commissioner2: w.commissioner2,
      partner,
      neutral,
      lay,
      governance: w.governance,
      trust,
      member,
      otherGovernance: other.governance,
      otherCommissioner: other.commissioner,
    };
    let caseId = '';
    /** exactly these tasks for these people on this case, and none for everyone else */
    const expectTasks = async (step: string, expected: Record<string, string[]>) => {
      await waitsAgree(step, caseId);
      for (const [name, who] of Object.entries(people)) {
        const got = describeTasks(await tasksOf(who, caseId));
        expect({ step, name, tasks: got }).toEqual({ step, name, tasks: [...(expected[name] ?? [])].sort() });
        // GET /cases?awaiting=me (one SQL predicate) agrees with the tasks (the obligation rules)
        const listed = await g.get(who.token, '/cases?awaiting=me&limit=200');
        const ids = listed.status === 200 ? (listed.body.items as { id: string }[]).map((i) => i.id) : [];
        expect({ step, name, awaiting: ids.includes(caseId) }).toEqual({ step, name, awaiting: got.length > 0 });
      }
    };

    const c = await g.draftCase(w, { title: 'Worklist dermatology' });
    caseId = c.id;
    await expectTasks('draft', {});

    await g.event(w.commissioner.token, caseId, { type: 'SUBMIT' });
    await expectTasks('submitted', { partner: ['declare'], neutral: ['declare'], lay: ['declare'] });
    const declared = new Map<string, string>();
    for (const m of w.panel) {
      const d = await g.post(m.token, `/cases/${caseId}/declarations`, { interestIds: [], nilReturn: true }, 201);
      declared.set(m.id, d.body.id);
    }
    const d0 = declared.get(partner.id)!;
    const d1 = declared.get(neutral.id)!;
    const d2 = declared.get(lay.id)!;
    await expectTasks('declared', {
      governance: [`review_declaration:${d0}`, `review_declaration:${d1}`, `review_declaration:${d2}`],
    });
    for (const [personId, d] of declared)
      await g.post(
        w.governance.token,
        `/cases/${caseId}/declarations/${d}/review`,
        { mitigation: personId === lay.id ? 'exclude_from_decision' : 'none', note: 'ok' },
        201,
      );
    await expectTasks('reviewed', { governance: ['complete_conflict_check'] });

    await g.event(w.governance.token, caseId, { type: 'COMPLETE_CONFLICT_CHECK' });
    // the member excluded from decisions has no decision to make
    await expectTasks('route decision', { partner: ['decide_route'], neutral: ['decide_route'] });

    await g.event(neutral.token, caseId, { type: 'DECIDE_BUY', criteria: g.criteria });
    await expectTasks('tendering', {});
    const q = (await g.post(trust.token, `/tenders/${caseId}/questions`, { text: 'TUPE?' }, 201)).body.id as string;
    const answerers = [`answer_question:${q}`];
    await expectTasks('question asked', {
      creator: answerers,
      partner: answerers,
      neutral: answerers,
      lay: answerers,
    });
    await g.post(neutral.token, `/tenders/${caseId}/questions/${q}/answer`, { text: 'Yes.' }, 200);
    await expectTasks('question answered', {});

    const bTrust = await g.bid(trust, caseId, 230000);
    const bMember = await g.bid(member, caseId, 190000);
    await g.waitForState(w.governance.token, caseId, 'evaluation', 30_000);
    // every panel member evaluates (exclude_from_decision does not bar scoring)
    await expectTasks('evaluation', { partner: ['score_bids'], neutral: ['score_bids'], lay: ['score_bids'] });
    await g.score(partner, caseId, bMember.id, 8);
    await expectTasks('one bid scored', { partner: ['score_bids'], neutral: ['score_bids'], lay: ['score_bids'] });
    await g.score(partner, caseId, bTrust.id, 6);
    await expectTasks('partner done', { neutral: ['score_bids'], lay: ['score_bids'] });
    for (const m of [neutral, lay]) {
      await g.score(m, caseId, bMember.id, 8);
      await g.score(m, caseId, bTrust.id, 6);
    }
    await expectTasks('scoring complete', { partner: ['propose_award'], neutral: ['propose_award'] });
    // the migration that made case_waits rebuilds from the cases' rows what the events kept
    const { kept, rebuilt } = await rebuiltWaits();
    expect(kept.length).toBeGreaterThan(0);
    expect(rebuilt).toEqual(kept);

    // the member practice wins on merit: MEMBER_PRACTICE_AWARD needs a governance decision
    await g.event(neutral.token, caseId, { type: 'PROPOSE_AWARD', bidId: bMember.id, justification: 'best' });
    const review = await g.waitForState(w.governance.token, caseId, 'governance_review', 30_000);
    const blocking = (review.flags as Flag[]).filter(
      (f) => f.severity === 'blocking' && f.status === 'open' && f.proposalSeq === review.proposal.seq,
    );
    expect(blocking.map((f) => f.code)).toEqual(['MEMBER_PRACTICE_AWARD']);
    await expectTasks('governance review', { governance: [`resolve_flag:${blocking[0].id}`] });
    await g.post(
      w.governance.token,
      `/flags/${blocking[0].id}/resolve`,
      { resolution: 'accepted', justification: 'fair' },
      200,
    );
    await expectTasks('flag resolved', { governance: ['approve_award'] });

    await g.event(w.governance.token, caseId, { type: 'APPROVE_AWARD', note: 'signed off' });
    const rep = (await g.post(trust.token, `/cases/${caseId}/representations`, { text: 'Please re-check' }, 201)).body
      .id as string;
    await expectTasks('representation', { governance: [`resolve_representation:${rep}`] });
    await g.post(
      w.governance.token,
      `/cases/${caseId}/representations/${rep}/resolve`,
      { outcome: 'not_upheld', response: 'checked' },
      200,
    );
    await expectTasks('representation resolved', {});
    await g.waitForState(w.governance.token, caseId, 'awarded', 30_000);
    await expectTasks('awarded', {});
  });

  it('tasks come soonest due first, in pages; a foreign cursor is 400', async () => {
    const a = await g.caseInConflictCheck(w, { title: 'Paging one' });
    const b = await g.caseInConflictCheck(w, { title: 'Paging two' });
    const all = (await g.get(w.panel[1].token, '/me/tasks?limit=200')).body.items as Task[];
    expect(all.filter((x) => [a.id, b.id].includes(x.caseId)).map((x) => x.kind)).toEqual(['declare', 'declare']);
    const due = all.map((x) => x.dueAt ?? '~');
    expect([...due].sort()).toEqual(due);
    const paged: Task[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Task[]; nextCursor: string | null } } = await g.get(
        w.panel[1].token,
        `/me/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    // several tasks of one case (three declarations to review), paged one and two at a time
    for (const m of w.panel)
      await g.post(m.token, `/cases/${a.id}/declarations`, { interestIds: [], nilReturn: true }, 201);
    const reviews = (await g.get(w.governance.token, '/me/tasks?limit=200')).body.items as Task[];
    expect(reviews.filter((x) => x.caseId === a.id).map((x) => x.kind)).toEqual([
      'review_declaration',
      'review_declaration',
      'review_declaration',
    ]);
    for (const limit of [1, 2]) {
      const got: Task[] = [];
      let next: string | null = null;
      do {
        const res: { body: { items: Task[]; nextCursor: string | null } } = await g.get(
          w.governance.token,
          `/me/tasks?limit=${limit}${next ? `&cursor=${next}` : ''}`,
        );
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        got.push(...res.body.items);
        next = res.body.nextCursor;
      } while (next);
      expect(got).toEqual(reviews);
    }
    expect((await g.get(w.panel[1].token, '/me/tasks?cursor=forged')).status).toBe(400);
    expect((await g.get(w.providerUsers[w.trust.id].token, '/me/tasks')).body).toEqual({ items: [], nextCursor: null });
  });

  it('GET /cases: summaries, newest update first, filtered by state, consortium, awaiting=me and words', async () => {
    const x = await g.draftCase(w, { title: 'Minor surgery pathway', serviceName: 'Minor surgery' });
    const y = await g.caseInConflictCheck(w, { title: 'Diabetes follow-up', serviceName: 'Diabetes' });
    const res = await g.get(w.commissioner.token, '/cases?limit=200');
    expect(res.status).toBe(200);
    const items = res.body.items as Record<string, unknown>[];
    expect(Object.keys(items[0]).sort()).toEqual(
      [
        'id',
        'ocid',
        'title',
        'serviceName',
        'consortiumId',
        'state',
        'track',
        'route',
        'version',
        'updatedAt',
        'nextDeadline',
      ].sort(),
    );
    const updated = items.map((i) => i.updatedAt as string);
    expect([...updated].sort().reverse()).toEqual(updated);
    expect(items[0].id).toBe(y.id);
    expect(items.find((i) => i.id === y.id)?.nextDeadline).toEqual({
      kind: 'conflict_check_sla',
      dueAt: expect.any(String),
    });
    expect(items.find((i) => i.id === x.id)?.nextDeadline).toBeNull();

    const ids = async (who: Person, query: string) =>
      ((await g.get(who.token, `/cases?limit=200&${query}`)).body.items as { id: string }[]).map((i) => i.id);
    expect(await ids(w.commissioner, 'q=minor%20surg')).toEqual([x.id]);
    expect(await ids(w.commissioner, 'q=diab')).toEqual([y.id]);
    expect(await ids(w.commissioner, 'q=cardiology')).toEqual([]);
    expect(await ids(w.commissioner, `state=draft&q=surgery`)).toEqual([x.id]);
    expect(await ids(w.commissioner, `consortiumId=${other.consortiumId}`)).toEqual([]);
    const awaiting = await ids(w.panel[2], 'awaiting=me');
    expect(awaiting).toContain(y.id);
    expect(awaiting).not.toContain(x.id);
    expect(await ids(w.commissioner, 'awaiting=me')).not.toContain(y.id);
    expect((await g.get(w.commissioner.token, '/cases?awaiting=you')).status).toBe(400);
  });

  describe('superseded flags', () => {
    const flagsOf = async (caseId: string) =>
      (await g.get(w.governance.token, `/cases/${caseId}/flags?limit=200`)).body.items as Flag[];

    async function inGovernanceReview(title: string) {
      const c = await g.caseInRouteDecision(w, { title });
      await g.event(w.decider.token, c.id, {
        type: 'DECIDE_MAKE',
        providerIds: [w.memberPractices[1].id],
        psrProcess: 'direct_award_c',
        justification: 'performing well',
      });
      const v = await g.waitForState(w.governance.token, c.id, 'governance_review', 30_000);
      const open = (v.flags as Flag[]).filter((f) => f.status === 'open' && f.code === 'MEMBER_PRACTICE_AWARD');
      expect(open).toHaveLength(1);
      return { caseId: c.id, flag: open[0] };
    }

    it('a rejected proposal’s open flags are superseded by REJECT_AWARD itself', async () => {
      const { caseId, flag } = await inGovernanceReview('Rejected make award');
      const res = await g.event(w.governance.token, caseId, { type: 'REJECT_AWARD', reason: 'reconsider' });
      expect(res.body.state).toBe('route_decision');
      const f = (res.body.flags as Flag[]).find((x) => x.id === flag.id)!;
      expect(f).toMatchObject({ status: 'superseded', caseState: 'route_decision', proposalSeq: flag.proposalSeq });
      const open = (await g.get(w.governance.token, `/flags?status=open&caseId=${caseId}`)).body.items as Flag[];
      expect(open).toEqual([]);
      const resolve = await g.post(w.governance.token, `/flags/${flag.id}/resolve`, {
        resolution: 'accepted',
        justification: 'x',
      });
      expect([resolve.status, resolve.body.code]).toEqual([409, 'CONFLICT']);
    });

    it('cancellation supersedes every open flag of the case', async () => {
      const { caseId, flag } = await inGovernanceReview('Cancelled make award');
      const res = await g.event(w.governance.token, caseId, { type: 'CANCEL', reasonCode: 'budget', note: 'x' });
      expect(res.body.state).toBe('cancelled');
      expect((await flagsOf(caseId)).filter((f) => f.status === 'open')).toEqual([]);
      expect((await flagsOf(caseId)).find((f) => f.id === flag.id)).toMatchObject({
        status: 'superseded',
        caseState: 'cancelled',
      });
    });

    it('the migration supersedes existing open flags by the same rule', async () => {
      const config = await testConfig('flags_migration');
      await ensureDatabase(config.databaseUrl);
      const idx = MIGRATIONS.findIndex((m) => m.name === 'FlagsSupersededCaseLists1733100000001');
      const before = new DataSource(dataSourceOptions(config.databaseUrl, { migrations: MIGRATIONS.slice(0, idx) }));
      await before.initialize();
      try {
        await before.runMigrations({ transaction: 'each' });
        const [co] = await before.query(`INSERT INTO consortia(name) VALUES ('Old') RETURNING id`);
        const [p] = await before.query(`INSERT INTO people(name, email) VALUES ('Old', 'old@x.org') RETURNING id`);
        const cases: [string, string, number, number][] = [
          ['awarded', 'awarded', 1, 9],
          ['review', 'governance_review', 2, 7],
          ['back', 'evaluation', 1, 8],
        ];
        for (const [name, state, proposalSeq, stageSeq] of cases) {
          const [c] = await before.query(
            `INSERT INTO cases(id, ocid, title, service_name, consortium_id, from_setting, to_setting,
               estimated_annual_value, term_months, track, created_by, state, state_value, context, snapshot, machine_version)
             VALUES (gen_random_uuid(), $1, $1, 'S', $2, 'secondary', 'primary', 1, 12, 'fast', $3, $4, '{}',
               $5, '{}', 1) RETURNING id`,
            [`ocid-${name}`, co.id, p.id, state, JSON.stringify({ proposalSeq, stageSeq })],
          );
          const flag = (code: string, seq: number, key: string, evidence: object = {}) =>
            before.query(
              `INSERT INTO flags(case_id, consortium_id, proposal_seq, code, severity, status, summary, evidence, dedupe_key, created_at)
               VALUES ($1, $2, $3, $4, 'blocking', 'open', 's', $5, $6, now())`,
              [c.id, co.id, seq, code, JSON.stringify(evidence), `${name}-${key}`],
            );
          await flag('SINGLE_BID', proposalSeq, 'current');
          await flag('MEMBER_PRACTICE_AWARD', proposalSeq - 1, 'earlier');
          await flag('DEADLINE_BREACH', proposalSeq, 'breach-here', { stageSeq });
          await flag('DEADLINE_BREACH', proposalSeq, 'breach-left', { stageSeq: stageSeq - 1 });
        }
      } finally {
        await before.destroy();
      }
      await runMigrations(config.databaseUrl);
      const after = new DataSource(dataSourceOptions(config.databaseUrl));
      await after.initialize();
      try {
        const rows: { dedupe_key: string; status: string }[] = await after.query(
          `SELECT dedupe_key, status FROM flags ORDER BY dedupe_key`,
        );
        expect(Object.fromEntries(rows.map((r) => [r.dedupe_key, r.status]))).toEqual({
          'awarded-current': 'superseded',
          'awarded-earlier': 'superseded',
          'awarded-breach-here': 'superseded',
          'awarded-breach-left': 'superseded',
          'review-current': 'open',
          'review-earlier': 'superseded',
          'review-breach-here': 'open',
          'review-breach-left': 'superseded',
          'back-current': 'superseded',
          'back-earlier': 'superseded',
          'back-breach-here': 'open',
          'back-breach-left': 'superseded',
        });
      } finally {
        await after.destroy();
        await dropDatabase(config.databaseUrl);
      }
    });

    it('an upheld representation supersedes the old proposal’s open (advisory) flags', async () => {
      const c = await g.caseInRouteDecision(w, { title: 'Upheld representation' });
      await g.event(w.decider.token, c.id, { type: 'DECIDE_BUY', criteria: g.criteria });
      const trust = w.providerUsers[w.trust.id];
      const bid = await g.bid(trust, c.id, 200000);
      await g.waitForState(w.governance.token, c.id, 'evaluation', 30_000);
      for (const m of w.panel) await g.score(m, c.id, bid.id, 7);
      await g.event(w.decider.token, c.id, { type: 'PROPOSE_AWARD', bidId: bid.id, justification: 'only bid' });
      // a single bid: SINGLE_BID is advisory, so the award goes to standstill unaided
      const standstill = await g.waitForState(w.governance.token, c.id, 'standstill', 30_000);
      const single = (standstill.flags as Flag[]).find((f) => f.code === 'SINGLE_BID')!;
      expect(single.status).toBe('open');
      const rep = (await g.post(trust.token, `/cases/${c.id}/representations`, { text: 'x' }, 201)).body.id;
      await g.post(
        w.governance.token,
        `/cases/${c.id}/representations/${rep}/resolve`,
        { outcome: 'upheld', response: 'y' },
        200,
      );
      const back = (await g.get(w.governance.token, `/cases/${c.id}`)).body;
      expect(back.state).toBe('evaluation');
      expect((back.flags as Flag[]).find((f) => f.id === single.id)).toMatchObject({
        status: 'superseded',
        caseState: 'evaluation',
      });
    });
  });
});
