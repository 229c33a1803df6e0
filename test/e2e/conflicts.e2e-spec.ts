import { ConflictsService } from '@makebuy/conflicts';
import { startTestApp, TestApp } from '../support/test-app';
import { given, Person, World } from '../support/given';

/** Conflicts of interest: the register, case panels, declarations, reviews, detection and enforcement. */
describe('conflicts of interest', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'conflicts' });
    g = given(t);
    admin = await t.adminToken();
  });
  afterAll(() => t.close());

  const expectProblem = (res: { status: number; body: Record<string, unknown> }, status: number, code: string) => {
    if (res.status !== status || res.body.code !== code)
      throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  };
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);
  const monthsAgo = (n: number) => {
    const d = new Date();
    d.setUTCDate(1); // avoid month-end rollover
    d.setUTCMonth(d.getUTCMonth() - n);
    return isoDate(d);
  };
  const declareInterest = async (p: Person, body: Record<string, unknown>) =>
    (await g.post(p.token, '/interests', body, 201)).body as { id: string };
  const declare = (p: Person, caseId: string, body: Record<string, unknown>) =>
    g.post(p.token, `/cases/${caseId}/declarations`, body);
  const review = (w: World, caseId: string, declarationId: string, mitigation: string, note = 'reviewed') =>
    g.post(w.governance.token, `/cases/${caseId}/declarations/${declarationId}/review`, { mitigation, note });
  const view = async (token: string, caseId: string) => {
    const res = await g.get(token, `/cases/${caseId}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** declares a nil return and has governance review it with `mitigation` */
  const nilAndReview = async (w: World, caseId: string, p: Person, mitigation = 'none') => {
    const d = await declare(p, caseId, { interestIds: [], nilReturn: true });
    expect(d.status).toBe(201);
    const r = await review(w, caseId, d.body.id, mitigation);
    expect(r.status).toBe(201);
    return d.body.id as string;
  };

  describe('register of interests', () => {
    let w: World;
    beforeAll(async () => {
      w = await g.world();
    });

    it('declares an interest for the caller and lists only the caller’s own', async () => {
      const res = await g.post(w.gpPartner.token, '/interests', {
        category: 'financial',
        providerId: w.memberPractices[0].id,
        description: 'Partner (profit share)',
        startsOn: '2020-04-01',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        personId: w.gpPartner.id,
        category: 'financial',
        providerId: w.memberPractices[0].id,
        organisation: w.memberPractices[0].name,
        startsOn: '2020-04-01',
        endsOn: null,
      });
      await declareInterest(w.panel[1], {
        category: 'non_financial_personal',
        description: 'Trustee',
        startsOn: '2021-01-01',
      });
      const mine = await g.get(w.gpPartner.token, '/interests');
      expect(mine.status).toBe(200);
      expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
      expect(mine.body.nextCursor).toBeNull();
    });

    it('refuses a bad category, bad dates, an end before the start, an unknown provider and unknown fields', async () => {
      const base = { category: 'financial', description: 'x', startsOn: '2024-01-01' };
      for (const body of [
        { ...base, category: 'romantic' },
        { ...base, startsOn: '2024-02-30' },
        { ...base, startsOn: '01/02/2024' },
        { ...base, endsOn: '2023-12-31' },
        { ...base, providerId: '00000000-0000-4000-8000-000000000000' },
        { ...base, colour: 'blue' },
      ]) {
        expectProblem(await g.post(w.panel[2].token, '/interests', body), 400, 'VALIDATION_FAILED');
      }
      expect((await g.get(w.panel[2].token, '/interests')).body.items).toEqual([]);
      const bad = await g.post(w.panel[2].token, '/interests', { ...base, category: 'romantic' });
      expect(bad.body.errors[0].field).toBe('category');
    });

    it('records a nil return', async () => {
      const res = await g.post(w.panel[2].token, '/interests/nil-returns', {});
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        personId: w.panel[2].id,
        declaredAt: expect.any(String),
      });
    });

    it('needs a token to declare', async () => {
      expectProblem(await t.http.post('/api/v1/interests').send({}), 401, 'UNAUTHENTICATED');
    });

    it('the public register needs no token, shows no email, and hides interests ended more than 6 months ago', async () => {
      const current = await declareInterest(w.commissioner, {
        category: 'indirect',
        providerId: w.independent.id,
        description: 'Spouse is a director',
        startsOn: '2019-01-01',
      });
      const recentlyEnded = await declareInterest(w.commissioner, {
        category: 'non_financial_professional',
        providerId: w.trust.id,
        description: 'Honorary consultant',
        startsOn: '2018-01-01',
        endsOn: monthsAgo(2),
      });
      const longEnded = await declareInterest(w.commissioner, {
        category: 'financial',
        providerId: w.socialEnterprise.id,
        description: 'Shareholding (sold)',
        startsOn: '2015-01-01',
        endsOn: monthsAgo(8),
      });
      const providerRep = w.providerUsers[w.trust.id];
      await declareInterest(providerRep, {
        category: 'non_financial_professional',
        description: 'Sits on a CCG committee',
        startsOn: '2022-01-01',
      });

      const items: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.http.get(`/api/v1/registers/interests?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);

      const ids = items.map((i) => i.id);
      expect(ids).toEqual(expect.arrayContaining([current.id, recentlyEnded.id]));
      expect(ids).not.toContain(longEnded.id);
      expect(JSON.stringify(items)).not.toMatch(/@|email/i);
      expect(items.find((i) => i.id === current.id)).toEqual({
        id: current.id,
        name: 'Dr Claire Commissioner',
        role: 'commissioner/decision maker',
        category: 'indirect',
        organisation: 'SkinCare Partners Ltd',
        description: 'Spouse is a director',
        startsOn: '2019-01-01',
        endsOn: null,
        declaredAt: expect.any(String),
      });
      expect(items.find((i) => i.name === providerRep.name)).toMatchObject({
        role: 'provider representative',
        organisation: null,
      });

      const filtered = await t.http.get(`/api/v1/registers/interests?providerId=${w.trust.id}`);
      expect(filtered.body.items.map((i: { id: string }) => i.id)).toEqual([recentlyEnded.id]);
      expectProblem(await t.http.get('/api/v1/registers/interests?limit=500'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('panel', () => {
    let w: World;
    beforeAll(async () => {
      w = await g.world();
    });

    it('adds and removes panel members in draft and conflict_check, returning the case with its ETag', async () => {
      const c = await g.draftCase(w, { panelPersonIds: [w.panel[0].id, w.panel[1].id] });
      const added = await g.post(w.commissioner.token, `/cases/${c.id}/panel`, { personId: w.panel[2].id });
      expect(added.status).toBe(200);
      expect(added.headers.etag).toBe(`"${added.body.version}"`);
      expect(added.body.panel.map((m: { personId: string }) => m.personId)).toContain(w.panel[2].id);
      expect(added.body.panel.find((m: { personId: string }) => m.personId === w.panel[2].id)).toMatchObject({
        name: 'Ms Lay Member',
        mitigation: null,
        declared: false,
        reviewed: false,
        excludedFromDecision: false,
        excludedFromEvaluation: false,
      });
      expectProblem(
        await g.post(w.commissioner.token, `/cases/${c.id}/panel`, { personId: w.panel[2].id }),
        409,
        'CONFLICT',
      );

      await g.event(w.commissioner.token, c.id, { type: 'SUBMIT' });
      const d = await declare(w.panel[2], c.id, { interestIds: [], nilReturn: true });
      expect(d.status).toBe(201);
      const removed = await t.http
        .delete(`/api/v1/cases/${c.id}/panel/${w.panel[2].id}`)
        .set(g.auth(w.commissioner.token));
      expect(removed.status).toBe(200);
      expect(removed.headers.etag).toBe(`"${removed.body.version}"`);
      expect(removed.body.panel.map((m: { personId: string }) => m.personId)).not.toContain(w.panel[2].id);
      // leaving the panel supersedes the member's declaration
      expect(removed.body.declarations.find((x: { id: string }) => x.id === d.body.id)).toMatchObject({
        current: false,
        supersededAt: expect.any(String),
      });

      const history = await g.get(w.commissioner.token, `/cases/${c.id}/history?limit=200`);
      expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(
        expect.arrayContaining(['PANEL_MEMBER_ADDED', 'PANEL_MEMBER_REMOVED']),
      );
      expect(history.body.items.find((e: { type: string }) => e.type === 'PANEL_MEMBER_ADDED').payload).toEqual({
        personId: w.panel[2].id,
      });
    });

    it('refuses the wrong role, bad people, non-members, a stale If-Match, and other states', async () => {
      const c = await g.caseInRouteDecision(w);
      const dc = await g.draftCase(w);
      const provider = w.providerUsers[w.trust.id];
      // a lay panel member (no commissioner or governance role) can see the case but not change its panel
      const lay = await t.token(w.panel[0].id, []);
      expectProblem(await g.post(lay, `/cases/${dc.id}/panel`, { personId: w.outsider.id }), 403, 'FORBIDDEN');
      expectProblem(
        await g.post(w.outsider.token, `/cases/${dc.id}/panel`, { personId: w.outsider.id }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await g.post(provider.token, `/cases/${dc.id}/panel`, { personId: w.outsider.id }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await g.post(w.commissioner.token, `/cases/${dc.id}/panel`, { personId: provider.id }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await g.post(w.commissioner.token, `/cases/${dc.id}/panel`, {
          personId: '00000000-0000-4000-8000-000000000000',
        }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await g.post(w.commissioner.token, `/cases/${dc.id}/panel`, { personId: 'nope' }),
        400,
        'VALIDATION_FAILED',
      );
      const stale = await t.http
        .post(`/api/v1/cases/${dc.id}/panel`)
        .set(g.auth(w.commissioner.token))
        .set('If-Match', '"999"')
        .send({ personId: w.commissioner2.id });
      expectProblem(stale, 412, 'VERSION_MISMATCH');
      // v1.1: the panel is made of commissioners of the case's consortium
      expectProblem(
        await g.post(w.commissioner.token, `/cases/${dc.id}/panel`, { personId: w.outsider.id }),
        400,
        'VALIDATION_FAILED',
      );
      const notMember = await t.http
        .delete(`/api/v1/cases/${dc.id}/panel/${w.outsider.id}`)
        .set(g.auth(w.commissioner.token));
      expectProblem(notMember, 404, 'NOT_FOUND');
      expectProblem(
        await g.post(w.commissioner.token, `/cases/${c.id}/panel`, { personId: w.commissioner2.id }),
        409,
        'EVENT_NOT_ALLOWED',
      );
      const late = await t.http
        .delete(`/api/v1/cases/${c.id}/panel/${w.panel[2].id}`)
        .set(g.auth(w.commissioner.token));
      expectProblem(late, 409, 'EVENT_NOT_ALLOWED');
    });

    it('SUBMIT with a panel smaller than the quorum gets 422 QUORUM_NOT_MET', async () => {
      const c = await g.draftCase(w, { panelPersonIds: [w.panel[0].id] });
      expectProblem(await g.event(w.commissioner.token, c.id, { type: 'SUBMIT' }, 422), 422, 'QUORUM_NOT_MET');
    });
  });

  describe('declarations and reviews', () => {
    let w: World;
    beforeAll(async () => {
      w = await g.world();
    });

    it('a GP partner declares, governance excludes them from evaluation, and the audit shows both', async () => {
      const c = await g.caseInConflictCheck(w);
      const interest = await declareInterest(w.gpPartner, {
        category: 'financial',
        providerId: w.memberPractices[0].id,
        description: 'Partner at Riverside Medical Practice',
        startsOn: '2018-04-01',
      });
      const d = await declare(w.gpPartner, c.id, { interestIds: [interest.id], nilReturn: false });
      expect(d.status).toBe(201);
      expect(d.body).toMatchObject({
        id: expect.any(String),
        caseId: c.id,
        personId: w.gpPartner.id,
        interestIds: [interest.id],
        nilReturn: false,
        current: true,
        supersededAt: null,
        review: null,
      });
      expect(d.body.interests[0]).toMatchObject({ id: interest.id, organisation: w.memberPractices[0].name });

      const r = await review(w, c.id, d.body.id, 'exclude_from_evaluation', 'Partner in a member practice');
      expect(r.status).toBe(201);
      expect(r.body.review).toMatchObject({
        mitigation: 'exclude_from_evaluation',
        note: 'Partner in a member practice',
        reviewedBy: w.governance.id,
        reviewedAt: expect.any(String),
        excludedFromDecision: false,
        excludedFromEvaluation: true,
      });

      const v = await view(w.governance.token, c.id);
      expect(v.panel.find((m: { personId: string }) => m.personId === w.gpPartner.id)).toMatchObject({
        mitigation: 'exclude_from_evaluation',
        excludedFromEvaluation: true,
        excludedFromDecision: false,
        declared: true,
        reviewed: true,
      });
      expect(v.declarations.find((x: { id: string }) => x.id === d.body.id).review.mitigation).toBe(
        'exclude_from_evaluation',
      );

      const conflicts = t.app.get(ConflictsService);
      expect(await conflicts.exclusionOf(c.id, w.gpPartner.id)).toEqual({
        mitigation: 'exclude_from_evaluation',
        fromDecision: false,
        fromEvaluation: true,
      });
      expect((await conflicts.unexcludedEvaluators(c.id)).sort()).toEqual([w.panel[1].id, w.panel[2].id].sort());
      const participants = await conflicts.awardParticipants(c.id);
      expect(participants.panel.find((m) => m.personId === w.gpPartner.id)).toEqual({
        personId: w.gpPartner.id,
        name: w.gpPartner.name,
        mitigation: 'exclude_from_evaluation',
        declaredInterestIds: [interest.id],
        nilReturn: false,
      });
      expect(participants.interests).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: interest.id, personId: w.gpPartner.id, providerId: w.memberPractices[0].id }),
        ]),
      );

      const history = await g.get(w.governance.token, `/cases/${c.id}/history?limit=200`);
      const made = history.body.items.find((e: { type: string }) => e.type === 'DECLARATION_MADE');
      const reviewed = history.body.items.find((e: { type: string }) => e.type === 'DECLARATION_REVIEWED');
      expect(made).toMatchObject({
        actor: w.gpPartner.id,
        fromState: 'conflict_check',
        toState: 'conflict_check',
        payload: { declarationId: d.body.id, personId: w.gpPartner.id, interestIds: [interest.id], nilReturn: false },
      });
      expect(reviewed).toMatchObject({
        actor: w.governance.id,
        payload: {
          declarationId: d.body.id,
          personId: w.gpPartner.id,
          mitigation: 'exclude_from_evaluation',
          note: 'Partner in a member practice',
        },
      });
      expect((await g.get(w.governance.token, `/cases/${c.id}/history/verify`)).body.valid).toBe(true);

      // still a decision maker: the check can complete with all three unexcluded from decisions
      await nilAndReview(w, c.id, w.panel[1]);
      await nilAndReview(w, c.id, w.panel[2]);
      const done = await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
      expect(done.body.state).toBe('route_decision');
      expect(done.body.conflictCheck).toBeNull();
      expect(await conflicts.exclusionOf(c.id, w.gpPartner.id)).toMatchObject({ fromEvaluation: true });
    });

    it('a new declaration supersedes the previous one and its review; the old one can no longer be reviewed', async () => {
      const c = await g.caseInConflictCheck(w);
      const first = await nilAndReview(w, c.id, w.panel[1], 'exclude_entirely');
      const second = await declare(w.panel[1], c.id, { interestIds: [], nilReturn: true });
      expect(second.status).toBe(201);
      const v = await view(w.governance.token, c.id);
      expect(v.declarations.find((x: { id: string }) => x.id === first)).toMatchObject({ current: false });
      expect(v.panel.find((m: { personId: string }) => m.personId === w.panel[1].id)).toMatchObject({
        declared: true,
        reviewed: false,
        mitigation: null,
        declarationId: second.body.id,
      });
      expectProblem(await review(w, c.id, first, 'none'), 409, 'CONFLICT');
      // a re-review of the current declaration replaces the mitigation
      await review(w, c.id, second.body.id, 'exclude_from_decision');
      const again = await review(w, c.id, second.body.id, 'none');
      expect(again.body.review.mitigation).toBe('none');
    });

    it('validates declarations: other people’s interests, nil-return shape, non-members, other states', async () => {
      const dc = await g.draftCase(w);
      const c = await g.caseInConflictCheck(w);
      const others = await declareInterest(w.panel[2], {
        category: 'financial',
        providerId: w.memberPractices[1].id,
        description: 'Shares',
        startsOn: '2020-01-01',
      });
      expectProblem(
        await declare(w.panel[1], c.id, { interestIds: [others.id], nilReturn: false }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await declare(w.panel[2], c.id, { interestIds: [others.id], nilReturn: true }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(await declare(w.panel[2], c.id, { interestIds: [], nilReturn: false }), 400, 'VALIDATION_FAILED');
      expectProblem(
        await declare(w.panel[2], c.id, { interestIds: ['x'], nilReturn: false }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(await declare(w.panel[2], c.id, { interestIds: [] }), 400, 'VALIDATION_FAILED');
      // a consortium commissioner who can see the case but is not on its panel
      expectProblem(await declare(w.commissioner2, c.id, { interestIds: [], nilReturn: true }), 403, 'FORBIDDEN');
      expectProblem(await declare(w.commissioner2, c.id, { bogus: true }), 403, 'FORBIDDEN');
      expectProblem(await declare(w.outsider, c.id, { interestIds: [], nilReturn: true }), 404, 'NOT_FOUND');
      expectProblem(await declare(w.panel[2], dc.id, { interestIds: [], nilReturn: true }), 409, 'EVENT_NOT_ALLOWED');
      const ok = await declare(w.panel[2], c.id, { interestIds: [others.id], nilReturn: false });
      expect(ok.status).toBe(201);

      // reviews
      expectProblem(
        await g.post(w.commissioner.token, `/cases/${c.id}/declarations/${ok.body.id}/review`, {
          mitigation: 'none',
          note: '',
        }),
        403,
        'FORBIDDEN',
      );
      expectProblem(await review(w, c.id, ok.body.id, 'exclude_from_lunch'), 400, 'VALIDATION_FAILED');
      expectProblem(await review(w, c.id, '00000000-0000-4000-8000-000000000000', 'none'), 404, 'NOT_FOUND');
      expectProblem(await review(w, dc.id, ok.body.id, 'none'), 404, 'NOT_FOUND');

      await nilAndReview(w, c.id, w.panel[0]);
      await nilAndReview(w, c.id, w.panel[1]);
      await review(w, c.id, ok.body.id, 'none');
      await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
      expectProblem(await declare(w.panel[2], c.id, { interestIds: [], nilReturn: true }), 409, 'EVENT_NOT_ALLOWED');
      expectProblem(await review(w, c.id, ok.body.id, 'exclude_entirely'), 409, 'EVENT_NOT_ALLOWED');
    });
  });

  describe('quorum', () => {
    let w: World;
    beforeAll(async () => {
      w = await g.world();
    });

    it('exclusions below the quorum keep the check open and the case shows why, until an unconflicted member is added', async () => {
      const [a, b, cMember] = w.panel;
      const c = await g.caseInConflictCheck(w);
      await nilAndReview(w, c.id, a, 'exclude_entirely');
      await nilAndReview(w, c.id, b, 'exclude_from_decision');

      // one member undeclared and the quorum short: declarations are checked first
      let v = await view(w.governance.token, c.id);
      expect(v.conflictCheck).toMatchObject({
        declarationsComplete: false,
        missingDeclarations: [cMember.id],
        unexcludedDecisionMakers: 1,
        quorum: 2,
        quorumMet: false,
        blockers: ['DECLARATIONS_INCOMPLETE', 'QUORUM_NOT_MET'],
      });
      expectProblem(
        await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' }, 422),
        422,
        'DECLARATIONS_INCOMPLETE',
      );

      // declared but not reviewed is still incomplete
      const d = await declare(cMember, c.id, { interestIds: [], nilReturn: true });
      v = await view(w.governance.token, c.id);
      expect(v.conflictCheck.unreviewed).toEqual([{ personId: cMember.id, declarationId: d.body.id }]);
      expectProblem(
        await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' }, 422),
        422,
        'DECLARATIONS_INCOMPLETE',
      );
      await review(w, c.id, d.body.id, 'none');

      const res = await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' }, 422);
      expectProblem(res, 422, 'QUORUM_NOT_MET');
      v = await view(w.governance.token, c.id);
      expect(v.state).toBe('conflict_check');
      expect(v.conflictCheck).toEqual({
        declarationsComplete: true,
        missingDeclarations: [],
        unreviewed: [],
        unexcludedDecisionMakers: 1,
        quorum: 2,
        quorumMet: false,
        blockers: ['QUORUM_NOT_MET'],
        undeclaredConflicts: expect.any(Number),
      });

      // governance brings in an unconflicted member, who declares
      const extra = await g.person(admin, 'Dr Una Unconflicted', ['commissioner'], { consortiumId: w.consortiumId });
      const added = await g.post(w.governance.token, `/cases/${c.id}/panel`, { personId: extra.id });
      expect(added.status).toBe(200);
      expect(added.body.conflictCheck).toMatchObject({
        missingDeclarations: [extra.id],
        blockers: ['DECLARATIONS_INCOMPLETE'],
      });
      await nilAndReview(w, c.id, extra);
      v = await view(w.governance.token, c.id);
      expect(v.conflictCheck).toMatchObject({ quorumMet: true, unexcludedDecisionMakers: 2, blockers: [] });
      expect(v.allowedEvents).toContain('COMPLETE_CONFLICT_CHECK');
      const done = await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
      expect(done.body.state).toBe('route_decision');
    });
  });

  describe('detected conflicts', () => {
    let w: World;
    beforeAll(async () => {
      w = await g.world();
    });

    it('an undeclared affiliation to a member practice shows as declared=false, and true once declared', async () => {
      const c = await g.draftCase(w);
      // visible from the start, before anyone declares
      let v = await view(w.commissioner.token, c.id);
      expect(v.detectedConflicts).toEqual([
        {
          personId: w.gpPartner.id,
          personName: w.gpPartner.name,
          providerId: w.memberPractices[0].id,
          providerName: w.memberPractices[0].name,
          relationship: 'partner',
          interestId: null,
          source: 'affiliation',
          reason: 'member_practices',
          declared: false,
          detectedAt: null,
        },
      ]);

      await g.event(w.commissioner.token, c.id, { type: 'SUBMIT' });
      // a nil return does not declare the link: governance sees it before the review
      const nil = await declare(w.gpPartner, c.id, { interestIds: [], nilReturn: true });
      v = await view(w.governance.token, c.id);
      expect(v.detectedConflicts).toEqual([
        expect.objectContaining({
          personId: w.gpPartner.id,
          providerId: w.memberPractices[0].id,
          relationship: 'partner',
          declared: false,
          detectedAt: expect.any(String),
        }),
      ]);
      expect(v.conflictCheck.undeclaredConflicts).toBe(1);

      const interest = await declareInterest(w.gpPartner, {
        category: 'financial',
        providerId: w.memberPractices[0].id,
        description: 'Partner',
        startsOn: '2019-01-01',
      });
      const d = await declare(w.gpPartner, c.id, { interestIds: [interest.id], nilReturn: false });
      expect(d.status).toBe(201);
      v = await view(w.governance.token, c.id);
      const mine = v.detectedConflicts.filter((x: { personId: string }) => x.personId === w.gpPartner.id);
      expect(mine).toHaveLength(2);
      expect(mine).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source: 'affiliation', relationship: 'partner', declared: true }),
          expect.objectContaining({ source: 'interest', interestId: interest.id, declared: true }),
        ]),
      );
      expect(v.conflictCheck.undeclaredConflicts).toBe(0);
      expect(v.declarations.find((x: { id: string }) => x.id === nil.body.id).current).toBe(false);

      const { DataSource } = await import('typeorm');
      const rows = await t.app
        .get(DataSource)
        .query(
          `SELECT person_id, provider_id, relationship, interest_id, reason FROM detected_conflicts WHERE case_id = $1`,
          [c.id],
        );
      expect(rows).toHaveLength(2);
      expect(rows.every((r: { reason: string }) => r.reason === 'member_practices')).toBe(true);
    });

    it('a make decision records links to the providers it names', async () => {
      const c = await g.caseInRouteDecision(w);
      // a link the panel member gained after the conflict check, to a practice the make decision names
      await g.post(
        admin,
        `/people/${w.panel[2].id}/affiliations`,
        { providerId: w.memberPractices[3].id, relationship: 'director' },
        201,
      );
      await g.event(w.decider.token, c.id, {
        type: 'DECIDE_MAKE',
        providerIds: [w.memberPractices[3].id],
        psrProcess: 'most_suitable_provider',
        justification: 'Meadowbank has the only dermatology GPwSI in the area',
      });
      const v = await view(w.governance.token, c.id);
      expect(v.detectedConflicts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            personId: w.panel[2].id,
            providerId: w.memberPractices[3].id,
            relationship: 'director',
            reason: 'make_providers',
            declared: false,
            detectedAt: expect.any(String),
          }),
        ]),
      );
    });
  });

  describe('exclusion from decisions', () => {
    let w: World;
    beforeAll(async () => {
      w = await g.world();
    });

    it('an excluded-from-decision commissioner gets 422 EXCLUDED_BY_CONFLICT on DECIDE_BUY and their allowedEvents omit it', async () => {
      const excluded = w.panel[1];
      const c = await g.caseInRouteDecision(w, {}, { [excluded.id]: 'exclude_from_decision' });
      const mine = await view(excluded.token, c.id);
      expect(mine.allowedEvents).not.toContain('DECIDE_BUY');
      expect(mine.allowedEvents).not.toContain('DECIDE_MAKE');
      // v1.1: a member excluded from decisions may not cancel either
      expect(mine.allowedEvents).not.toContain('CANCEL');
      const theirs = await view(w.panel[2].token, c.id);
      expect(theirs.allowedEvents).toEqual(expect.arrayContaining(['DECIDE_BUY', 'DECIDE_MAKE']));

      const res = await g.event(excluded.token, c.id, { type: 'DECIDE_BUY', criteria: g.criteria }, 422);
      expectProblem(res, 422, 'EXCLUDED_BY_CONFLICT');
      const make = await g.event(
        excluded.token,
        c.id,
        {
          type: 'DECIDE_MAKE',
          providerIds: [w.memberPractices[1].id],
          psrProcess: 'direct_award_c',
          justification: 'x',
        },
        422,
      );
      expectProblem(make, 422, 'EXCLUDED_BY_CONFLICT');
      const cancel = await g.event(excluded.token, c.id, { type: 'CANCEL', reasonCode: 'other', note: 'x' }, 422);
      expectProblem(cancel, 422, 'EXCLUDED_BY_CONFLICT');
      expect((await view(w.governance.token, c.id)).state).toBe('route_decision');
    });
  });

  it('documents the conflicts endpoints in OpenAPI', async () => {
    const res = await t.http.get('/docs-json');
    for (const [path, method] of [
      ['/api/v1/interests', 'post'],
      ['/api/v1/interests', 'get'],
      ['/api/v1/interests/nil-returns', 'post'],
      ['/api/v1/interests/overdue', 'get'],
      ['/api/v1/registers/interests', 'get'],
      ['/api/v1/cases/{id}/panel', 'post'],
      ['/api/v1/cases/{id}/panel/{personId}', 'delete'],
      ['/api/v1/cases/{id}/declarations', 'post'],
      ['/api/v1/cases/{id}/declarations/{declarationId}/review', 'post'],
    ]) {
      expect(res.body.paths[path]?.[method]).toBeDefined();
    }
    expect(res.body.paths['/api/v1/registers/interests'].get.security ?? []).toEqual([]);
    expect(res.body.components.schemas.DeclarationDto).toBeDefined();
    expect(res.body.components.schemas.CaseConflictsPartDto).toBeDefined();
  });
});
