/**
 * The permission matrix: every operation of the served OpenAPI document x every kind of caller,
 * with the expected status of each cell written once in the table below. The test fails on any
 * cell that differs and on any operation without a row (add yours: see the table's comment).
 *
 * Writes are sent with a body the API must refuse (`{ "matrix": true }`, an unknown field), so a
 * caller who may act gets 400 VALIDATION_FAILED and nothing changes; who may not gets 401, 404 or
 * 403 first (the contract's order). Where the state matters, an extra row (`<op>#<variant>`)
 * sends a real body. Time runs a million times faster (tendering closes within seconds).
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';
import { given, Person, World } from '../support/given';

jest.setTimeout(180_000);

/** The kinds of caller, in the order of every row's statuses. */
const CALLERS = [
  'none', // no token
  'admin', // a token with `admin` alone whose sub is not in the directory
  'commissioner', // a commissioner of the case's consortium, not on its panel, not its creator
  'governance', // a governance officer of the case's consortium
  'creator', // the commissioner who raised the case (not on its panel)
  'otherCommissioner', // a commissioner of another consortium
  'panel', // an unexcluded panel member (a commissioner)
  'excluded', // a panel member excluded entirely
  'bidder', // a provider user whose provider bid
  'nonBidder', // a provider user whose provider did not bid
  'liar', // the bidder's person with a token claiming governance too (the directory does not grant it)
] as const;
type Caller = (typeof CALLERS)[number];

/** What the scene gives the requests: ids of the objects they name. */
interface Scene {
  w: World;
  /** a buy case in evaluation: bids opened, nothing scored */
  caseId: string;
  ocid: string;
  bidId: string;
  questionId: string;
  declarationId: string;
  /** a make case in governance_review with an open MEMBER_PRACTICE_AWARD flag */
  flagCaseId: string;
  flagId: string;
}

interface Row {
  /** method and path; the path's {params} are filled from the scene */
  path: (s: Scene) => string;
  body?: (s: Scene) => unknown;
  /** one status per caller, in CALLERS order */
  expect: string;
}

const BAD = () => ({ matrix: true });
const u = randomUUID();
const nobody = () => '00000000-0000-4000-8000-000000000000';

/**
 * THE TABLE. Key: "METHOD /path/as/in/the/document" exactly as /docs-json lists it (a variant after
 * '#'). Statuses in CALLERS order:
 *                                   none adm com gov cre oth pan exc bid non liar
 * To add an operation: add its row here, with the status each caller must get.
 */
