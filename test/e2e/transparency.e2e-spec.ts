/**
 * Transparency under the Provider Selection Regime, played through the API: every kind of case
 * publishes exactly its notices, appears on the register of decisions as computed from its records,
 * and counts in the annual summary; bidders' debriefs are the evaluation's figures; nothing private
 * reaches a public document.
 *
 * Time runs a million times faster; the standstill is lengthened by policy (60 working days, about
 * 7 s here) so that a representation can be lodged while it runs.
 */
import { DataSource } from 'typeorm';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, Person, ProviderUser, World } from '../support/given';

jest.setTimeout(240_000);

type Notice = {
  id: string;
  caseId: string;
  ocid: string;
  type: string;
  publishedAt: string;
  corrects: string | null;
  content: Record<string, unknown>;
  text: string;
};

describe('transparency: notices, the register of decisions, the annual summary, debriefs', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let db: DataSource;
  let admin: string;
  let consortiumName: string;
  const year = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric' }).format(new Date()),
  );

  // providers named as the regulations ask
  let skinClinic: ProviderUser & { name: string };
  let odsPractice: ProviderUser & { name: string };
  const skinClinicAddress = {
    streetAddress: '1 Riverside Walk',
    locality: 'Riverton',
    postalCode: 'RV1 2AB',
    countryName: 'United Kingdom',
  };
  const practiceAddress = {
    streetAddress: '12 Hill Road',
    locality: 'Hillview',
    region: 'Riversideshire',
    postalCode: 'HV3 9XY',
    countryName: 'United Kingdom',
  };

  // the cases, played once in beforeAll, asserted by the tests
  const played: {
    buy?: { caseId: string; bids: Record<string, string> };
    directAward?: string;
    mostSuitable?: string;
    cancelled?: { caseId: string; bidId: string };
    cancelledEarly?: string;
    unsuccessful?: string;
    reconsidered?: { caseId: string; recordWhileReconsidering: Record<string, unknown> };
    debriefsDuringStandstill?: Record<string, { debrief: Record<string, unknown>; standstillEndsAt: string }>;
    rankingAtStandstill?: { bidId: string; providerId: string; weightedScore: number; rank: number }[];
    standstillEndsAt?: string;
    representation?: { lodgedAt: string };
  } = {};

  const DESCRIPTION = 'A community dermatology service for adults, with teledermatology triage.';
  const CPV = '85121200-5';
  const decider = () => w.panel[1]; // Dr Nina Neutral: declared an interest in the trust, excluded from evaluation
  const evaluators = () => [w.panel[0], w.panel[2]];

  async function providerWithUser(body: Record<string, unknown>) {
    const p = await g.post(admin, '/providers', body, 201);
    const u = await g.person(admin, `Bid Manager ${body.name as string}`, ['provider'], { providerId: p.body.id });
    return { ...u, providerId: p.body.id as string, name: body.name as string };
  }

  async function notices(caseId: string): Promise<Notice[]> {
    const res = await g.get(w.governance.token, `/cases/${caseId}/notices`);
    expect(res.status).toBe(200);
    return res.body.items;
  }
  const publicGet = (path: string) => t.http.get(`/api/v1${path}`);

  /** Panel declarations: nil returns, except Dr Nina Neutral's shareholding in the trust (excluded from evaluation). */
  let interestId: string;
  async function declare(caseId: string) {
    for (const m of w.panel) {
      const mine = m.id === decider().id;
      const d = await g.post(
        m.token,
        `/cases/${caseId}/declarations`,
        mine ? { interestIds: [interestId], nilReturn: false } : { interestIds: [], nilReturn: true },
        201,
      );
      await g.post(
        w.governance.token,
        `/cases/${caseId}/declarations/${d.body.id}/review`,
        { mitigation: mine ? 'exclude_from_evaluation' : 'none', note: 'reviewed' },
        201,
      );
    }
    await g.event(w.governance.token, caseId, { type: 'COMPLETE_CONFLICT_CHECK' });
  }

  async function routeDecision(title: string, over: Record<string, unknown> = {}) {
    const c = await g.caseInConflictCheck(w, { title, ...over });
    await declare(c.id);
    return c.id;
  }

  async function publishTender(caseId: string, closesInMs = 3500) {
    await g.event(decider().token, caseId, {
      type: 'DECIDE_BUY',
      criteria: g.criteria,
      tenderClosesAt: new Date(Date.now() + closesInMs).toISOString(),
    });
  }

  async function clearMemberPracticeFlag(caseId: string) {
    await g.waitForState(w.governance.token, caseId, 'governance_review', 30000);
    const flags = (await g.get(w.governance.token, `/cases/${caseId}/flags`)).body;
    const list = (Array.isArray(flags) ? flags : flags.items) as { id: string; code: string; status: string }[];
    for (const f of list.filter((x) => x.status === 'open'))
      await g.post(
        w.governance.token,
        `/flags/${f.id}/resolve`,
        { resolution: 'accepted', justification: 'no better provider in the area' },
        200,
      );
    await g.event(w.governance.token, caseId, { type: 'APPROVE_AWARD', note: 'member practice award justified' });
  }

  const perCriterion: Record<string, number> = {
    quality_innovation: 9,
    value: 8,
    integration_collaboration_sustainability: 8,
    access_inequalities_choice: 7,
    social_value: 8,
  };

  async function playBuyRoute() {
    const caseId = await routeDecision('Community dermatology redesign', { description: DESCRIPTION, cpvCode: CPV });
    await publishTender(caseId);
    const bids: Record<string, string> = {};
    bids.skin = (await g.bid(skinClinic, caseId, 210000)).id;
    bids.trust = (await g.bid(w.providerUsers[w.trust.id], caseId, 190000)).id;
    bids.social = (await g.bid(w.providerUsers[w.socialEnterprise.id], caseId, 205000)).id;
    await g.waitForState(w.governance.token, caseId, 'evaluation');
    for (const e of evaluators()) {
      await g.score(e, caseId, bids.skin, perCriterion);
      await g.score(e, caseId, bids.trust, 6);
      await g.score(e, caseId, bids.social, e.id === w.panel[0].id ? 7 : 6);
    }
    await g.event(decider().token, caseId, {
      type: 'PROPOSE_AWARD',
      bidId: bids.skin,
      justification: 'Highest weighted score, strongest on quality and access. Questions: procurement@example.org',
    });
    const standstill = await g.waitForState(w.governance.token, caseId, 'standstill', 30000);
    played.rankingAtStandstill = standstill.ranking;
    played.standstillEndsAt = standstill.standstillEndsAt;
    const debriefs: NonNullable<typeof played.debriefsDuringStandstill> = {};
    for (const [key, u] of [
      ['skin', skinClinic],
      ['trust', w.providerUsers[w.trust.id]],
      ['social', w.providerUsers[w.socialEnterprise.id]],
    ] as const) {
      const mine = (await g.get(u.token, '/bids')).body.items.find((b: { caseId: string }) => b.caseId === caseId);
      debriefs[key] = { debrief: mine.debrief, standstillEndsAt: mine.standstillEndsAt };
    }
    played.debriefsDuringStandstill = debriefs;
    await g.waitForState(w.governance.token, caseId, 'awarded', 30000);
    played.buy = { caseId, bids };
  }

  async function playDirectAward() {
    const caseId = await routeDecision('Minor surgery in practices');
    await g.event(decider().token, caseId, {
      type: 'DECIDE_MAKE',
      providerIds: [odsPractice.providerId],
      psrProcess: 'direct_award_c',
      justification: 'The existing provider satisfies the contract; no change is considered',
    });
    await clearMemberPracticeFlag(caseId);
    await g.waitForState(w.governance.token, caseId, 'standstill', 30000);
    // a provider that never bid (there was no tender) may make a representation on the make route
    const rep = await g.post(
      w.providerUsers[w.independent.id].token,
      `/cases/${caseId}/representations`,
      { text: 'We would have wanted to be considered for minor surgery.' },
      201,
    );
    await g.post(
      w.governance.token,
      `/cases/${caseId}/representations/${rep.body.id}/resolve`,
      { outcome: 'not_upheld', response: 'Direct award C conditions are met.' },
      200,
    );
    played.representation = { lodgedAt: rep.body.lodgedAt };
    await g.waitForState(w.governance.token, caseId, 'awarded', 30000);
    played.directAward = caseId;
  }

  async function playMostSuitable() {
    const caseId = await routeDecision('Diabetes follow-up in the community');
    await g.event(decider().token, caseId, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[1].id],
      psrProcess: 'most_suitable_provider',
      justification: 'Hillview already runs the community diabetes clinic',
    });
    await clearMemberPracticeFlag(caseId);
    await g.waitForState(w.governance.token, caseId, 'awarded', 30000);
    played.mostSuitable = caseId;
  }

  async function playCancelled() {
    const caseId = await routeDecision('Podiatry redesign');
    await publishTender(caseId, 60_000);
    const bid = await g.bid(w.providerUsers[w.trust.id], caseId, 180000);
    await g.event(w.governance.token, caseId, {
      type: 'CANCEL',
      reasonCode: 'budget',
      note: 'Funding withdrawn; write to finance@example.org',
    });
    played.cancelled = { caseId, bidId: bid.id };
    // cancelled before anything was published: no notice, no record
    const early = await routeDecision('Physiotherapy redesign');
    await g.event(w.commissioner.token, early, { type: 'CANCEL', reasonCode: 'no_longer_needed' });
    played.cancelledEarly = early;
  }

  /** No bids; a question left unanswered at the close moves it on (a tender notice correction) until answered. */
  async function playUnsuccessful() {
    const caseId = await routeDecision('Audiology redesign');
    await publishTender(caseId, 6000);
    const q = await g.post(
      w.providerUsers[w.trust.id].token,
      `/tenders/${caseId}/questions`,
      { text: 'Is the hearing-aid stock list available?' },
      201,
    );
    await eventually(async () => (await notices(caseId)).length > 1, 30000);
    await g.post(
      w.commissioner.token,
      `/tenders/${caseId}/questions/${q.body.id}/answer`,
      { text: 'Yes, in annex B.' },
      200,
    );
    await g.waitForState(w.governance.token, caseId, 'unsuccessful', 30000);
    played.unsuccessful = caseId;
  }

  /** Most suitable provider; an upheld representation sends it back; a new decision and a new intention. */
  async function playReconsidered() {
    const caseId = await routeDecision('Dermatology triage in practices');
    await g.event(decider().token, caseId, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[2].id],
      psrProcess: 'most_suitable_provider',
      justification: 'Bridge Street has the clinic rooms',
    });
    await clearMemberPracticeFlag(caseId);
    await g.waitForState(w.governance.token, caseId, 'standstill', 30000);
    const rep = await g.post(
      w.providerUsers[w.socialEnterprise.id].token,
      `/cases/${caseId}/representations`,
      { text: 'Our clinic is closer to the patients.' },
      201,
    );
    await g.post(
      w.governance.token,
      `/cases/${caseId}/representations/${rep.body.id}/resolve`,
      { outcome: 'upheld', response: 'Consider Meadowbank again.' },
      200,
    );
    const recordWhileReconsidering = (await publicGet(`/registers/decisions/${caseId}`)).body;
    await g.event(decider().token, caseId, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[3].id],
      psrProcess: 'most_suitable_provider',
      justification: 'Meadowbank is closer to the patients',
    });
    await clearMemberPracticeFlag(caseId);
    await g.waitForState(w.governance.token, caseId, 'awarded', 30000);
    played.reconsidered = { caseId, recordWhileReconsidering };
  }

  beforeAll(async () => {
    t = await startTestApp({
      suite: 'transparency',
      timeAcceleration: 1_000_000,
      policy: (p) => ({
        ...p,
        tracks: { ...p.tracks, fast: { ...p.tracks.fast, standstill: 60, furtherStandstill: 30 } },
      }),
    });
    g = given(t);
    db = t.app.get(DataSource);
    admin = await t.adminToken();
    w = await g.world();
    consortiumName = (await g.get(admin, `/consortia/${w.consortiumId}`)).body.name;
    skinClinic = await providerWithUser({
      name: 'Riverside Skin Clinic Ltd',
      kind: 'independent',
      address: skinClinicAddress,
      companiesHouseNumber: '01234567',
    });
    odsPractice = await providerWithUser({
      name: 'Hill Road Surgery',
      kind: 'gp_practice',
      memberOfConsortiumId: w.consortiumId,
      address: practiceAddress,
      odsCode: 'Y01234',
    });
    interestId = (
      await g.post(
        decider().token,
        '/interests',
        {
          category: 'financial',
          providerId: w.trust.id,
          description: 'Shareholding in a trust subsidiary',
          startsOn: '2021-04-01',
        },
        201,
      )
    ).body.id;
    await Promise.all([
      playBuyRoute(),
      playDirectAward(),
      playMostSuitable(),
      playCancelled(),
      playUnsuccessful(),
      playReconsidered(),
    ]);
  });
  afterAll(() => t?.close());

  // ---- what everyone expects of the records ----

  const nilReturn = (person: Person) => ({
    person: person.name,
    kind: 'nil_return',
    interest: null,
    organisation: null,
    mitigation: 'none',
    reviewedBy: 'Grace Governance',
  });
  /** every panel member, by name: Dr Nina Neutral, Dr Paul Partner, Ms Lay Member */
  const conflicts = () => [
    {
      person: w.panel[1].name,
      kind: 'declared_interest',
      interest: 'a financial interest: Shareholding in a trust subsidiary',
      organisation: w.trust.name,
      mitigation: 'exclude_from_evaluation',
      reviewedBy: 'Grace Governance',
    },
    nilReturn(w.panel[0]),
    {
      person: w.panel[0].name,
      kind: 'detected_conflict',
      interest: 'partner',
      organisation: w.memberPractices[0].name,
      mitigation: 'none',
      reviewedBy: 'Grace Governance',
    },
    nilReturn(w.panel[2]),
  ];
  const governance = (decisions: string[]) => ({ name: 'Grace Governance', role: 'governance officer', decisions });
  const lifetime = (amount: number) => ({ amount, currency: 'GBP' });

  it('providers carry an address, an ODS code and a Companies House number, in checked formats', async () => {
    const p = await g.get(admin, `/providers/${odsPractice.providerId}`);
    expect(p.body).toMatchObject({ address: practiceAddress, odsCode: 'Y01234', companiesHouseNumber: null });
    for (const bad of [
      { odsCode: 'y0 1234' },
      { companiesHouseNumber: '1234567' },
      { address: { ...skinClinicAddress, postalCode: '12345' } },
      { address: { locality: 'Riverton' } },
    ]) {
      const res = await g.post(admin, '/providers', { name: 'Bad Ltd', kind: 'independent', ...bad });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('buy route: a tender notice, an intention to award and an award confirmation, field by field', async () => {
    const { caseId } = played.buy!;
    const c = (await g.get(w.governance.token, `/cases/${caseId}`)).body;
    const list = await notices(caseId);
    expect(list.map((n) => [n.type, n.corrects])).toEqual([
      ['tender_notice', null],
      ['intention_to_award', null],
      ['award_confirmation', null],
    ]);
    const [tender, intention, award] = list;
    for (const n of list) expect(n).toMatchObject({ caseId, ocid: c.ocid });

    expect(tender.content).toEqual({
      title: 'Community dermatology redesign',
      reference: c.ocid,
      buyer: consortiumName,
      serviceName: 'Dermatology',
      serviceDescription: DESCRIPTION,
      cpvCode: CPV,
      estimatedAnnualValue: lifetime(250000),
      termMonths: 36,
      lifetimeValue: lifetime(750000),
      criteria: g.criteria,
      tenderPeriod: { startDate: expect.any(String), endDate: expect.any(String) },
      bidsTo: `/api/v1/tenders/${caseId}/bids`,
      questionsTo: `/api/v1/tenders/${caseId}/questions`,
    });
    expect(tender.text).toContain('Tender notice: Community dermatology redesign');
    expect(tender.text).toContain(`Service: Dermatology (CPV ${CPV})`);
    expect(tender.text).toContain('£250,000.00 a year for 36 months (about £750,000.00 in total)');

    const awardeeWeighted = 0.3 * 9 + 0.3 * 8 + 0.2 * 8 + 0.1 * 7 + 0.1 * 8; // 8.2
    expect(intention.content).toEqual({
      title: 'Community dermatology redesign',
      reference: c.ocid,
      awardees: [
        {
          name: 'Riverside Skin Clinic Ltd',
          address: skinClinicAddress,
          odsCode: null,
          companiesHouseNumber: '01234567',
        },
      ],
      serviceDescription: DESCRIPTION,
      cpvCode: CPV,
      lifetimeValue: lifetime(630000),
      decisionMakers: [
        governance(['completed the conflict check']),
        {
          name: w.panel[1].name,
          role: 'panel member',
          decisions: ['chose the competitive process and its key criteria', 'proposed the award'],
        },
        { name: w.panel[0].name, role: 'panel member', decisions: ['scored the bids'] },
        { name: w.panel[2].name, role: 'panel member', decisions: ['scored the bids'] },
      ],
      reasons: {
        justification: 'Highest weighted score, strongest on quality and access. Questions: [e-mail address removed]',
        routeRationale: null,
        criteria: g.criteria.map((k) => ({
          key: k.key,
          weight: k.weight,
          awardeeWeightedScore: Math.round((k.weight / 100) * perCriterion[k.key] * 100) / 100,
        })),
        awardeeWeightedScore: Math.round(awardeeWeighted * 100) / 100,
      },
      conflicts: conflicts(),
      route: 'competitive',
      standstillEndsAt: played.standstillEndsAt,
      representationsTo: { route: `/api/v1/cases/${caseId}/representations`, consortium: consortiumName },
    });
    expect(intention.text).toContain('Riverside Skin Clinic Ltd; 1 Riverside Walk, Riverton, RV1 2AB, United Kingdom');
    expect(intention.text).toContain('Approximate lifetime value: £630,000.00 (£210,000.00 a year for 36 months)');
    expect(intention.text).toMatch(/The standstill ends at \w+day \d+ \w+ \d{4} at \d\d:\d\d (GMT|BST)\./);

    expect(award.content).toEqual({
      title: 'Community dermatology redesign',
      reference: c.ocid,
      awardees: (intention.content as { awardees: unknown }).awardees,
      route: 'competitive',
      lifetimeValue: lifetime(630000),
      awardedAt: expect.any(String),
      contractPeriod: { startDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), endDate: expect.any(String) },
      intentionNoticeId: intention.id,
    });
    expect(award.text).toContain('Value: £630,000.00 over 36 months (£210,000.00 a year)');
  });

  it('buy route: the register record, computed from the case', async () => {
    const { caseId } = played.buy!;
    const c = (await g.get(w.governance.token, `/cases/${caseId}`)).body;
    const list = await notices(caseId);
    const r = await publicGet(`/registers/decisions/${caseId}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      caseId,
      ocid: c.ocid,
      consortium: { id: w.consortiumId, name: consortiumName },
      service: { title: 'Community dermatology redesign', name: 'Dermatology', description: DESCRIPTION, cpvCode: CPV },
      route: 'competitive',
      routeRationale: null,
      decisionMakers: (list[1].content as { decisionMakers: unknown }).decisionMakers,
      conflicts: conflicts(),
      criteria: g.criteria,
      bids: { received: 3 },
      result: {
        status: 'awarded',
        awardees: (list[1].content as { awardees: unknown }).awardees,
        value: lifetime(630000),
        decidedAt: list[2].publishedAt,
      },
      representations: [],
      links: {
        notices: list.map((n) => ({
          id: n.id,
          type: n.type,
          publishedAt: n.publishedAt,
          href: `/api/v1/registers/notices/${n.id}`,
        })),
        auditVerification: `/api/v1/registers/decisions/${caseId}/verification`,
      },
    });
    const v = await publicGet(r.body.links.auditVerification.replace('/api/v1', ''));
    const history = (await g.get(w.governance.token, `/cases/${caseId}/history`)).body;
    const entries = Array.isArray(history) ? history : history.items;
    expect(v.body).toEqual({
      caseId,
      valid: true,
      length: entries.length,
      firstInvalidSeq: null,
      headHash: entries[entries.length - 1].hash,
    });
    for (const n of r.body.links.notices) {
      const one = await publicGet(n.href.replace('/api/v1', ''));
      expect(one.body).toEqual(list.find((x) => x.id === n.id));
    }
  });

  it('debriefs: each bidder is told the figures of the ranking, and notified', async () => {
    const { caseId, bids } = played.buy!;
    const ranking = played.rankingAtStandstill!;
    const awardee = ranking.find((r) => r.bidId === bids.skin)!;
    expect(awardee.rank).toBe(1);
    const byKey = played.debriefsDuringStandstill!;
    for (const [key, bidId] of Object.entries(bids)) {
      const own = ranking.find((r) => r.bidId === bidId)!;
      const { debrief, standstillEndsAt } = byKey[key];
      expect(debrief).toMatchObject({
        awardees: [{ name: 'Riverside Skin Clinic Ltd' }],
        ownRank: own.rank,
        bids: 3,
        standstillEndsAt: played.standstillEndsAt,
        representationsTo: `/api/v1/cases/${caseId}/representations`,
        ownScores: { weightedScore: own.weightedScore },
        awardeeScores: { weightedScore: awardee.weightedScore },
      });
      expect(standstillEndsAt).toBe(played.standstillEndsAt);
      const d = debrief as { ownScores: { criteria: { key: string; weight: number; weightedScore: number }[] } };
      expect(d.ownScores.criteria.map((x) => [x.key, x.weight])).toEqual(g.criteria.map((x) => [x.key, x.weight]));
      const sum = d.ownScores.criteria.reduce((a, x) => a + x.weightedScore, 0);
      expect(Math.abs(sum - own.weightedScore)).toBeLessThan(0.03);
    }
    expect(byKey.trust.debrief).toMatchObject({ ownScores: { weightedScore: 6 }, ownRank: 3 });
    expect(byKey.social.debrief).toMatchObject({ ownScores: { weightedScore: 6.5 }, ownRank: 2 });

    // the notification carries the same debrief, with the standstill end then published
    const trust = w.providerUsers[w.trust.id];
    const notified = await eventually(async () => {
      const items = (await g.get(trust.token, '/notifications')).body.items as {
        kind: string;
        caseId: string;
        data: { debrief: unknown };
        body: string;
      }[];
      return items.find((n) => n.kind === 'debrief' && n.caseId === caseId);
    });
    expect(notified.data.debrief).toEqual(byKey.trust.debrief);
    expect(notified.body).toContain('Riverside Skin Clinic Ltd');
    // one debrief per bidder, none to anyone else
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM notifications WHERE kind = 'debrief' AND case_id = $1`,
      [caseId],
    );
    expect(n).toBe(3);
    // after the award GET /bids still shows the debrief (the standstill is over)
    const after = (await g.get(trust.token, '/bids')).body.items.find((b: { caseId: string }) => b.caseId === caseId);
    expect(after.debrief).toEqual({ ...(byKey.trust.debrief as object), standstillEndsAt: null });
  });

  it('make route, direct award C: a representation from a provider that did not bid corrects the intention twice', async () => {
    const caseId = played.directAward!;
    const c = (await g.get(w.governance.token, `/cases/${caseId}`)).body;
    const list = await notices(caseId);
    expect(list.map((n) => n.type)).toEqual([
      'intention_to_award',
      'intention_to_award',
      'intention_to_award',
      'award_confirmation',
    ]);
    const [first, paused, resumed, award] = list;
    expect(first.corrects).toBeNull();
    expect(paused.corrects).toBe(first.id);
    expect(resumed.corrects).toBe(paused.id);
    expect(award.corrects).toBeNull();
    const awardees = [
      { name: 'Hill Road Surgery', address: practiceAddress, odsCode: 'Y01234', companiesHouseNumber: null },
    ];
    const justification = 'The existing provider satisfies the contract; no change is considered';
    expect(first.content).toEqual({
      title: 'Minor surgery in practices',
      reference: c.ocid,
      awardees,
      serviceDescription: 'Dermatology',
      cpvCode: null,
      lifetimeValue: lifetime(750000),
      decisionMakers: [
        governance(['completed the conflict check', 'resolved a favouritism flag', 'approved the award']),
        { name: w.panel[1].name, role: 'panel member', decisions: ['chose direct award process C and the provider'] },
      ],
      reasons: { justification, routeRationale: justification },
      conflicts: conflicts(),
      route: 'direct_award_c',
      standstillEndsAt: expect.any(String),
      representationsTo: { route: `/api/v1/cases/${caseId}/representations`, consortium: consortiumName },
    });
    expect(paused.content).toMatchObject({ standstillEndsAt: null, standstillPaused: true });
    expect(paused.text).toContain('The standstill is paused');
    const resumedEnd = Date.parse((resumed.content as { standstillEndsAt: string }).standstillEndsAt);
    // the further standstill runs from the resolution, and the award followed its end
    expect(resumedEnd).not.toBe(Date.parse((first.content as { standstillEndsAt: string }).standstillEndsAt));
    expect(resumedEnd).toBeGreaterThan(Date.parse(paused.publishedAt));
    expect(Date.parse(award.publishedAt)).toBeGreaterThanOrEqual(resumedEnd);
    expect(resumed.content).not.toHaveProperty('standstillPaused');
    expect(resumed.text).toMatch(/^Intention to award \(correction\)/);
    expect(award.content).toMatchObject({ awardees, route: 'direct_award_c', intentionNoticeId: resumed.id });

    const r = (await publicGet(`/registers/decisions/${caseId}`)).body;
    expect(r).toMatchObject({
      route: 'direct_award_c',
      routeRationale: justification,
      criteria: [],
      result: { status: 'awarded', awardees, value: lifetime(750000), decidedAt: award.publishedAt },
      representations: [{ lodgedAt: played.representation!.lodgedAt, outcome: 'not_upheld' }],
    });
    expect(r).not.toHaveProperty('bids');
  });

  it('make route, most suitable provider: an intention and an award confirmation', async () => {
    const caseId = played.mostSuitable!;
    const list = await notices(caseId);
    expect(list.map((n) => [n.type, n.corrects === null])).toEqual([
      ['intention_to_award', true],
      ['award_confirmation', true],
    ]);
    expect(list[0].content).toMatchObject({
      route: 'most_suitable_provider',
      awardees: [{ name: w.memberPractices[1].name, address: null, odsCode: null, companiesHouseNumber: null }],
      reasons: { justification: 'Hillview already runs the community diabetes clinic' },
    });
    expect((list[0].content as { decisionMakers: { decisions: string[] }[] }).decisionMakers[1].decisions).toEqual([
      'chose the most suitable provider process and the provider',
    ]);
    const r = (await publicGet(`/registers/decisions/${caseId}`)).body;
    expect(r.result).toMatchObject({ status: 'awarded', value: lifetime(750000) });
  });

  it('cancelled after publication: a cancellation notice and a record without any bid figure', async () => {
    const { caseId } = played.cancelled!;
    const list = await notices(caseId);
    expect(list.map((n) => n.type)).toEqual(['tender_notice', 'cancellation']);
    expect(list[1].content).toEqual({
      title: 'Podiatry redesign',
      reference: list[0].ocid,
      reasonCode: 'budget',
      note: 'Funding withdrawn; write to [e-mail address removed]',
      cancelledAt: expect.any(String),
      stage: 'tendering',
    });
    const r = (await publicGet(`/registers/decisions/${caseId}`)).body;
    expect(r.result).toEqual({ status: 'cancelled', decidedAt: list[1].publishedAt });
    // bids were still sealed when it was cancelled: not even their number is published
    expect(r).not.toHaveProperty('bids');
    expect(r.decisionMakers).toContainEqual(governance(['completed the conflict check', 'cancelled the procurement']));
    // cancelled before publication: nothing published, nothing on the register
    expect(await notices(played.cancelledEarly!)).toEqual([]);
    expect((await publicGet(`/registers/decisions/${played.cancelledEarly}`)).status).toBe(404);
  });

  it('unsuccessful: the tender notice, its corrections while the close moved, and a record with the bids received', async () => {
    const caseId = played.unsuccessful!;
    const list = await notices(caseId);
    expect(list.every((n) => n.type === 'tender_notice')).toBe(true);
    expect(list.length).toBeGreaterThan(1);
    expect(list[0].corrects).toBeNull();
    for (let i = 1; i < list.length; i++) {
      expect(list[i].corrects).toBe(list[i - 1].id);
      const [before, after] = [list[i - 1], list[i]].map(
        (n) => (n.content as { tenderPeriod: { endDate: string } }).tenderPeriod.endDate,
      );
      expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
      expect(list[i].content).toMatchObject({
        reason:
          'A clarification question was still unanswered at the closing time, so the close moved on by the policy’s extension.',
      });
      expect(list[i].text).toMatch(/^Tender notice \(correction\)/);
    }
    const r = (await publicGet(`/registers/decisions/${caseId}`)).body;
    expect(r).toMatchObject({ route: 'competitive', bids: { received: 0 }, result: { status: 'unsuccessful' } });
    expect(r.result).not.toHaveProperty('awardees');
  });

  it('an upheld representation: the record shows the case reconsidering; the new intention corrects the old one', async () => {
    const { caseId, recordWhileReconsidering } = played.reconsidered!;
    expect(recordWhileReconsidering).toMatchObject({
      route: 'most_suitable_provider',
      result: { status: 'reconsidering' },
      representations: [{ outcome: 'upheld' }],
    });
    expect(recordWhileReconsidering.result).not.toHaveProperty('awardees');
    const list = await notices(caseId);
    expect(list.map((n) => n.type)).toEqual([
      'intention_to_award',
      'intention_to_award',
      'intention_to_award',
      'award_confirmation',
    ]);
    const [first, paused, second, award] = list;
    expect(paused.corrects).toBe(first.id);
    expect(second.corrects).toBe(paused.id);
    expect(first.content).toMatchObject({ awardees: [{ name: w.memberPractices[2].name }] });
    expect(second.content).toMatchObject({
      awardees: [{ name: w.memberPractices[3].name }],
      reasons: { justification: 'Meadowbank is closer to the patients' },
    });
    expect(award.content).toMatchObject({
      awardees: [{ name: w.memberPractices[3].name }],
      intentionNoticeId: second.id,
    });
    const r = (await publicGet(`/registers/decisions/${caseId}`)).body;
    expect(r.result).toMatchObject({ status: 'awarded', awardees: [{ name: w.memberPractices[3].name }] });
    expect(r.decisionMakers).toContainEqual(
      governance([
        'completed the conflict check',
        'resolved a favouritism flag',
        'approved the award',
        'decided a representation',
      ]),
    );
  });

  it('the registers list exactly the decided cases, filter by consortium, type and year, and page', async () => {
    const decided = [
      played.buy!.caseId,
      played.directAward!,
      played.mostSuitable!,
      played.cancelled!.caseId,
      played.unsuccessful!,
      played.reconsidered!.caseId,
    ];
    const all = await publicGet(`/registers/decisions?consortiumId=${w.consortiumId}&year=${year}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { caseId: string }) => r.caseId).sort()).toEqual([...decided].sort());
    expect(
      (await publicGet(`/registers/decisions?consortiumId=${w.consortiumId}&year=${year - 1}`)).body.items,
    ).toEqual([]);
    const page1 = await publicGet(`/registers/decisions?consortiumId=${w.consortiumId}&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await publicGet(
      `/registers/decisions?consortiumId=${w.consortiumId}&limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items).toHaveLength(2);
    expect(page2.body.items[0].caseId).not.toBe(page1.body.items[0].caseId);

    const intentions = await publicGet(`/registers/notices?consortiumId=${w.consortiumId}&type=intention_to_award`);
    // buy 1, direct award 3 (two corrections), most suitable 1, reconsidered 3
    expect(intentions.body.items).toHaveLength(8);
    const everything = await publicGet(`/registers/notices?consortiumId=${w.consortiumId}&limit=200`);
    const tenderNotices = (await notices(played.unsuccessful!)).length;
    expect(everything.body.items.map((n: Notice) => n.type).sort()).toEqual(
      [
        ...['tender_notice', 'intention_to_award', 'award_confirmation'],
        ...['intention_to_award', 'intention_to_award', 'intention_to_award', 'award_confirmation'],
        ...['intention_to_award', 'award_confirmation'],
        ...['tender_notice', 'cancellation'],
        ...Array(tenderNotices).fill('tender_notice'),
        ...['intention_to_award', 'intention_to_award', 'intention_to_award', 'award_confirmation'],
      ].sort(),
    );
    for (const bad of ['type=award', 'consortiumId=nope', 'year=abc', 'cursor=forged']) {
      const res = await publicGet(`/registers/${bad.startsWith('type') ? 'notices' : 'decisions'}?${bad}`);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('the annual summary counts contracts per route, new providers and representations', async () => {
    const s = await publicGet(`/registers/decisions/summary?consortiumId=${w.consortiumId}&year=${year}`);
    expect(s.status).toBe(200);
    expect(s.body).toEqual({
      consortiumId: w.consortiumId,
      year,
      contracts: 4,
      contractsPerRoute: { competitive: 1, direct_award_c: 1, most_suitable_provider: 2 },
      // the provider of the withdrawn intention (Bridge Street) held no contract
      newProviders: [
        { name: 'Hill Road Surgery' },
        { name: w.memberPractices[1].name },
        { name: w.memberPractices[3].name },
        { name: 'Riverside Skin Clinic Ltd' },
      ].sort((a, b) => a.name.localeCompare(b.name, 'en-GB')),
      providersNoLongerContracted: [],
      representations: { received: 2, upheld: 1, notUpheld: 1, open: 0 },
    });
    const last = await publicGet(`/registers/decisions/summary?consortiumId=${w.consortiumId}&year=${year - 1}`);
    expect(last.body).toMatchObject({ contracts: 0, newProviders: [], representations: { received: 0 } });
    expect((await publicGet('/registers/decisions/summary')).status).toBe(400);
  });

  it('privacy: no public notice or register holds an e-mail address, a losing price, bid text or a bid id', async () => {
    const bodies: unknown[] = [];
    let cursor: string | null = null;
    do {
      const res = await publicGet(`/registers/notices?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      bodies.push(res.body);
      cursor = res.body.nextCursor;
    } while (cursor);
    bodies.push((await publicGet(`/registers/decisions?limit=200`)).body);
    bodies.push((await publicGet(`/registers/decisions/summary?year=${year}`)).body);
    const cases = [
      played.buy!.caseId,
      played.directAward!,
      played.mostSuitable!,
      played.cancelled!.caseId,
      played.unsuccessful!,
      played.reconsidered!.caseId,
    ];
    for (const id of cases) {
      bodies.push((await publicGet(`/registers/decisions/${id}`)).body);
      bodies.push((await publicGet(`/registers/decisions/${id}/verification`)).body);
      bodies.push(await notices(id));
    }
    const published = JSON.stringify(bodies);
    // no e-mail address (every person's, and the ones typed into justifications and notes)
    expect(published).not.toContain('@');
    // no losing price (annual, or times the term), in any form
    for (const price of [190000, 205000, 180000])
      for (const form of [
        String(price),
        price.toLocaleString('en-GB'),
        String(price * 3),
        (price * 3).toLocaleString('en-GB'),
      ])
        expect(published).not.toContain(form);
    // no bid response text, no representation text
    expect(published).not.toContain('Our approach to');
    expect(published).not.toContain('would have wanted to be considered');
    expect(published).not.toContain('Our clinic is closer');
    expect(published).not.toContain('Consider Meadowbank again');
    // no clarification question or answer
    expect(published).not.toContain('hearing-aid');
    expect(published).not.toContain('annex B');
    // no bid id
    for (const id of [...Object.values(played.buy!.bids), played.cancelled!.bidId]) expect(published).not.toContain(id);
  });

  it('notices are immutable: the database refuses to change or delete one', async () => {
    const [n] = await notices(played.buy!.caseId);
    await expect(db.query(`UPDATE notices SET text = 'changed' WHERE id = $1`, [n.id])).rejects.toThrow(/immutable/);
    await expect(db.query(`DELETE FROM notices WHERE id = $1`, [n.id])).rejects.toThrow(/immutable/);
    expect((await notices(played.buy!.caseId))[0]).toEqual(n);
  });

  it('a case’s notices are for its readers only; the public register is for anyone', async () => {
    const caseId = played.buy!.caseId;
    expect((await g.get(w.outsider.token, `/cases/${caseId}/notices`)).status).toBe(404);
    expect((await publicGet(`/cases/${caseId}/notices`)).status).toBe(401);
    expect((await publicGet(`/registers/notices?type=tender_notice`)).status).toBe(200);
  });
});
