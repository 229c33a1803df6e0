import { startTestApp, TestApp } from '../support/test-app';

describe('foundation: auth, errors, validation, directory', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'foundation', worker: false });
    admin = await t.adminToken();
  });
  afterAll(() => t.close());

  const expectProblem = (
    res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
    status: number,
    code: string,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status,
      code,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat \w+ \(|\.ts:\d+/); // no stack trace
  };

  it('health answers without a token and reports both services', async () => {
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves the OpenAPI document listing the directory endpoints and the problem schema', async () => {
    const res = await t.http.get('/docs-json');
    expect(res.status).toBe(200);
    for (const p of [
      '/api/v1/consortia',
      '/api/v1/consortia/{id}',
      '/api/v1/providers',
      '/api/v1/people',
      '/api/v1/people/{id}',
      '/api/v1/people/{id}/affiliations',
    ]) {
      expect(res.body.paths[p]).toBeDefined();
    }
    expect(res.body.components.schemas.ProblemDetails).toBeDefined();
  });

  describe('auth', () => {
    it('a missing token gets 401 UNAUTHENTICATED', async () => {
      expectProblem(await t.http.get('/api/v1/providers'), 401, 'UNAUTHENTICATED');
    });
    it('alg none is refused', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(
        JSON.stringify({ sub: 'x', roles: ['admin'], exp: Math.floor(Date.now() / 1000) + 600 }),
      ).toString('base64url');
      expectProblem(
        await t.http.get('/api/v1/providers').set('Authorization', `Bearer ${header}.${payload}.`),
        401,
        'UNAUTHENTICATED',
      );
    });
    it('a bad signature is refused', async () => {
      const { signToken } = await import('@makebuy/auth');
      const forged = await signToken('another-secret-entirely-0123456789', 'x', ['admin']);
      expectProblem(
        await t.http.get('/api/v1/providers').set('Authorization', `Bearer ${forged}`),
        401,
        'UNAUTHENTICATED',
      );
    });
    it('an expired token is refused', async () => {
      const expired = await t.token('admin-x', ['admin'], Math.floor(Date.now() / 1000) - 60);
      expectProblem(
        await t.http.get('/api/v1/providers').set('Authorization', `Bearer ${expired}`),
        401,
        'UNAUTHENTICATED',
      );
    });
    it('a non-admin token must name a person in the directory', async () => {
      const tok = await t.token('00000000-0000-4000-8000-000000000000', ['commissioner']);
      expectProblem(
        await t.http.get('/api/v1/providers').set('Authorization', `Bearer ${tok}`),
        401,
        'UNAUTHENTICATED',
      );
    });
    it('an unknown role in the claim is refused', async () => {
      const { SignJWT } = await import('jose');
      const tok = await new SignJWT({ roles: ['superuser'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(t.config.jwtSecret));
      expectProblem(
        await t.http.get('/api/v1/providers').set('Authorization', `Bearer ${tok}`),
        401,
        'UNAUTHENTICATED',
      );
    });
    it('a wrong role gets 403 FORBIDDEN and writes nothing', async () => {
      const c = await t.http
        .post('/api/v1/consortia')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'Role test' });
      const person = await t.http
        .post('/api/v1/people')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'Cora', email: 'cora@example.org', consortiumId: c.body.id });
      const tok = await t.token(person.body.id, ['commissioner']);
      expectProblem(
        await t.http.post('/api/v1/consortia').set('Authorization', `Bearer ${tok}`).send({ name: 'Nope' }),
        403,
        'FORBIDDEN',
      );
    });
  });

  describe('validation and errors', () => {
    it('an unknown field gets 400 VALIDATION_FAILED naming the field, and nothing is written', async () => {
      const { DataSource } = await import('typeorm');
      const ds = t.app.get(DataSource);
      const before = Number((await ds.query('SELECT count(*) FROM consortia'))[0].count);
      const res = await t.http
        .post('/api/v1/consortia')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'X', colour: 'blue' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'colour' })]));
      const after = Number((await ds.query('SELECT count(*) FROM consortia'))[0].count);
      expect(after).toBe(before);
    });
    it('a bad enum value is a validation failure', async () => {
      const res = await t.http
        .post('/api/v1/providers')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'P', kind: 'hospital' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors[0].field).toBe('kind');
    });
    it('malformed JSON is a validation failure, not a 500', async () => {
      const res = await t.http
        .post('/api/v1/consortia')
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'application/json')
        .send('{"name":');
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });
    it('a malformed id is 404 NOT_FOUND (it names nothing)', async () => {
      expectProblem(
        await t.http.get('/api/v1/consortia/not-a-uuid').set('Authorization', `Bearer ${admin}`),
        404,
        'NOT_FOUND',
      );
    });
    it('an unknown id is 404 NOT_FOUND', async () => {
      expectProblem(
        await t.http
          .get('/api/v1/consortia/6f1c3c7e-1111-4111-8111-111111111111')
          .set('Authorization', `Bearer ${admin}`),
        404,
        'NOT_FOUND',
      );
    });
    it('an unknown route is a 404 problem', async () => {
      expectProblem(await t.http.get('/api/v1/nowhere').set('Authorization', `Bearer ${admin}`), 404, 'NOT_FOUND');
    });
    it('an oversized body is refused with 413', async () => {
      const res = await t.http
        .post('/api/v1/consortia')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'x'.repeat(200_000) });
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    });
    it('carries a request id', async () => {
      const res = await t.http
        .get('/api/v1/consortia/not-a-uuid')
        .set('Authorization', `Bearer ${admin}`)
        .set('X-Request-Id', 'req-123');
      expect(res.headers['x-request-id']).toBe('req-123');
      expect(res.body.requestId).toBe('req-123');
    });
  });

  describe('directory', () => {
    it('creates and reads consortia, providers, people and affiliations', async () => {
      const auth = { Authorization: `Bearer ${admin}` };
      const c = await t.http.post('/api/v1/consortia').set(auth).send({ name: 'North Riverside' });
      expect(c.status).toBe(201);
      expect(c.body).toMatchObject({ id: expect.any(String), name: 'North Riverside' });
      const got = await t.http.get(`/api/v1/consortia/${c.body.id}`).set(auth);
      expect(got.body).toEqual(c.body);

      const practice = await t.http
        .post('/api/v1/providers')
        .set(auth)
        .send({ name: 'Riverside Practice', kind: 'gp_practice', memberOfConsortiumId: c.body.id });
      expect(practice.status).toBe(201);
      expect(practice.body.memberOfConsortiumId).toBe(c.body.id);
      const trust = await t.http
        .post('/api/v1/providers')
        .set(auth)
        .send({ name: 'City Hospital NHS Trust', kind: 'nhs_trust' });
      expect(trust.body.memberOfConsortiumId).toBeNull();

      const badMember = await t.http
        .post('/api/v1/providers')
        .set(auth)
        .send({ name: 'Ghost', kind: 'gp_practice', memberOfConsortiumId: '6f1c3c7e-1111-4111-8111-111111111111' });
      expectProblem(badMember, 400, 'VALIDATION_FAILED');

      const gp = await t.http
        .post('/api/v1/people')
        .set(auth)
        .send({ name: 'Dr Asha Patel', email: 'asha@example.org', consortiumId: c.body.id });
      expect(gp.status).toBe(201);
      const dup = await t.http.post('/api/v1/people').set(auth).send({ name: 'Other', email: 'ASHA@example.org' });
      expect(dup.status).toBe(409);

      const aff = await t.http
        .post(`/api/v1/people/${gp.body.id}/affiliations`)
        .set(auth)
        .send({ providerId: practice.body.id, relationship: 'partner' });
      expect(aff.status).toBe(201);
      expect(aff.body).toMatchObject({ personId: gp.body.id, providerId: practice.body.id, relationship: 'partner' });
      const person = await t.http.get(`/api/v1/people/${gp.body.id}`).set(auth);
      expect(person.body.affiliations).toHaveLength(1);

      const members = await t.http.get(`/api/v1/providers?memberOfConsortiumId=${c.body.id}`).set(auth);
      expect(members.body.items.map((p: { id: string }) => p.id)).toEqual([practice.body.id]);
      expect(members.body.nextCursor).toBeNull();

      // a person can read directory lists with their own token
      const tok = await t.token(gp.body.id, ['commissioner']);
      expect((await t.http.get('/api/v1/providers').set('Authorization', `Bearer ${tok}`)).status).toBe(200);
      // but not people records
      expectProblem(
        await t.http.get(`/api/v1/people/${gp.body.id}`).set('Authorization', `Bearer ${tok}`),
        403,
        'FORBIDDEN',
      );
    });

    it('paginates providers with a cursor', async () => {
      const auth = { Authorization: `Bearer ${admin}` };
      for (let i = 0; i < 5; i++)
        await t.http
          .post('/api/v1/providers')
          .set(auth)
          .send({ name: `Page ${i}`, kind: 'independent' });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.http
          .get(`/api/v1/providers?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(auth);
        res.body.items.forEach((p) => seen.push(p.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      const all = await t.http.get('/api/v1/providers?limit=200').set(auth);
      // every provider once, in the one order (a cursor that lost precision repeated rows)
      expect(seen).toEqual(all.body.items.map((p: { id: string }) => p.id));
      expectProblem(await t.http.get('/api/v1/providers?limit=500').set(auth), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.get('/api/v1/providers?cursor=garbage').set(auth), 400, 'VALIDATION_FAILED');
    });

    it('Idempotency-Key returns the first response and creates nothing new', async () => {
      const auth = { Authorization: `Bearer ${admin}`, 'Idempotency-Key': 'key-1' };
      const a = await t.http.post('/api/v1/consortia').set(auth).send({ name: 'Once' });
      const b = await t.http.post('/api/v1/consortia').set(auth).send({ name: 'Once' });
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body.id).toBe(a.body.id);
      const c = await t.http.post('/api/v1/consortia').set(auth).send({ name: 'Different body' });
      expectProblem(c, 422, 'IDEMPOTENCY_KEY_REUSED');
    });
  });
});
