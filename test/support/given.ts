import type { Role } from '@makebuy/domain';
import { eventually, TestApp } from './test-app';

export interface Person {
  id: string;
  name: string;
  token: string;
}
export interface ProviderUser extends Person {
  providerId: string;
}

/** A whole directory as the seed builds it: a consortium with five member practices, three outside
 * providers, commissioners, a governance officer, panel members and a user for each provider. */
export interface World {
  consortiumId: string;
  memberPractices: { id: string; name: string }[];
  trust: { id: string; name: string };
  independent: { id: string; name: string };
  socialEnterprise: { id: string; name: string };
  commissioner: Person;
  commissioner2: Person;
  governance: Person;
  panel: Person[];
  /** panel[0] is a GP partner at memberPractices[0] */
  gpPartner: Person;
  /** panel[1]: the unconflicted panel commissioner who decides (v1.1: decisions come from the panel,
   * not from the case's creator) */
  decider: Person;
  providerUsers: Record<string, ProviderUser>;
  outsider: Person;
}

/** One row of GET /cases/{id}/history. */
export interface HistoryRow {
  seq: number;
  at: string;
  actor: string;
  type: string;
  fromState: string | null;
  toState: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export function given(t: TestApp) {
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  let counter = 0;
  const uniq = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

  async function post(token: string, path: string, body: unknown, expectStatus?: number) {
    const res = await t.http
      .post(`/api/v1${path}`)
      .set(auth(token))
      .send(body as object);
    if (expectStatus !== undefined && res.status !== expectStatus) {
      throw new Error(`POST ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res;
  }
  async function get(token: string, path: string) {
    return t.http.get(`/api/v1${path}`).set(auth(token));
  }

  async function person(
    admin: string,
    name: string,
    roles: Role[],
    extra: { consortiumId?: string; providerId?: string } = {},
  ) {
    const res = await post(
      admin,
      '/people',
      {
        name,
        email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${uniq()}@example.org`,
        roles: roles.filter((r) => r !== 'admin'),
        ...extra,
      },
      201,
    );
    return { id: res.body.id as string, name, token: await t.token(res.body.id, roles) };
  }

  async function world(): Promise<World> {
    const admin = await t.adminToken();
    const c = await post(admin, '/consortia', { name: `Riverside GP Consortium ${uniq()}` }, 201);
    const consortiumId = c.body.id as string;
    const memberPractices = [];
    for (const n of [
      'Riverside Medical Practice',
      'Hillview Surgery',
      'Bridge Street Health Centre',
      'Meadowbank Practice',
      'Old Town Surgery',
    ]) {
      const p = await post(
        admin,
        '/providers',
        { name: n, kind: 'gp_practice', memberOfConsortiumId: consortiumId },
        201,
      );
      memberPractices.push({ id: p.body.id as string, name: n });
    }
    const mk = async (name: string, kind: string) => {
      const p = await post(admin, '/providers', { name, kind }, 201);
      return { id: p.body.id as string, name };
    };
    const trust = await mk('City Hospitals NHS Trust', 'nhs_trust');
    const independent = await mk('SkinCare Partners Ltd', 'independent');
    const socialEnterprise = await mk('Community Health CIC', 'social_enterprise');
    const commissioner = await person(admin, 'Dr Claire Commissioner', ['commissioner'], { consortiumId });
    const commissioner2 = await person(admin, 'Dr Colin Commissioner', ['commissioner'], { consortiumId });
    const governance = await person(admin, 'Grace Governance', ['governance'], { consortiumId });
    const panel = [
      await person(admin, 'Dr Paul Partner', ['commissioner'], { consortiumId }),
      await person(admin, 'Dr Nina Neutral', ['commissioner'], { consortiumId }),
      await person(admin, 'Ms Lay Member', ['commissioner'], { consortiumId }),
    ];
    await post(
      admin,
      `/people/${panel[0].id}/affiliations`,
      { providerId: memberPractices[0].id, relationship: 'partner' },
      201,
    );
    const providerUsers: Record<string, ProviderUser> = {};
    for (const p of [...memberPractices, trust, independent, socialEnterprise]) {
      const u = await person(admin, `Bid Manager ${p.name}`, ['provider'], { providerId: p.id });
      providerUsers[p.id] = { ...u, providerId: p.id };
    }
    const outsider = await person(admin, 'Oscar Outsider', ['commissioner']);
    return {
      consortiumId,
      memberPractices,
      trust,
      independent,
      socialEnterprise,
      commissioner,
      commissioner2,
      governance,
      panel,
      gpPartner: panel[0],
      decider: panel[1],
      providerUsers,
      outsider,
    };
  }

  const caseBody = (w: World, over: Record<string, unknown> = {}) => ({
    title: 'Community dermatology redesign',
    serviceName: 'Dermatology',
    consortiumId: w.consortiumId,
    fromSetting: 'secondary',
    toSetting: 'primary',
    estimatedAnnualValue: { amount: 250000, currency: 'GBP' },
    termMonths: 36,
    track: 'fast',
    panelPersonIds: w.panel.map((p) => p.id),
    ...over,
  });

  async function event(token: string, caseId: string, body: Record<string, unknown>, expectStatus = 200) {
    return post(token, `/cases/${caseId}/events`, body, expectStatus);
  }

  async function draftCase(w: World, over: Record<string, unknown> = {}) {
    const res = await post(w.commissioner.token, '/cases', caseBody(w, over), 201);
    return res.body as { id: string; version: number; state: string };
  }

  async function caseInConflictCheck(w: World, over: Record<string, unknown> = {}) {
    const c = await draftCase(w, over);
    await event(w.commissioner.token, c.id, { type: 'SUBMIT' });
    return c;
  }

  /** every panel member declares (nil return unless told) and governance reviews with `none` */
  async function declareAndReview(
    w: World,
    caseId: string,
    mitigations: Record<string, string> = {},
    members: Person[] = w.panel,
  ) {
    for (const m of members) {
      const d = await post(m.token, `/cases/${caseId}/declarations`, { interestIds: [], nilReturn: true }, 201);
      await post(
        w.governance.token,
        `/cases/${caseId}/declarations/${d.body.id}/review`,
        { mitigation: mitigations[m.id] ?? 'none', note: 'reviewed' },
        201,
      );
    }
  }

  async function caseInRouteDecision(
    w: World,
    over: Record<string, unknown> = {},
    mitigations: Record<string, string> = {},
  ) {
    const c = await caseInConflictCheck(w, over);
    await declareAndReview(w, c.id, mitigations);
    await event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
    return c;
  }

  const criteria = [
    { key: 'quality_innovation', weight: 30 },
    { key: 'value', weight: 30 },
    { key: 'integration_collaboration_sustainability', weight: 20 },
    { key: 'access_inequalities_choice', weight: 10 },
    { key: 'social_value', weight: 10 },
  ];
  const responses = Object.fromEntries(criteria.map((c) => [c.key, `Our approach to ${c.key}`]));

  async function caseInTendering(
    w: World,
    opts: {
      over?: Record<string, unknown>;
      /** an instant, or a function read just before DECIDE_BUY (so the setup's own time does not eat the period) */
      tenderClosesAt?: string | (() => string);
      mitigations?: Record<string, string>;
    } = {},
  ) {
    const c = await caseInRouteDecision(w, opts.over, opts.mitigations);
    const res = await event(w.decider.token, c.id, {
      type: 'DECIDE_BUY',
      criteria,
      ...(opts.tenderClosesAt
        ? { tenderClosesAt: typeof opts.tenderClosesAt === 'function' ? opts.tenderClosesAt() : opts.tenderClosesAt }
        : {}),
    });
    return res.body as { id: string; version: number; tender: { closesAt: string } };
  }

  async function bid(u: ProviderUser, caseId: string, price = 200000) {
    const res = await post(
      u.token,
      `/tenders/${caseId}/bids`,
      { price: { amount: price, currency: 'GBP' }, responses },
      201,
    );
    return res.body as { id: string };
  }

  /** the whole history of a case (every page of GET /cases/{id}/history) */
  async function history(token: string, caseId: string) {
    const items: HistoryRow[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(token, `/cases/${caseId}/history?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      if (res.status !== 200) throw new Error(`history ${caseId} -> ${res.status} ${JSON.stringify(res.body)}`);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  async function waitForState(token: string, caseId: string, state: string, timeoutMs = 20000) {
    return eventually(async () => {
      const r = await get(token, `/cases/${caseId}`);
      return r.body.state === state ? r.body : null;
    }, timeoutMs);
  }

  async function score(evaluator: Person, caseId: string, bidId: string, value: number | Record<string, number>) {
    const scores = typeof value === 'number' ? Object.fromEntries(criteria.map((c) => [c.key, value])) : value;
    return post(evaluator.token, `/tenders/${caseId}/bids/${bidId}/scores`, { scores, comment: 'scored' }, 201);
  }

  return {
    auth,
    post,
    get,
    person,
    world,
    caseBody,
    event,
    draftCase,
    caseInConflictCheck,
    declareAndReview,
    caseInRouteDecision,
    caseInTendering,
    bid,
    score,
    waitForState,
    history,
    criteria,
    responses,
  };
}
