import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { startTestApp, TestApp } from '../support/test-app';
import { given } from '../support/given';

/** What a log reader sees: no token, no secret, and no tender linked to a bid route before close. */
describe('log hygiene', () => {
  let t: TestApp;
  let capturing = false;
  const captured: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      if (capturing) captured.push(String(chunk));
      done();
    },
  });

  beforeAll(async () => {
    t = await startTestApp({ suite: 'log_hygiene', worker: false, env: { LOG_LEVEL: 'info' }, logDestination: sink });
  });
  afterAll(() => t.close());

  it('logs bid routes, tokens in query strings and errors without the secrets they carry', async () => {
    const g = given(t);
    const w = await g.world();
    const tender = await g.caseInTendering(w);
    const bidder = w.providerUsers[w.trust.id];
    const commissioner = w.commissioner.token;

    capturing = true;
    // a token in the query string (refused: tokens go in the Authorization header)
    await t.http.get(`/api/v1/cases?access_token=${commissioner}`);
    await t.http.get(`/api/v1/cases?limit=5&token=${commissioner}`).set('Authorization', `Bearer ${commissioner}`);
    // bid routes in mixed case: the router ignores case, so must the mask
    const bid = await t.http
      .post(`/api/v1/Tenders/${tender.id}/Bids`)
      .set('Authorization', `Bearer ${bidder.token}`)
      .send({ price: { amount: 100000, currency: 'GBP' }, responses: g.responses });
    expect(bid.status).toBe(201);
    const sealed = await t.http.get(`/api/v1/TENDERS/${tender.id}/BIDS`).set('Authorization', `Bearer ${commissioner}`);
    expect(sealed.body.code).toBe('BIDS_SEALED');
    await t.http.get(`/api/v1/tenders/${tender.id}/bids/${bid.body.id}?access_token=${bidder.token}`);
    await t.http
      .put(`/api/v1/tEnDeRs/${tender.id}/bIdS/${bid.body.id}`)
      .set('Authorization', `Bearer ${bidder.token}`)
      .send({ price: { amount: 90000, currency: 'GBP' }, responses: g.responses });
    // a bad token in the header
    await t.http.get('/api/v1/cases').set('Authorization', `Bearer ${commissioner}x`);
    await new Promise((r) => setTimeout(r, 200)); // let the log stream drain
    capturing = false;

    const log = captured.join('');
    const requests = captured.filter((l) => l.includes('"req"'));
    // the run was logged (else this test could not fail)
    expect(requests.length).toBeGreaterThanOrEqual(6);
    expect(log).toMatch(/\[sealed\]\/B(?:IDS|ids)/);
    for (const secret of [commissioner, bidder.token, t.config.jwtSecret, tender.id])
      expect({ leaked: log.includes(secret) ? secret : null }).toEqual({ leaked: null });
    expect(log).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
  });

  it('names a rejected AUTH_JWT_SECRET at boot without printing it', () => {
    const secret = 'sh0rt-s3cret';
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', 'apps/main.ts'], {
      env: { ...process.env, NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', AUTH_JWT_SECRET: secret },
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('AUTH_JWT_SECRET');
    expect(r.stdout + r.stderr).not.toContain(secret);
  });
});
