/**
 * Template cases driven through the real API (every row they get is written by the app itself),
 * for bench/clone.js to copy in SQL. A world is a consortium with its people and two outside
 * providers with a bid manager each.
 */
const criteria = [
  { key: 'quality_innovation', weight: 30 },
  { key: 'value', weight: 30 },
  { key: 'integration_collaboration_sustainability', weight: 20 },
  { key: 'access_inequalities_choice', weight: 10 },
  { key: 'social_value', weight: 10 },
];
const responses = Object.fromEntries(criteria.map((c) => [c.key, `Our approach to ${c.key}`]));

function client(base, token) {
  const call = async (method, path, tok, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => null);
    return { status: res.status, json, retryAfter: res.headers.get('retry-after') };
  };
  const api = async (method, path, tok, body) => {
    const r = await call(method, path, tok, body);
    if (r.status >= 300) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  return { call, api, token };
}

let uniq = 0;
/** A consortium, a commissioner, a governance officer, three panel members, two providers with a bid manager each. */
async function world(http, label = 'Bench') {
  const { api, token } = http;
  const adminTok = await token('bench-admin', ['admin']);
  const tag = `${Date.now().toString(36)}${(uniq++).toString(36)}`;
  const c = await api('POST', '/api/v1/consortia', adminTok, { name: `${label} consortium ${tag}` });
  const person = async (name, roles, extra = {}) => {
    const p = await api('POST', '/api/v1/people', adminTok, {
      name,
      email: `${name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '.')
        .replace(/^\.|\.$/g, '')}.${tag}@bench.example`,
      roles,
      ...extra,
    });
    return { id: p.id, token: await token(p.id, roles) };
  };
  const commissioner = await person(`${label} Commissioner`, ['commissioner'], { consortiumId: c.id });
  const governance = await person(`${label} Governance`, ['governance'], { consortiumId: c.id });
  const panel = [];
  for (let i = 0; i < 3; i++)
    panel.push(await person(`${label} Panel ${'abc'[i]}`, ['commissioner'], { consortiumId: c.id }));
  const providers = [];
  for (const [name, kind] of [
    [`${label} Hospitals NHS Trust ${tag}`, 'nhs_trust'],
    [`${label} SkinCare Ltd ${tag}`, 'independent'],
  ]) {
    const p = await api('POST', '/api/v1/providers', adminTok, { name, kind });
    providers.push({ id: p.id, user: await person(`Bid Manager ${name}`, ['provider'], { providerId: p.id }) });
  }
  const caseBody = {
    title: `${label} community dermatology redesign`,
    serviceName: 'Dermatology',
    consortiumId: c.id,
    fromSetting: 'secondary',
    toSetting: 'primary',
    estimatedAnnualValue: { amount: 100000, currency: 'GBP' },
    termMonths: 24,
    track: 'fast',
    panelPersonIds: panel.map((p) => p.id),
  };
  return { consortiumId: c.id, commissioner, governance, panel, providers, caseBody };
}

/** Every id of a world that a clone may be moved to another world by (old world id -> new world id). */
function worldIds(w) {
  return [
    w.consortiumId,
    w.commissioner.id,
    w.governance.id,
    ...w.panel.map((p) => p.id),
    ...w.providers.flatMap((p) => [p.id, p.user.id]),
  ];
}

/** Drives one case to `state` through the API: draft, conflict_check, route_decision, tendering (two bids), cancelled. */
async function templateCase(http, w, state) {
  const { api } = http;
  const ev = (id, tok, body) => api('POST', `/api/v1/cases/${id}/events`, tok, body);
  const c = await api('POST', '/api/v1/cases', w.commissioner.token, {
    ...w.caseBody,
    title: `${w.caseBody.title} (${state})`,
  });
  if (state === 'draft') return c.id;
  await ev(c.id, w.commissioner.token, { type: 'SUBMIT' });
  if (state === 'conflict_check') return c.id;
  if (state === 'cancelled') {
    await ev(c.id, w.commissioner.token, { type: 'CANCEL', reasonCode: 'budget', note: 'bench' });
    return c.id;
  }
  for (const m of w.panel) {
    const d = await api('POST', `/api/v1/cases/${c.id}/declarations`, m.token, { interestIds: [], nilReturn: true });
    await api('POST', `/api/v1/cases/${c.id}/declarations/${d.id}/review`, w.governance.token, {
      mitigation: 'none',
      note: 'reviewed',
    });
  }
  await ev(c.id, w.governance.token, { type: 'COMPLETE_CONFLICT_CHECK' });
  if (state === 'route_decision') return c.id;
  await ev(c.id, w.panel[1].token, { type: 'DECIDE_BUY', criteria });
  for (const [i, p] of w.providers.entries())
    await api('POST', `/api/v1/tenders/${c.id}/bids`, p.user.token, {
      price: { amount: 90000 + i * 5000, currency: 'GBP' },
      responses,
    });
  if (state === 'tendering') return c.id;
  throw new Error(`no template for ${state}`);
}

module.exports = { client, world, worldIds, templateCase, criteria };
