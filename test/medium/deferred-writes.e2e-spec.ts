/**
 * Deferred writes against the real PostgreSQL, through the app's own pool (node-postgres in
 * pipeline mode, DatabaseModule): a transaction's held writes go pipelined in front of the
 * statement after them, in one round trip; a held write that fails is what that statement throws,
 * and nothing of the transaction is kept; a batch keeps each command's writes as one statement
 * until its next statement. Round trips are counted where the client sends (test/support/pg-counter).
 */
import { DataSource, EntityManager } from 'typeorm';
import { DeferredWrites, queryInOrder } from '@makebuy/queue';
import { startTestApp, TestApp } from '../support/test-app';
import { PgCounter } from '../support/pg-counter';

jest.setTimeout(120_000);

describe('deferred writes (pipelined)', () => {
  let t: TestApp;
  let ds: DataSource;
  let counter: PgCounter;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'deferred_writes', worker: false });
    ds = t.app.get(DataSource);
    await ds.query(`CREATE TABLE probe (id int PRIMARY KEY, v text NOT NULL)`);
    counter = PgCounter.install();
  });
  afterAll(async () => {
    counter?.uninstall();
    await t?.close();
  });
  beforeEach(() => ds.query(`TRUNCATE probe`));

  const insert = (tx: EntityManager, id: number, v: string) =>
    DeferredWrites.write(tx, `INSERT INTO probe (id, v) VALUES ($1, $2)`, [id, v]);
  const kept = async () =>
    (await ds.query(`SELECT id, v FROM probe ORDER BY id`)).map((r: { id: number; v: string }) => [r.id, r.v]);

  it('sends held writes with the statement after them, which reads them, in one round trip', async () => {
    const { value, counts } = await counter.measure(() =>
      ds.transaction(async (tx) => {
        DeferredWrites.open(tx);
        await insert(tx, 1, 'a');
        await insert(tx, 2, 'b');
        return tx.query(`SELECT count(*)::int AS n FROM probe`);
      }),
    );
    expect(value).toEqual([{ n: 2 }]);
    // BEGIN, the two writes as one statement, the read, COMMIT
    expect(counts.statements).toBe(4);
    expect(counts.roundTrips).toBe(3);
    expect(await kept()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it("outside a batch, leaves a command's writes at its end for the COMMIT, in the same round trip", async () => {
    const { counts } = await counter.measure(() =>
      ds.transaction(async (tx) => {
        DeferredWrites.open(tx);
        await insert(tx, 1, 'a');
        DeferredWrites.end(tx);
      }),
    );
    expect(counts.statements).toBe(3);
    expect(counts.roundTrips).toBe(2);
    expect(await kept()).toEqual([[1, 'a']]);
  });

  // the unique violation of the write (23505), not "current transaction is aborted" (25P02)
  it.each([
    ['the statement after it', true],
    ['the COMMIT it rode with', false],
  ])("answers %s with a failed held write's error, and keeps nothing", async (_, readAfter) => {
    await ds.query(`INSERT INTO probe (id, v) VALUES (9, 'there')`);
    const failed = ds.transaction(async (tx) => {
      DeferredWrites.open(tx);
      await tx.query(`INSERT INTO probe (id, v) VALUES (3, 'sent at once')`);
      await insert(tx, 9, 'a duplicate');
      if (readAfter) await tx.query(`SELECT 1`);
    });
    await expect(failed).rejects.toMatchObject({ code: '23505' });
    expect(await kept()).toEqual([[9, 'there']]);
  });

  it('in a batch, keeps each command as one statement and sends them all, in order, with the next statement', async () => {
    const { counts } = await counter.measure(() =>
      ds.transaction(async (tx) => {
        DeferredWrites.batch(tx);
        for (let i = 1; i <= 3; i++) {
          await insert(tx, i, `command ${i}`);
          await DeferredWrites.write(tx, `UPDATE probe SET v = v || ' updated' WHERE id = $1`, [i - 1]);
          DeferredWrites.end(tx);
        }
      }),
    );
    // BEGIN; the three commands and the COMMIT in one round trip
    expect(counts.statements).toBe(5);
    expect(counts.roundTrips).toBe(2);
    // each command's update ran after the command before it (it found that command's row)
    expect(await kept()).toEqual([
      [1, 'command 1 updated'],
      [2, 'command 2 updated'],
      [3, 'command 3'],
    ]);
  });

  it('a command discarded in a batch drops its own writes only', async () => {
    await ds.transaction(async (tx) => {
      DeferredWrites.batch(tx);
      await insert(tx, 1, 'kept');
      DeferredWrites.end(tx);
      await insert(tx, 2, 'refused');
      DeferredWrites.discard(tx);
      await insert(tx, 3, 'kept too');
      DeferredWrites.end(tx);
    });
    expect(await kept()).toEqual([
      [1, 'kept'],
      [3, 'kept too'],
    ]);
  });

  it('sends a write apart as a statement of its own, between the writes before and after it, with no round trip of its own', async () => {
    await ds.query(`INSERT INTO probe (id, v) VALUES (1, 'current')`);
    const { counts } = await counter.measure(() =>
      ds.transaction(async (tx) => {
        DeferredWrites.open(tx);
        await insert(tx, 5, 'before');
        // the next write's key must see this one: in one statement with it, it might not
        await DeferredWrites.writeApart(tx, `UPDATE probe SET id = 2, v = 'superseded' WHERE id = $1`, [1]);
        await insert(tx, 1, 'new current');
        await insert(tx, 6, 'after');
      }),
    );
    // BEGIN; the writes before, the write apart, the writes after and the COMMIT in one round trip
    expect(counts.sql.map((q) => q.replace(/\s+/g, ' ').slice(0, 30))).toEqual([
      'START TRANSACTION',
      'INSERT INTO probe (id, v) VALU',
      "UPDATE probe SET id = 2, v = '",
      'WITH w1 AS (INSERT INTO probe ',
      'COMMIT',
    ]);
    expect(counts.roundTrips).toBe(2);
    expect(await kept()).toEqual([
      [1, 'new current'],
      [2, 'superseded'],
      [5, 'before'],
      [6, 'after'],
    ]);
  });

  it('a command discarded in a batch drops its write apart too', async () => {
    await ds.query(`INSERT INTO probe (id, v) VALUES (1, 'untouched')`);
    await ds.transaction(async (tx) => {
      DeferredWrites.batch(tx);
      await DeferredWrites.writeApart(tx, `UPDATE probe SET v = 'refused' WHERE id = $1`, [1]);
      await insert(tx, 2, 'refused');
      DeferredWrites.discard(tx);
      await insert(tx, 3, 'kept');
      DeferredWrites.end(tx);
    });
    expect(await kept()).toEqual([
      [1, 'untouched'],
      [3, 'kept'],
    ]);
  });

  /** A trailing statement that counts what the commands before it wrote (into probe row 100). */
  const trailCount = (tx: EntityManager, gathered: { n: number }) =>
    DeferredWrites.trail(tx, 'count', () => {
      if (!gathered.n) return null;
      gathered.n = 0;
      return {
        sql: `INSERT INTO probe (id, v) SELECT 100, count(*)::text FROM probe
               ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v`,
        params: [],
      };
    });

  it('sends a trailing statement last, on its own, so it sees every write before it, with no round trip of its own', async () => {
    const { counts } = await counter.measure(() =>
      ds.transaction(async (tx) => {
        DeferredWrites.batch(tx);
        const gathered = { n: 0 };
        expect(trailCount(tx, gathered)).toBe(true);
        for (let i = 1; i <= 3; i++) {
          await insert(tx, i, `command ${i}`);
          gathered.n++;
          DeferredWrites.end(tx);
        }
      }),
    );
    // BEGIN; the three commands, the count (once, after all three) and the COMMIT in one round trip
    expect(counts.statements).toBe(6);
    expect(counts.roundTrips).toBe(2);
    expect(await kept()).toEqual([
      [1, 'command 1'],
      [2, 'command 2'],
      [3, 'command 3'],
      [100, '3'],
    ]);
  });

  it('a trailing statement is dropped with a ROLLBACK, and is not made where the transaction does not defer', async () => {
    const gathered = { n: 0 };
    await expect(
      ds.transaction(async (tx) => {
        DeferredWrites.open(tx);
        trailCount(tx, gathered);
        await insert(tx, 1, 'rolled back');
        gathered.n++;
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(gathered.n).toBe(0);
    await ds.transaction(async (tx) => {
      expect(trailCount(tx, gathered)).toBe(false);
      await tx.query(`SELECT 1`);
    });
    expect(await kept()).toEqual([]);
  });

  it('DeferredWrites.transaction sends its BEGIN with its first statement: one round trip for both', async () => {
    const { value, counts } = await counter.measure(() =>
      DeferredWrites.transaction(ds, async (tx) => {
        await insert(tx, 1, 'a');
        return tx.query(`SELECT count(*)::int AS n FROM probe`);
      }),
    );
    expect(value).toEqual([{ n: 1 }]);
    // BEGIN, the write and the read in one round trip; COMMIT
    expect(counts.statements).toBe(4);
    expect(counts.roundTrips).toBe(2);
    expect(await kept()).toEqual([[1, 'a']]);
  });

  it('queryInOrder sends its statements back to back behind the held BEGIN, one round trip for all, answered in order', async () => {
    await ds.query(`INSERT INTO probe (id, v) VALUES (1, 'locked'), (2, 'other')`);
    const { value, counts } = await counter.measure(() =>
      DeferredWrites.transaction(ds, (tx) =>
        queryInOrder(tx, [
          { sql: `SELECT v FROM probe WHERE id = $1 FOR UPDATE`, params: [1] },
          { sql: `SELECT count(*)::int AS n FROM probe WHERE id <> $1`, params: [1] },
        ]),
      ),
    );
    expect(value).toEqual([[{ v: 'locked' }], [{ n: 1 }]]);
    // BEGIN and the two statements in one round trip; COMMIT
    expect(counts.statements).toBe(4);
    expect(counts.roundTrips).toBe(2);
  });

  it("queryInOrder: a failed statement throws its own error, not the aborted transaction's of those after it", async () => {
    const failed = DeferredWrites.transaction(ds, (tx) =>
      queryInOrder(tx, [
        { sql: `SELECT v FROM no_such_table WHERE id = $1`, params: [1] },
        { sql: `SELECT count(*)::int AS n FROM probe WHERE id <> $1`, params: [1] },
      ]),
    );
    await expect(failed).rejects.toMatchObject({ code: '42P01' });
  });

  it('DeferredWrites.transaction: one that fails before it sent anything costs no statement; after, it rolls back', async () => {
    const { counts } = await counter.measure(() =>
      DeferredWrites.transaction(ds, async (tx) => {
        await insert(tx, 1, 'never sent');
        throw new Error('refused before any statement');
      }).catch((e: Error) => e.message),
    );
    expect(counts.statements).toBe(0);
    await expect(
      DeferredWrites.transaction(ds, async (tx) => {
        await tx.query(`INSERT INTO probe (id, v) VALUES (2, 'rolled back')`);
        throw new Error('refused after a statement');
      }),
    ).rejects.toThrow('refused after a statement');
    expect(await kept()).toEqual([]);
  });
});
