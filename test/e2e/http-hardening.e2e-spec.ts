import { DataSource } from 'typeorm';
import { SignJWT } from 'jose';
import type { Response } from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { given } from '../support/given';

/** Bad input is a 400 problem that changes nothing; tokens live a bounded time; private answers are not cached. */
describe('HTTP hardening', () => {
  let t: TestApp;
  let admin: string;
  let doc: { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };

  beforeAll(async () => {
    t = await startTestApp({ suite: 'http_hardening', worker: false });
    admin = await t.adminToken();
    doc = (await t.http.get('/docs-json')).body;
  });
  afterAll(() => t.close());

  const expectProblem = (res: Response, status: number, code: string) => {
    expect({ status: res.status, type: res.headers['content-type'], code: res.body.code }).toEqual({
      status,
      type: expect.stringMatching(/^application\/problem\+json/),
      code,
    });
  };
  const consortia = async () => Number((await t.app.get(DataSource).query(`SELECT count(*) FROM consortia`))[0].count);

  describe('input guard', () => {
    const post = (raw: string) =>
      t.http
        .post('/api/v1/consortia')
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'application/json')
        .send(raw);

    it.each([
      ['a NUL character', '{"name":"Riverside\\u0000"}', 'name'],
      ['a lone surrogate', '{"name":"Riverside \\ud83d"}', 'name'],
      ['a __proto__ key', '{"name":"Riverside","__proto__":{"admin":true}}', '__proto__'],
      ['a constructor key', '{"name":"Riverside","constructor":{"prototype":{}}}', 'constructor'],
      ['JSON nested 3,000 deep', `{"name":"Riverside","x":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`, /^x\.a/],
    ])('refuses %s with 400 VALIDATION_FAILED naming the field, writing nothing', async (_what, raw, field) => {
      const before = await consortia();
      const res = await post(raw);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors[0].field).toEqual(typeof field === 'string' ? field : expect.stringMatching(field));
      expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at |stack/);
      expect(await consortia()).toBe(before);
    });

    it('still answers 401 before 400 (the contract order)', async () => {
      const res = await t.http
        .post('/api/v1/consortia')
        .set('Content-Type', 'application/json')
        .send('{"name":"x\\u0000"}');
      expectProblem(res, 401, 'UNAUTHENTICATED');
    });

    it('refuses a forged cursor with 400 on every list the document declares', async () => {
      const w = await given(t).world();
      const forged = [
        Buffer.from(JSON.stringify({ t: '2020-01-01T00:00:00+99:00', id: 'x' })).toString('base64url'),
        Buffer.from(JSON.stringify({ t: new Date().toISOString(), id: w.consortiumId })).toString('base64url') +
          '.AAAAAAAAAAAAAAAAAAAAAA',
        'garbage',
      ];
      const lists = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([m, op]) => m === 'get' && op.parameters?.some((p) => p.in === 'query' && p.name === 'cursor'))
          .map(() => path),
      );
      expect(lists.length).toBeGreaterThanOrEqual(10);
      const tokens = [admin, w.commissioner.token, w.governance.token, w.providerUsers[w.trust.id].token];
      const answers: string[] = [];
      for (const path of lists) {
        const url = path.replace(/\{[^}]+\}/g, w.consortiumId);
        for (const cursor of forged) {
          // the first role that may read the list must get the 400 (others may stop earlier at 403/404)
          const statuses: number[] = [];
          for (const tok of tokens) {
            const res = await t.http.get(url).query({ cursor }).set('Authorization', `Bearer ${tok}`);
            expect(res.status).toBeLessThan(500);
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
            statuses.push(res.status);
            if (res.status === 400) expect(res.body.code).toBe('VALIDATION_FAILED');
          }
          answers.push(`${path}: ${statuses.includes(400) || statuses.every((s) => s === 404) ? 'refused' : statuses}`);
        }
      }
      expect(answers.filter((a) => !a.endsWith('refused'))).toEqual([]);
    });

    it('answers headers larger than the server accepts with a 431 problem', async () => {
      const res = await t.http.get('/api/v1/providers').set('X-Padding', 'x'.repeat(20_000));
      expect(res.status).toBe(431);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('HEADERS_TOO_LARGE');
    });
  });

  describe('token life (AUTH_MAX_TOKEN_AGE, default 24h)', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const sign = (claims: { iat?: number; exp: number }) => {
      const jwt = new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('admin-age');
      if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
      return jwt.setExpirationTime(claims.exp).sign(new TextEncoder().encode(t.config.jwtSecret));
    };
    const call = async (token: string) => t.http.get('/api/v1/providers').set('Authorization', `Bearer ${token}`);

    it.each([
      ['exp 1e12', { iat: now(), exp: 1e12 }],
      ['exp - iat over 24h', { iat: now() - 60, exp: now() + 24 * 3600 }],
      ['no iat and exp - now over 24h', { exp: now() + 24 * 3600 + 120 }],
      ['iat in the future beyond the clock skew', { iat: now() + 600, exp: now() + 3600 }],
    ])('refuses %s with 401', async (_what, claims) => {
      expectProblem(await call(await sign(claims)), 401, 'UNAUTHENTICATED');
    });

    it.each([
      ['12h with iat', { iat: now(), exp: now() + 12 * 3600 }],
      ['23h without iat', { exp: now() + 23 * 3600 }],
      ['iat a few seconds ahead (clock skew)', { iat: now() + 20, exp: now() + 3600 }],
    ])('accepts %s', async (_what, claims) => {
      expect((await call(await sign(claims))).status).toBe(200);
    });
  });

  describe('Cache-Control', () => {
    it('is no-store on every authenticated answer, errors included', async () => {
      for (const res of [
        await t.http.get('/api/v1/providers').set('Authorization', `Bearer ${admin}`),
        await t.http
          .get(`/api/v1/consortia/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)
          .set('Authorization', `Bearer ${admin}`),
        await t.http.post('/api/v1/consortia').set('Authorization', `Bearer ${admin}`).send({ name: 'Cache test' }),
        await t.http.get('/api/v1/providers').set('Authorization', 'Bearer not-a-token'),
      ])
        expect({ status: res.status, cache: res.headers['cache-control'] }).toEqual({
          status: res.status,
          cache: 'no-store',
        });
    });
  });

  describe('HTTP server', () => {
    it('builds every request and response with Express’s prototypes, so Express never changes them', async () => {
      const server = t.app.getHttpServer() as import('node:http').Server;
      const app = t.app.getHttpAdapter().getInstance() as { request: object; response: object };
      const seen: { path: string; req: boolean; res: boolean }[] = [];
      const look = (req: { url?: string }, res: object) =>
        seen.push({
          path: req.url ?? '',
          req: Object.getPrototypeOf(req) === app.request,
          res: Object.getPrototypeOf(res) === app.response,
        });
      server.prependListener('request', look);
      try {
        expect((await t.http.get('/health')).status).toBe(200);
        expect((await t.http.get('/api/v1/providers').set('Authorization', `Bearer ${admin}`)).status).toBe(200);
        expect((await t.http.get('/api/v1/no-such-thing')).status).toBe(404);
      } finally {
        server.removeListener('request', look);
      }
      expect(seen).toEqual(
        ['/health', '/api/v1/providers', '/api/v1/no-such-thing'].map((path) => ({ path, req: true, res: true })),
      );
    });
  });
});
