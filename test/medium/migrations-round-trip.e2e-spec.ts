/**
 * The schema migrations of the eleventh performance pass go down and up again on a database with
 * cases in it: what each takes away comes back on its way down (the notifications' foreign keys,
 * the deadline index, the one-case `case_waits_refresh`, the consortium's words index and its
 * trigger function), and up again every rebuild answers as before. Read from PostgreSQL's
 * catalogue and from the rows the functions make.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase, ensureDatabase, MIGRATIONS } from '@makebuy/database';
import { testConfig } from '../support/test-app';

jest.setTimeout(120_000);

const SINCE = 'NotificationsWithoutForeignKeys1737300000000';

describe('migrations since the eleventh pass: down and up again', () => {
  let ds: DataSource;
  let databaseUrl: string;
  let caseId: string;
  let personId: string;

  beforeAll(async () => {
    databaseUrl = (await testConfig('migrations_round_trip')).databaseUrl;
    await ensureDatabase(databaseUrl);
    ds = new DataSource(dataSourceOptions(databaseUrl, { extra: { max: 2 } }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const [co] = await ds.query(`INSERT INTO consortia(name) VALUES ('Round trip') RETURNING id`);
    const [p] = await ds.query(
      `INSERT INTO people(name, email, consortium_id) VALUES ('Panel', 'panel@x.org', $1) RETURNING id`,
      [co.id],
    );
    personId = p.id;
    const [c] = await ds.query(
      `INSERT INTO cases(id, ocid, title, service_name, consortium_id, from_setting, to_setting,
         estimated_annual_value, term_months, track, created_by, state, state_value, context, snapshot, machine_version)
       VALUES (gen_random_uuid(), 'ocid-rt', 'Podiatry pathway', 'Podiatry', $1, 'secondary', 'primary', 1, 12,
         'fast', $2, 'conflict_check', '"conflict_check"', '{}', '{}', 1) RETURNING id`,
      [co.id, p.id],
    );
    caseId = c.id;
    await ds.query(`INSERT INTO case_panel(case_id, person_id, added_at, consortium_id) VALUES ($1, $2, now(), $3)`, [
      caseId,
      personId,
      co.id,
    ]);
  });
  afterAll(async () => {
    await ds?.destroy();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const schema = async () => {
    const [row] = await ds.query(
      `SELECT
         (SELECT array_agg(conname::text ORDER BY conname) FROM pg_constraint
           WHERE conrelid = 'notifications'::regclass AND contype = 'f') AS notification_keys,
         (SELECT array_agg(indexname::text ORDER BY indexname) FROM pg_indexes
           WHERE tablename IN ('deadlines', 'case_search') AND indexname LIKE ANY (ARRAY['deadlines_pending%', 'case_search_%words%'])) AS indexes,
         (SELECT array_agg(proname::text ORDER BY proname) FROM pg_proc
           WHERE proname IN ('case_waits_refresh', 'case_waits_refresh_all', 'case_scoped_words')) AS functions,
         EXISTS (SELECT 1 FROM information_schema.columns
                  WHERE table_name = 'case_search' AND column_name = 'scoped_words') AS scoped_words`,
    );
    return row;
  };
  const waits = async () =>
    (await ds.query(`SELECT kind, waits_on FROM case_waits WHERE case_id = $1`, [caseId])) as unknown[];

  it('takes away what it added and puts back what it took, and adds it again', async () => {
    const up = await schema();
    expect(up).toEqual({
      notification_keys: null,
      indexes: ['case_search_all_words_idx', 'case_search_scoped_words_idx', 'deadlines_pending_due_id_idx'],
      functions: ['case_scoped_words', 'case_waits_refresh', 'case_waits_refresh_all'],
      scoped_words: true,
    });
    // the panel member owes a declaration: one entry, made by the set form and by the one-case call alike
    await ds.query(`SELECT case_waits_refresh_all($1::uuid[])`, [[caseId]]);
    const made = await waits();
    expect(made).toEqual([{ kind: 'person', waits_on: personId }]);
    await ds.query(`DELETE FROM case_waits`);
    await ds.query(`SELECT case_waits_refresh($1)`, [caseId]);
    expect(await waits()).toEqual(made);

    const since = MIGRATIONS.findIndex((m) => m.name === SINCE);
    for (let i = MIGRATIONS.length - 1; i >= since; i--) await ds.undoLastMigration({ transaction: 'each' });
    expect(await schema()).toEqual({
      notification_keys: ['notifications_case_id_fkey', 'notifications_person_id_fkey'],
      indexes: ['case_search_words_idx', 'deadlines_pending_due_idx'],
      functions: ['case_waits_refresh'],
      scoped_words: false,
    });
    // the one-case function of migration 1737200000000 makes the same entry, and the words trigger still keeps case_search
    await ds.query(`DELETE FROM case_waits`);
    await ds.query(`SELECT case_waits_refresh($1)`, [caseId]);
    expect(await waits()).toEqual(made);
    await ds.query(`UPDATE cases SET title = 'Podiatry outreach' WHERE id = $1`, [caseId]);
    expect(await ds.query(`SELECT words::text FROM case_search WHERE case_id = $1`, [caseId])).toEqual([
      { words: "'outreach':2 'podiatry':1,3" },
    ]);

    await ds.runMigrations({ transaction: 'each' });
    expect(await schema()).toEqual(up);
    // the backfill scoped the words already there, and the trigger scopes new ones
    const scope = (
      await ds.query(`SELECT replace(consortium_id::text, '-', '') AS s FROM cases WHERE id = $1`, [caseId])
    )[0].s as string;
    const scoped = async () =>
      (await ds.query(`SELECT scoped_words::text AS w FROM case_search WHERE case_id = $1`, [caseId]))[0].w as string;
    expect(await scoped()).toBe(`'${scope}.outreach' '${scope}.podiatry'`);
    await ds.query(`UPDATE cases SET title = 'Podiatry clinic' WHERE id = $1`, [caseId]);
    expect(await scoped()).toBe(`'${scope}.clinic' '${scope}.podiatry'`);
    await ds.query(`DELETE FROM case_waits`);
    await ds.query(`SELECT case_waits_refresh_all($1::uuid[])`, [[caseId]]);
    expect(await waits()).toEqual(made);
  });
});
