import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase, ensureDatabase, MIGRATIONS, runMigrations } from '@makebuy/database';
import { decodeJwt } from 'jose';
import { given } from '../support/given';
import { startTestApp, TestApp, testConfig } from '../support/test-app';

const run = promisify(execFile);

/** v1.1 "People, roles and who may act": roles live in the directory, tokens only narrow them. */
describe('people: directory roles and the auth guard', () => {
  let t: TestApp;
  let admin: string;
  let g: ReturnType<typeof given>;
  let consortiumId: string;
  let otherConsortiumId: string;
  let providerId: string;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'people', worker: false });
    admin = await t.adminToken();
    g = given(t);
    consortiumId = (await g.post(admin, '/consortia', { name: 'People consortium' }, 201)).body.id;
    otherConsortiumId = (await g.post(admin, '/consortia', { name: 'Elsewhere consortium' }, 201)).body.id;
    providerId = (await g.post(admin, '/providers', { name: 'Acme Health Ltd', kind: 'independent' }, 201)).body.id;
  });
  afterAll(() => t.close());

  let n = 0;
  const email = () => `person.${n++}.${Date.now()}@example.org`;
  const personBody = (over: Record<string, unknown>) => ({ name: `Person ${n}`, email: email(), ...over });
  const listIds = async (token: string, query: string) => {
    const res = await g.get(token, `/people${query}`);
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((p) => p.id);
  };

  it('POST /people stores roles; the invariants refuse a provider user with other roles and a provider without providerId', async () => {
    const gov = await g.post(
      admin,
      '/people',
      personBody({ consortiumId, roles: ['governance', 'commissioner'] }),
      201,
    );
    expect(gov.body.roles.sort()).toEqual(['commissioner', 'governance']);
    expect((await g.get(admin, `/people/${gov.body.id}`)).body.roles.sort()).toEqual(['commissioner', 'governance']);

    for (const body of [
      personBody({ providerId, roles: ['provider', 'commissioner'] }),
      personBody({ providerId, roles: ['governance'] }),
      personBody({ consortiumId, roles: ['provider'] }),
      personBody({ roles: ['admin'] }),
      personBody({ roles: 'commissioner' }),
    ]) {
      const res = await g.post(admin, '/people', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    // without roles: the migration's rule (providerId gives provider, consortiumId commissioner)
    expect((await g.post(admin, '/people', personBody({ providerId }), 201)).body.roles).toEqual(['provider']);
    expect((await g.post(admin, '/people', personBody({ consortiumId }), 201)).body.roles).toEqual(['commissioner']);
    expect((await g.post(admin, '/people', personBody({}), 201)).body.roles).toEqual([]);
  });

  it('PATCH /people/{id} (admin) changes roles, consortiumId, name and email under the same invariants', async () => {
    const p = await g.post(admin, '/people', personBody({ consortiumId, roles: ['commissioner'] }), 201);
    const newEmail = email();
    const res = await t.http
      .patch(`/api/v1/people/${p.body.id}`)
      .set(g.auth(admin))
      .send({ roles: ['governance'], consortiumId: otherConsortiumId, name: 'Renamed', email: newEmail });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      roles: ['governance'],
      consortiumId: otherConsortiumId,
      name: 'Renamed',
      email: newEmail,
    });
    const cleared = await t.http.patch(`/api/v1/people/${p.body.id}`).set(g.auth(admin)).send({ consortiumId: null });
    expect(cleared.body.consortiumId).toBeNull();

    const pu = await g.post(admin, '/people', personBody({ providerId }), 201);
    const bad = await t.http
      .patch(`/api/v1/people/${pu.body.id}`)
      .set(g.auth(admin))
      .send({ roles: ['governance'] });
    expect(bad.status).toBe(400);
    const unknown = await t.http.patch(`/api/v1/people/${pu.body.id}`).set(g.auth(admin)).send({ providerId: null });
    expect(unknown.status).toBe(400); // providerId is not changeable
    expect((await g.get(admin, `/people/${pu.body.id}`)).body.roles).toEqual(['provider']);

    const someone = await g.person(admin, 'Not An Admin', ['commissioner'], { consortiumId });
    const forbidden = await t.http.patch(`/api/v1/people/${p.body.id}`).set(g.auth(someone.token)).send({ name: 'x' });
    expect(forbidden.status).toBe(403);
    const missing = await t.http
      .patch('/api/v1/people/00000000-0000-4000-8000-000000000000')
      .set(g.auth(admin))
      .send({ name: 'x' });
    expect(missing.status).toBe(404);
  });

  it('GET /people?role=&consortiumId=: admin and governance see everyone, a commissioner its own consortium, a provider nobody', async () => {
    const mine = await g.person(admin, 'Cathy Commissioner', ['commissioner'], { consortiumId });
    const theirs = await g.person(admin, 'Theo Commissioner', ['commissioner'], { consortiumId: otherConsortiumId });
    const gov = await g.person(admin, 'Gail Governance', ['governance'], { consortiumId: otherConsortiumId });
    const pu = await g.person(admin, 'Pat Provider', ['provider'], { providerId });

    for (const reader of [admin, gov.token]) {
      const all = await listIds(reader, '?limit=200');
      expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id, gov.id, pu.id]));
      const govs = await listIds(reader, '?role=governance&limit=200');
      expect(govs).toContain(gov.id);
      expect(govs).not.toContain(mine.id);
      expect(await listIds(reader, `?consortiumId=${otherConsortiumId}&role=commissioner&limit=200`)).toEqual(
        expect.arrayContaining([theirs.id]),
      );
    }
    const seen = await listIds(mine.token, '?limit=200');
    expect(seen).toContain(mine.id);
    expect(seen).not.toContain(theirs.id);
    expect(seen).not.toContain(pu.id);
    expect(await listIds(mine.token, `?consortiumId=${otherConsortiumId}`)).toEqual([]);
    expect((await g.get(pu.token, '/people')).status).toBe(403);
    expect((await g.get(admin, '/people?role=admin')).status).toBe(400);

    // pages: every person once
    const ids = new Set<string>();
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await g.get(
        admin,
        `/people?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const p of res.body.items) {
        expect(ids.has(p.id)).toBe(false);
        ids.add(p.id);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(ids.size).toBe((await listIds(admin, '?limit=200')).length);
  });

  it('a token counts only for the roles the directory grants; a ghost subject may carry admin alone', async () => {
    const bidder = await g.person(admin, 'Bea Bidder', ['provider'], { providerId });
    const claimsGovernance = await t.token(bidder.id, ['provider', 'governance']);
    const flags = await g.get(claimsGovernance, '/flags');
    expect(flags.status).toBe(403);
    const claimsCommissioner = await t.token(bidder.id, ['commissioner']);
    expect((await g.get(claimsCommissioner, '/people')).status).toBe(403);

    const ghostAdmin = await t.token('ghost-officer', ['admin']);
    expect((await g.get(ghostAdmin, '/people')).status).toBe(200);
    for (const roles of [['admin', 'governance'], ['governance'], ['commissioner']] as const) {
      const ghost = await t.token('ghost-officer', [...roles]);
      const res = await g.get(ghost, '/flags');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      const uuidGhost = await t.token('00000000-0000-4000-8000-00000000abcd', [...roles]);
      expect((await g.get(uuidGhost, '/flags')).status).toBe(401);
    }
    // a person in the directory does not become admin by saying so: admin is never stored
    const person = await g.person(admin, 'Ada Nobody', ['commissioner'], { consortiumId });
    const claimsAdmin = await t.token(person.id, ['admin', 'commissioner']);
    expect((await g.post(claimsAdmin, '/consortia', { name: 'Nope' })).status).toBe(403);
  });

  it('a role granted or revoked by PATCH counts on the very next request (the lookup cache follows the change)', async () => {
    const p = await g.person(admin, 'Greg Governance', ['commissioner'], { consortiumId });
    const tok = await t.token(p.id, ['commissioner', 'governance']);
    expect((await g.get(tok, '/flags')).status).toBe(403); // warms the cache without governance
    await t.http
      .patch(`/api/v1/people/${p.id}`)
      .set(g.auth(admin))
      .send({ roles: ['commissioner', 'governance'] });
    expect((await g.get(tok, '/flags')).status).toBe(200);
    await t.http
      .patch(`/api/v1/people/${p.id}`)
      .set(g.auth(admin))
      .send({ roles: ['commissioner'] });
    expect((await g.get(tok, '/flags')).status).toBe(403);
  });

  describe('command line', () => {
    const env = () => ({ ...process.env, DATABASE_URL: t.config.databaseUrl, AUTH_JWT_SECRET: t.config.jwtSecret });

    it('npm run people:grant grants governance; npm run token refuses roles the person lacks', async () => {
      const p = await g.person(admin, 'Gwen Granted', ['commissioner'], { consortiumId });
      const refused = await run(
        'node',
        ['-r', '@swc-node/register', 'libs/auth/src/cli/token.ts', '--sub', p.id, '--roles', 'governance'],
        {
          env: env(),
        },
      ).catch((e: { code: number; stderr: string }) => e);
      expect((refused as { code: number }).code).toBe(2);
      expect((refused as { stderr: string }).stderr).toMatch(/does not hold governance/);

      const granted = await run(
        'node',
        ['-r', '@swc-node/register', 'libs/directory/src/cli/grant.ts', '--person', p.id, '--role', 'governance'],
        {
          env: env(),
        },
      );
      expect(granted.stdout).toMatch(/governance/);
      expect((await g.get(admin, `/people/${p.id}`)).body.roles.sort()).toEqual(['commissioner', 'governance']);

      const signed = await run(
        'node',
        ['-r', '@swc-node/register', 'libs/auth/src/cli/token.ts', '--sub', p.id, '--roles', 'governance'],
        {
          env: env(),
        },
      );
      const token = signed.stdout.trim();
      expect(decodeJwt(token)).toMatchObject({ sub: p.id, roles: ['governance'] });
      expect((await g.get(token, '/flags')).status).toBe(200);

      const ghost = await run(
        'node',
        ['-r', '@swc-node/register', 'libs/auth/src/cli/token.ts', '--sub', 'ghost', '--roles', 'admin,governance'],
        {
          env: env(),
        },
      ).catch((e: { code: number }) => e);
      expect((ghost as { code: number }).code).toBe(2);
    });
  });

  it('the migration gives existing people provider (providerId) or commissioner (consortiumId), and nobody governance', async () => {
    const config = await testConfig('people_migration');
    await ensureDatabase(config.databaseUrl);
    const idx = MIGRATIONS.findIndex((m) => m.name === 'PeopleRoles1733100000000');
    const before = new DataSource(dataSourceOptions(config.databaseUrl, { migrations: MIGRATIONS.slice(0, idx) }));
    await before.initialize();
    try {
      await before.runMigrations({ transaction: 'each' });
      const [c] = await before.query(`INSERT INTO consortia(name) VALUES ('Old') RETURNING id`);
      const [p] = await before.query(
        `INSERT INTO providers(name, kind) VALUES ('Old Ltd', 'independent') RETURNING id`,
      );
      await before.query(
        `INSERT INTO people(name, email, consortium_id, provider_id) VALUES
          ('Commissioner', 'c@x.org', $1, NULL), ('Provider', 'p@x.org', NULL, $2),
          ('Both', 'b@x.org', $1, $2), ('Neither', 'n@x.org', NULL, NULL)`,
        [c.id, p.id],
      );
    } finally {
      await before.destroy();
    }
    await runMigrations(config.databaseUrl);
    const after = new DataSource(dataSourceOptions(config.databaseUrl));
    await after.initialize();
    try {
      const rows: { name: string; roles: string[] }[] = await after.query(
        `SELECT name, roles FROM people ORDER BY name`,
      );
      expect(Object.fromEntries(rows.map((r) => [r.name, r.roles]))).toEqual({
        Both: ['provider'],
        Commissioner: ['commissioner'],
        Neither: [],
        Provider: ['provider'],
      });
    } finally {
      await after.destroy();
      await dropDatabase(config.databaseUrl);
    }
  });
});