const TABLE: Record<string, Row> = {
  'GET /health': { path: () => '/health', expect: '200 200 200 200 200 200 200 200 200 200 200' },
  'GET /health/live': { path: () => '/health/live', expect: '200 200 200 200 200 200 200 200 200 200 200' },
  'GET /metrics': { path: () => '/metrics', expect: '200 200 200 200 200 200 200 200 200 200 200' },

  // directory
  'POST /api/v1/consortia': {
    path: () => '/api/v1/consortia',
    body: BAD,
    expect: '401 400 403 403 403 403 403 403 403 403 403',
  },
  'GET /api/v1/consortia/{id}': {
    path: (s) => `/api/v1/consortia/${s.w.consortiumId}`,
    expect: '401 200 200 200 200 200 200 200 200 200 200',
  },
  'POST /api/v1/providers': {
    path: () => '/api/v1/providers',
    body: BAD,
    expect: '401 400 403 403 403 403 403 403 403 403 403',
  },
  'GET /api/v1/providers': { path: () => '/api/v1/providers', expect: '401 200 200 200 200 200 200 200 200 200 200' },
  'GET /api/v1/providers/{id}': {
    path: (s) => `/api/v1/providers/${s.w.trust.id}`,
    expect: '401 200 200 200 200 200 200 200 200 200 200',
  },
  'POST /api/v1/people': {
    path: () => '/api/v1/people',
    body: BAD,
    expect: '401 400 403 403 403 403 403 403 403 403 403',
  },
  'GET /api/v1/people': { path: () => '/api/v1/people', expect: '401 200 200 200 200 200 200 200 403 403 403' },
  'PATCH /api/v1/people/{id}': {
    path: (s) => `/api/v1/people/${s.w.panel[2].id}`,
    body: BAD,
    expect: '401 400 403 403 403 403 403 403 403 403 403',
  },
  'GET /api/v1/people/{id}': {
    path: (s) => `/api/v1/people/${s.w.panel[2].id}`,
    expect: '401 200 403 403 403 403 403 403 403 403 403',
  },
  'POST /api/v1/people/{id}/affiliations': {
    path: (s) => `/api/v1/people/${s.w.panel[2].id}/affiliations`,
    body: BAD,
    expect: '401 400 403 403 403 403 403 403 403 403 403',
  },

  // cases
  'POST /api/v1/cases': {
    path: () => '/api/v1/cases',
    body: BAD,
    expect: '401 403 400 403 400 400 400 400 403 403 403',
  },
  'POST /api/v1/cases#other-consortium': {
    path: () => '/api/v1/cases',
    body: (s) => ({ ...caseBody(s), panelPersonIds: [s.w.panel[1].id, s.w.panel[2].id] }),
    // a valid body for the case's consortium: only its commissioners may raise it (the otherCommissioner: 403)
    expect: '401 403 201 403 201 403 201 201 403 403 403',
  },
  'GET /api/v1/cases': { path: () => '/api/v1/cases', expect: '401 200 200 200 200 200 200 200 200 200 200' },
  'GET /api/v1/cases/{id}': {
    path: (s) => `/api/v1/cases/${s.caseId}`,
    expect: '401 404 200 200 200 404 200 200 404 404 404',
  },
  'POST /api/v1/cases/{id}/events': {
    path: (s) => `/api/v1/cases/${s.caseId}/events`,
    body: BAD,
    expect: '401 404 400 400 400 404 400 400 404 404 404',
  },
  'POST /api/v1/cases/{id}/events#PROPOSE_AWARD': {
    path: (s) => `/api/v1/cases/${s.caseId}/events`,
    body: (s) => ({ type: 'PROPOSE_AWARD', bidId: s.bidId, justification: 'matrix' }),
    // off the panel 403; nothing scored yet: 422 SCORING_INCOMPLETE; excluded: 422 EXCLUDED_BY_CONFLICT
    expect: '401 404 403 403 403 404 422 422 404 404 404',
  },
  'POST /api/v1/cases/{id}/events#CANCEL': {
    path: (s) => `/api/v1/cases/${s.caseId}/events`,
    body: () => ({ type: 'CANCEL', reasonCode: 'nonsense' }),
    // may cancel: 400 (bad reason code); excluded members may not: 422 comes after 400, so 400 too
    expect: '401 404 400 400 400 404 400 400 404 404 404',
  },
  'GET /api/v1/cases/{id}/history': {
    path: (s) => `/api/v1/cases/${s.caseId}/history`,
    expect: '401 404 200 200 200 404 200 200 404 404 404',
  },
  'GET /api/v1/cases/{id}/history/verify': {
    path: (s) => `/api/v1/cases/${s.caseId}/history/verify`,
    expect: '401 404 200 200 200 404 200 200 404 404 404',
  },
  'GET /api/v1/me/tasks': { path: () => '/api/v1/me/tasks', expect: '401 200 200 200 200 200 200 200 200 200 200' },
  'GET /api/v1/statechart': { path: () => '/api/v1/statechart', expect: '401 200 200 200 200 200 200 200 200 200 200' },

  // conflicts
  'POST /api/v1/interests': {
    path: () => '/api/v1/interests',
    body: BAD,
    expect: '401 400 400 400 400 400 400 400 400 400 400',
  },
  'GET /api/v1/interests': { path: () => '/api/v1/interests', expect: '401 403 200 200 200 200 200 200 200 200 200' },
  // a nil return for the caller (no body): the one write here that changes something, harmlessly
  'POST /api/v1/interests/nil-returns': {
    path: () => '/api/v1/interests/nil-returns',
    body: BAD,
    expect: '401 403 201 201 201 201 201 201 201 201 201',
  },
  'GET /api/v1/interests/overdue': {
    path: () => '/api/v1/interests/overdue',
    expect: '401 403 403 200 403 403 403 403 403 403 403',
  },
  'GET /api/v1/registers/interests': {
    path: () => '/api/v1/registers/interests',
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },
  'POST /api/v1/cases/{id}/panel': {
    path: (s) => `/api/v1/cases/${s.caseId}/panel`,
    body: BAD,
    expect: '401 404 400 400 400 404 400 400 404 404 404',
  },
  'DELETE /api/v1/cases/{id}/panel/{personId}': {
    path: (s) => `/api/v1/cases/${s.caseId}/panel/${s.w.panel[2].id}`,
    // the panel is fixed after the conflict check: 409 for those who may change it
    expect: '401 404 409 409 409 404 409 409 404 404 404',
  },
  'POST /api/v1/cases/{id}/declarations': {
    path: (s) => `/api/v1/cases/${s.caseId}/declarations`,
    body: BAD,
    expect: '401 404 403 403 403 404 400 400 404 404 404',
  },
  'POST /api/v1/cases/{id}/declarations/{declarationId}/review': {
    path: (s) => `/api/v1/cases/${s.caseId}/declarations/${s.declarationId}/review`,
    body: BAD,
    expect: '401 404 403 400 403 404 403 403 404 404 404',
  },

  // tendering
  'GET /api/v1/tenders': { path: () => '/api/v1/tenders', expect: '401 200 200 200 200 200 200 200 200 200 200' },
  'GET /api/v1/tenders/{caseId}': {
    path: (s) => `/api/v1/tenders/${s.caseId}`,
    expect: '401 200 200 200 200 200 200 200 200 200 200',
  },
  'POST /api/v1/tenders/{caseId}/questions': {
    path: (s) => `/api/v1/tenders/${s.caseId}/questions`,
    body: BAD,
    expect: '401 403 403 403 403 403 403 403 400 400 400',
  },
  'POST /api/v1/tenders/{caseId}/questions/{questionId}/answer': {
    path: (s) => `/api/v1/tenders/${s.caseId}/questions/${s.questionId}/answer`,
    body: BAD,
    expect: '401 403 400 403 400 400 400 400 403 403 403',
  },
  'GET /api/v1/tenders/{caseId}/bids': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids`,
    expect: '401 404 200 200 200 404 200 404 200 200 200',
  },
  'POST /api/v1/tenders/{caseId}/bids': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids`,
    body: BAD,
    expect: '401 403 403 403 403 403 403 403 400 400 400',
  },
  'GET /api/v1/tenders/{caseId}/bids/{bidId}': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids/${s.bidId}`,
    expect: '401 404 200 200 200 404 200 404 200 404 200',
  },
  'PUT /api/v1/tenders/{caseId}/bids/{bidId}': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids/${s.bidId}`,
    body: BAD,
    expect: '401 403 403 403 403 403 403 403 400 400 400',
  },
  'POST /api/v1/tenders/{caseId}/bids/{bidId}/withdraw': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids/${s.bidId}/withdraw`,
    // tendering has closed: the bidder gets 422 WINDOW_CLOSED, another provider 404
    expect: '401 403 403 403 403 403 403 403 422 404 422',
  },
  'GET /api/v1/tenders/{caseId}/bids/{bidId}/scores': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids/${s.bidId}/scores`,
    expect: '401 404 200 200 200 404 200 404 404 404 404',
  },
  'POST /api/v1/tenders/{caseId}/bids/{bidId}/scores': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids/${s.bidId}/scores`,
    body: BAD,
    expect: '401 403 403 403 403 403 400 400 403 403 403',
  },
  'GET /api/v1/bids': { path: () => '/api/v1/bids', expect: '401 403 403 403 403 403 403 403 200 200 200' },
  'GET /api/v1/cases/{id}/representations': {
    path: (s) => `/api/v1/cases/${s.caseId}/representations`,
    expect: '401 404 200 200 200 404 200 200 200 200 200',
  },
  'POST /api/v1/cases/{id}/representations': {
    path: (s) => `/api/v1/cases/${s.caseId}/representations`,
    body: BAD,
    expect: '401 403 403 403 403 403 403 403 400 400 400',
  },
  'POST /api/v1/cases/{id}/representations/{representationId}/resolve': {
    path: (s) => `/api/v1/cases/${s.caseId}/representations/${nobody()}/resolve`,
    body: BAD,
    expect: '401 403 403 400 403 403 403 403 403 403 403',
  },

  // documents (tendering has closed: uploads are 422 WINDOW_CLOSED for who may upload; the
  // tender's documents are public once published; bid documents as bid contents)
  'POST /api/v1/cases/{id}/documents': {
    path: (s) => `/api/v1/cases/${s.caseId}/documents`,
    body: BAD,
    expect: '401 404 403 403 422 404 422 422 404 404 404',
  },
  'GET /api/v1/cases/{id}/documents': {
    path: (s) => `/api/v1/cases/${s.caseId}/documents`,
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },
  'POST /api/v1/tenders/{caseId}/bids/{bidId}/documents': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids/${s.bidId}/documents`,
    body: BAD,
    expect: '401 403 403 403 403 403 403 403 422 404 422',
  },
  'GET /api/v1/tenders/{caseId}/bids/{bidId}/documents': {
    path: (s) => `/api/v1/tenders/${s.caseId}/bids/${s.bidId}/documents`,
    expect: '401 404 200 200 200 404 200 404 200 404 200',
  },
  'GET /api/v1/documents/{id}': {
    path: () => `/api/v1/documents/${nobody()}`,
    expect: '404 404 404 404 404 404 404 404 404 404 404',
  },
  'GET /api/v1/documents/{id}/content': {
    path: () => `/api/v1/documents/${nobody()}/content`,
    expect: '404 404 404 404 404 404 404 404 404 404 404',
  },

  // notices and the registers (transparency)
  'GET /api/v1/cases/{id}/notices': {
    path: (s) => `/api/v1/cases/${s.caseId}/notices`,
    expect: '401 404 200 200 200 404 200 200 404 404 404',
  },
  'GET /api/v1/registers/notices': {
    path: () => '/api/v1/registers/notices',
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },
  'GET /api/v1/registers/notices/{noticeId}': {
    path: () => `/api/v1/registers/notices/${nobody()}`,
    expect: '404 404 404 404 404 404 404 404 404 404 404',
  },
  'GET /api/v1/registers/decisions': {
    path: () => '/api/v1/registers/decisions',
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },
  'GET /api/v1/registers/decisions/summary': {
    path: (s) => `/api/v1/registers/decisions/summary?consortiumId=${s.w.consortiumId}&year=2026`,
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },
  'GET /api/v1/registers/decisions/{caseId}': {
    // the case in evaluation has no decision record yet
    path: (s) => `/api/v1/registers/decisions/${s.caseId}`,
    expect: '404 404 404 404 404 404 404 404 404 404 404',
  },
  'GET /api/v1/registers/decisions/{caseId}/verification': {
    path: () => `/api/v1/registers/decisions/${nobody()}/verification`,
    expect: '404 404 404 404 404 404 404 404 404 404 404',
  },

  // notifications
  'GET /api/v1/notifications': {
    path: () => '/api/v1/notifications',
    expect: '401 403 200 200 200 200 200 200 200 200 200',
  },
  'POST /api/v1/notifications/{id}/read': {
    path: () => `/api/v1/notifications/${nobody()}/read`,
    expect: '401 403 404 404 404 404 404 404 404 404 404',
  },

  // flags (on the make case in governance_review)
  'GET /api/v1/flags': { path: () => '/api/v1/flags', expect: '401 403 403 200 403 403 403 403 403 403 403' },
  'GET /api/v1/flags/{id}': {
    path: (s) => `/api/v1/flags/${s.flagId}`,
    expect: '401 404 403 200 403 404 403 403 404 404 404',
  },
  'POST /api/v1/flags/{id}/resolve': {
    path: (s) => `/api/v1/flags/${s.flagId}/resolve`,
    body: BAD,
    expect: '401 404 403 400 403 404 403 403 404 404 404',
  },
  'GET /api/v1/cases/{id}/flags': {
    path: (s) => `/api/v1/cases/${s.flagCaseId}/flags`,
    expect: '401 404 403 200 403 404 403 403 404 404 404',
  },

  // feed and webhooks
  'GET /api/v1/feed': { path: () => '/api/v1/feed', expect: '200 200 200 200 200 200 200 200 200 200 200' },
  'POST /api/v1/webhooks': {
    path: () => '/api/v1/webhooks',
    body: BAD,
    expect: '401 400 400 400 400 400 400 400 400 400 400',
  },
  'GET /api/v1/webhooks': { path: () => '/api/v1/webhooks', expect: '401 403 200 200 200 200 200 200 200 200 200' },
  'DELETE /api/v1/webhooks/{id}': {
    path: () => `/api/v1/webhooks/${nobody()}`,
    expect: '401 404 404 404 404 404 404 404 404 404 404',
  },
  'POST /api/v1/webhooks/{id}/rotate': {
    path: () => `/api/v1/webhooks/${nobody()}/rotate`,
    expect: '401 404 404 404 404 404 404 404 404 404 404',
  },
  'POST /api/v1/webhooks/{id}/test': {
    path: () => `/api/v1/webhooks/${nobody()}/test`,
    expect: '401 404 404 404 404 404 404 404 404 404 404',
  },
  'GET /api/v1/webhooks/{id}/deliveries': {
    path: () => `/api/v1/webhooks/${nobody()}/deliveries`,
    expect: '401 404 404 404 404 404 404 404 404 404 404',
  },
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    path: () => `/api/v1/webhooks/${nobody()}/deliveries/${u}/redeliver`,
    expect: '401 404 404 404 404 404 404 404 404 404 404',
  },

  // OCDS (public)
  'GET /api/v1/ocds/releases': {
    path: (s) => `/api/v1/ocds/releases?ocid=${s.ocid}`,
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },
  'GET /api/v1/ocds/releases/{id}': {
    path: () => `/api/v1/ocds/releases/${nobody()}`,
    expect: '404 404 404 404 404 404 404 404 404 404 404',
  },
  'GET /api/v1/ocds/records/{ocid}': {
    path: () => '/api/v1/ocds/records/ocds-mkbuy1-00000000-0000-4000-8000-000000000000',
    expect: '404 404 404 404 404 404 404 404 404 404 404',
  },
  'GET /api/v1/ocds/publication-policy': {
    path: () => '/api/v1/ocds/publication-policy',
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },

  // console
  'GET /api/v1/console/config': {
    path: () => '/api/v1/console/config',
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },
  'GET /api/v1/console/dev-people': {
    path: () => '/api/v1/console/dev-people',
    expect: '404 404 404 404 404 404 404 404 404 404 404',
  },
  'POST /api/v1/console/session': {
    path: () => '/api/v1/console/session',
    body: BAD,
    expect: '400 400 400 400 400 400 400 400 400 400 400',
  },
  'GET /api/v1/console/session': {
    path: () => '/api/v1/console/session',
    expect: '401 200 200 200 200 200 200 200 200 200 200',
  },
  'DELETE /api/v1/console/session': {
    path: () => '/api/v1/console/session',
    expect: '200 200 200 200 200 200 200 200 200 200 200',
  },
};

