/**
 * The case lock reads the panel in the same statement (CasesRepository.lock). That statement's
 * snapshot is taken before the lock is granted: a writer that changed the panel and committed
 * while we waited must not leave us with the old panel. Here a transaction holds the case row,
 * seats a person and moves the version (as every panel change does); that person's declaration
 * waits on the lock, and once the writer commits it must see the seat (not answer 403).
 */
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

jest.setTimeout(120_000);

describe('the panel read with the case lock', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let pg: Client;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'lock_panel', worker: false });
    g = given(t);
    w = await g.world();
    pg = new Client({ connectionString: t.config.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('is read again when a writer committed a panel change while the lock was awaited', async () => {
    const c = await g.caseInConflictCheck(w);
    const seated = w.commissioner2;
    await pg.query('BEGIN');
    await pg.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [c.id]);
    await pg.query(
      `INSERT INTO case_panel (case_id, person_id, added_at, consortium_id)
       SELECT id, $2, now(), consortium_id FROM cases WHERE id = $1`,
      [c.id, seated.id],
    );
    await pg.query('UPDATE cases SET version = version + 1 WHERE id = $1', [c.id]);
    const declared = g.post(seated.token, `/cases/${c.id}/declarations`, { interestIds: [], nilReturn: true });
    // the declaration's lock statement is waiting on our row lock (its snapshot predates our commit)
    for (let i = 0; ; i++) {
      const [{ n }] = (
        await pg.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`)
      ).rows;
      if (n > 0) break;
      if (i > 500) throw new Error('the declaration never waited on the case lock');
      await new Promise((r) => setTimeout(r, 10));
    }
    await pg.query('COMMIT');
    const res = await declared;
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId: seated.id, current: true });
  });
});
