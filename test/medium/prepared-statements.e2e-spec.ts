/**
 * Statements with parameters are prepared on the server, once per connection and statement text
 * (libs/database/src/prepared-statements.ts), up to DATABASE_PREPARED_STATEMENTS per connection;
 * past that bound, for statements without parameters and for texts over 16 kB, they go unnamed as before. Read from
 * PostgreSQL's own `pg_prepared_statements` of the connection.
 */
import { DataSource, QueryFailedError } from 'typeorm';
import { Pool } from 'pg';
import { pgCode, preparingClient, readWithPlan, statementName } from '@makebuy/database';
import { startTestApp, TestApp, TEST_PG } from '../support/test-app';
import { given } from '../support/given';

jest.setTimeout(120_000);

type Prepared = { name: string; statement: string };

describe('prepared statements', () => {
  describe('the client', () => {
    let pool: Pool;
    beforeAll(() => {
      pool = new Pool({ connectionString: `${TEST_PG}/postgres`, max: 1, Client: preparingClient(2) });
    });
    afterAll(() => pool?.end());

    const prepared = async (): Promise<Prepared[]> =>
      (await pool.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time, name`)).rows;

    it('prepares a statement with parameters once, under the digest of its text, and answers as unnamed', async () => {
      const text = 'SELECT $1::int + 1 AS n';
      expect((await pool.query(text, [41])).rows).toEqual([{ n: 42 }]);
      expect((await pool.query(text, [1])).rows).toEqual([{ n: 2 }]);
      expect(await prepared()).toEqual([{ name: statementName(text), statement: text }]);
      expect(statementName(text)).toMatch(/^mb_[0-9a-f]{40}$/);
      // without parameters: a simple query, never prepared (it may hold several commands)
      expect((await pool.query('SELECT 1 AS one; SELECT 2 AS two')) as unknown).toHaveLength(2);
      expect(await prepared()).toHaveLength(1);
    });

    it('keeps at most its bound per connection and sends the texts after it unnamed', async () => {
      const more = ['SELECT $1::text AS t', 'SELECT $1::text || $2::text AS t'];
      expect((await pool.query(more[0], ['a'])).rows).toEqual([{ t: 'a' }]);
      expect((await pool.query(more[1], ['a', 'b'])).rows).toEqual([{ t: 'ab' }]);
      expect((await pool.query(more[1], ['c', 'd'])).rows).toEqual([{ t: 'cd' }]);
      const names = (await prepared()).map((p) => p.statement);
      expect(names).toEqual(['SELECT $1::int + 1 AS n', more[0]]);
    });

    it('sends a text longer than 16 kB unnamed (a batch of closes: one statement of its mix of writes)', async () => {
      const fresh = new Pool({ connectionString: `${TEST_PG}/postgres`, max: 1, Client: preparingClient(5) });
      try {
        const long = `SELECT $1::int AS n /* ${'x'.repeat(16_400)} */`;
        const short = `SELECT $1::int AS n /* ${'x'.repeat(16_000)} */`;
        expect((await fresh.query(long, [3])).rows).toEqual([{ n: 3 }]);
        expect((await fresh.query(short, [4])).rows).toEqual([{ n: 4 }]);
        const rows = (await fresh.query(`SELECT name FROM pg_prepared_statements`)).rows;
        expect(rows).toEqual([{ name: statementName(short) }]);
      } finally {
        await fresh.end();
      }
    });

    it('a statement that fails to parse is not kept, and the connection goes on', async () => {
      const fresh = new Pool({ connectionString: `${TEST_PG}/postgres`, max: 1, Client: preparingClient(5) });
      try {
        await expect(fresh.query('SELEC $1::int', [1])).rejects.toThrow(/syntax error/);
        await expect(fresh.query('SELEC $1::int', [1])).rejects.toThrow(/syntax error/);
        expect((await fresh.query('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }]);
        const rows = (await fresh.query(`SELECT statement FROM pg_prepared_statements`)).rows;
        expect(rows).toEqual([{ statement: 'SELECT $1::int AS n' }]);
      } finally {
        await fresh.end();
      }
    });
  });

  describe('a read under a plan cache mode of its own (readWithPlan)', () => {
    let ds: DataSource;
    const probe = `generic_plan_probe_${process.pid}`;
    beforeAll(async () => {
      // one pipelining connection, as the app's pool clients are
      ds = new DataSource({
        type: 'postgres',
        url: `${TEST_PG}/postgres`,
        extra: { max: 1, pipeline: true, Client: preparingClient(10) },
      });
      await ds.initialize();
      await ds.query(`CREATE TABLE ${probe} (x int)`);
    });
    afterAll(async () => {
      await ds?.query(`DROP TABLE IF EXISTS ${probe}`);
      await ds?.destroy();
    });

    const plans = async (text: string): Promise<{ generic_plans: number; custom_plans: number }[]> =>
      ds.query(`SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement = $1`, [text]);

    it('runs the statement on its generic plan from the first call, and the setting ends with it', async () => {
      const text = 'SELECT $1::int * 2 AS n';
      for (let i = 1; i <= 3; i++) expect(await readWithPlan(ds, 'generic', text, [i])).toEqual([{ n: 2 * i }]);
      expect(await plans(text)).toEqual([{ generic_plans: 3, custom_plans: 0 }]);
      // the same connection afterwards: PostgreSQL's own choice again, and no transaction left open
      expect(
        await ds.query(`SELECT current_setting('plan_cache_mode') AS mode, now() = statement_timestamp() AS outside`),
      ).toEqual([{ mode: 'auto', outside: true }]);
      // a statement sent the ordinary way gets custom plans first, as before
      const other = 'SELECT $1::int * 3 AS n';
      expect(await ds.query(other, [2])).toEqual([{ n: 6 }]);
      expect(await plans(other)).toEqual([{ generic_plans: 0, custom_plans: 1 }]);
    });

    it('custom: planned for its values at every call, where PostgreSQL would settle on the generic plan', async () => {
      const text = 'SELECT $1::int * 4 AS n';
      for (let i = 1; i <= 7; i++) expect(await readWithPlan(ds, 'custom', text, [i])).toEqual([{ n: 4 * i }]);
      expect(await plans(text)).toEqual([{ generic_plans: 0, custom_plans: 7 }]);
      // sent the ordinary way, the sixth call and after run on the generic plan
      const other = 'SELECT $1::int * 5 AS n';
      for (let i = 1; i <= 7; i++) await ds.query(other, [i]);
      expect((await plans(other))[0].generic_plans).toBeGreaterThan(0);
      expect(await ds.query(`SELECT current_setting('plan_cache_mode') AS mode`)).toEqual([{ mode: 'auto' }]);
    });

    it('reads only: a write is refused with its own error, and the connection goes on as before', async () => {
      const refused = await readWithPlan(ds, 'generic', `INSERT INTO ${probe} (x) VALUES ($1)`, [1]).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(QueryFailedError);
      expect(pgCode(refused)).toBe('25006'); // read_only_sql_transaction
      expect(await ds.query(`SELECT count(*)::int AS n FROM ${probe}`)).toEqual([{ n: 0 }]);
      expect(
        await ds.query(`SELECT current_setting('plan_cache_mode') AS mode, now() = statement_timestamp() AS outside`),
      ).toEqual([{ mode: 'auto', outside: true }]);
      expect(await readWithPlan(ds, 'custom', 'SELECT $1::text AS ok', ['yes'])).toEqual([{ ok: 'yes' }]);
    });
  });

  describe('the app', () => {
    const apps: TestApp[] = [];
    afterAll(async () => {
      for (const t of apps) await t.close();
    });
    // (a few hot reads name their statements themselves, e.g. the case view: not counted here)
    const onItsConnection = async (t: TestApp): Promise<Prepared[]> =>
      t.app.get(DataSource).query(`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'mb\\_%'`);

    it('prepares the statements a case sends, up to DATABASE_PREPARED_STATEMENTS on its one connection', async () => {
      const t = await startTestApp({
        suite: 'prepared_statements',
        worker: false,
        env: { DATABASE_POOL_MAX: '1', DATABASE_PREPARED_STATEMENTS: '12' },
      });
      apps.push(t);
      expect(t.config.databasePreparedStatements).toBe(12);
      const g = given(t);
      const w = await g.world();
      const c = await g.caseInTendering(w);
      expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.state).toBe('tendering');
      const kept = await onItsConnection(t);
      // a case to tendering sends far more than 12 texts: the bound is reached and holds
      expect(kept).toHaveLength(12);
      for (const p of kept) expect(p.name).toBe(statementName(p.statement));
      // past the bound the statements still run (unnamed): a second case goes the same way
      const d = await g.caseInTendering(w);
      expect((await g.get(w.commissioner.token, `/cases/${d.id}`)).body.state).toBe('tendering');
      expect(await onItsConnection(t)).toHaveLength(12);
    });

    it('DATABASE_PREPARED_STATEMENTS=0 prepares nothing', async () => {
      const t = await startTestApp({
        suite: 'prepared_statements_off',
        worker: false,
        env: { DATABASE_POOL_MAX: '1', DATABASE_PREPARED_STATEMENTS: '0' },
      });
      apps.push(t);
      const g = given(t);
      const w = await g.world();
      const c = await g.caseInTendering(w);
      expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.state).toBe('tendering');
      expect(await onItsConnection(t)).toEqual([]);
    });
  });
});