const caseBody = (s: Scene) => ({
  title: 'Matrix case',
  serviceName: 'Dermatology',
  consortiumId: s.w.consortiumId,
  fromSetting: 'secondary',
  toSetting: 'primary',
  estimatedAnnualValue: { amount: 100000, currency: 'GBP' },
  termMonths: 12,
  track: 'fast',
  panelPersonIds: s.w.panel.map((p) => p.id),
});

describe('permission matrix: every operation x every kind of caller', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let s: Scene;
  const tokens = {} as Record<Caller, string | null>;
  let operations: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ suite: 'permission_matrix', timeAcceleration: 1_000_000 });
    g = given(t);
    const w = await g.world();
    const other = await g.world();
    const [partner, neutral] = w.panel;
    const bidder = w.providerUsers[w.trust.id];
    const c = await g.caseInRouteDecision(w, {}, { [partner.id]: 'exclude_entirely' });
    await g.event(neutral.token, c.id, {
      type: 'DECIDE_BUY',
      criteria: g.criteria,
      tenderClosesAt: new Date(Date.now() + 3000).toISOString(),
    });
    const q = await g.post(bidder.token, `/tenders/${c.id}/questions`, { text: 'TUPE?' }, 201);
    await g.post(neutral.token, `/tenders/${c.id}/questions/${q.body.id}/answer`, { text: 'Yes' }, 200);
    const bid = await g.bid(bidder, c.id);
    const view = await g.waitForState(w.governance.token, c.id, 'evaluation', 30_000);
    const f = await g.caseInRouteDecision(w, { title: 'Matrix make case' });
    await g.event(neutral.token, f.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[1].id],
      psrProcess: 'direct_award_c',
      justification: 'matrix',
    });
    const review = await g.waitForState(w.governance.token, f.id, 'governance_review', 30_000);
    s = {
      w,
      caseId: c.id,
      ocid: view.ocid,
      bidId: bid.id,
      questionId: q.body.id,
      declarationId: view.declarations.find((d: { personId: string }) => d.personId === w.panel[2].id).id,
      flagCaseId: f.id,
      flagId: review.flags.find((x: { code: string }) => x.code === 'MEMBER_PRACTICE_AWARD').id,
    };
    const who = (p: Person) => p.token;
    Object.assign(tokens, {
      none: null,
      admin: await t.token(`matrix-admin-${randomUUID()}`, ['admin']),
      commissioner: who(w.commissioner2),
      governance: who(w.governance),
      creator: who(w.commissioner),
      otherCommissioner: who(other.commissioner),
      panel: who(neutral),
      excluded: who(partner),
      bidder: who(bidder),
      nonBidder: who(w.providerUsers[w.independent.id]),
      liar: await t.token(bidder.id, ['provider', 'governance']),
    });
    const doc = (await t.http.get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
  });
  afterAll(() => t?.close());

  it('every operation of the served document has a row, and every row an operation', () => {
    expect(operations.length).toBeGreaterThan(50);
    const rows = new Set(Object.keys(TABLE).map((k) => k.split('#')[0]));
    expect(operations.filter((o) => !rows.has(o))).toEqual([]);
    expect([...rows].filter((r) => !operations.includes(r))).toEqual([]);
  });

  it('every cell answers the status written in the table', async () => {
    const differing: string[] = [];
    for (const [key, row] of Object.entries(TABLE)) {
      const [method] = key.split('#')[0].split(' ');
      const expected = row.expect.trim().split(/\s+/).map(Number);
      expect({ key, cells: expected.length }).toEqual({ key, cells: CALLERS.length });
      for (const [i, caller] of CALLERS.entries()) {
        let req = t.http[method.toLowerCase() as 'get'](row.path(s));
        const token = tokens[caller];
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        const res = row.body ? await req.send(row.body(s) as object) : await req;
        if (res.status !== expected[i])
          differing.push(`${key} as ${caller}: expected ${expected[i]}, got ${res.status} ${res.body?.code ?? ''}`);
      }
    }
    expect(differing).toEqual([]);
  });
});
