/**
 * What one request costs the database, counted (statements sent, BEGIN/COMMIT included; pool
 * checkouts; connections held at once), for one case driven through the events the bench drives.
 * The bounds are the hot path's design, so a regression (a read outside the transaction, a view
 * part on a second connection, a redundant read) fails here; no timing is involved. Each request
 * is sent right after one with the same token, so the auth guard's person read is cached (its own
 * test below proves a warm cache costs nothing).
 */
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { PgCounter, PgCounts } from '../support/pg-counter';

jest.setTimeout(120_000);

/**
 * Per request: `write`, the statements up to and including the command's COMMIT (the reads before
 * its transaction, BEGIN, the lock, facts, the writes, COMMIT: the case-event write path), exact
 * where the whole path is the case engine's and the conflicts feature's (`exact`), else an upper
 * bound (deadlines, notices and releases have their own statements); `statements`, `roundTrips`
 * and `checkouts`, upper bounds for the whole request (the response view after the commit included).
 * Every event's writes end with the rebuild of whom the case waits on (`case_waits_refresh`, one
 * statement after the others, pipelined with the COMMIT): a statement more than before it, no
 * round trip more; and a transaction's BEGIN goes with its first statement (the case lock), a
 * round trip less (DeferredWrites.transaction). A declaration's supersede of the member's last
 * declaration is a statement of its own sent with its writes (DeferredWrites.writeApart), and a
 * review's read of the declaration goes right behind the lock (ApplyCommand.alongLock): two round
 * trips each, the lock and the rest, where they were three.
 * Before (docs/performance.md), the write part was: create 7 (the consortium and people reads,
 * BEGIN, three INSERTs, COMMIT), SUBMIT 12, declaration 10, review 8, COMPLETE_CONFLICT_CHECK 9,
 * DECIDE_BUY 24.
 */
const BOUNDS = {
  create: { write: 4, exact: true, statements: 5, roundTrips: 3, checkouts: 3 },
  SUBMIT: { write: 7, exact: false, statements: 8, roundTrips: 4, checkouts: 2 },
  declaration: { write: 6, exact: true, statements: 6, roundTrips: 2, checkouts: 1 },
  review: { write: 6, exact: true, statements: 6, roundTrips: 2, checkouts: 1 },
  COMPLETE_CONFLICT_CHECK: { write: 8, exact: false, statements: 9, roundTrips: 5, checkouts: 2 },
  DECIDE_BUY: { write: 14, exact: false, statements: 15, roundTrips: 9, checkouts: 2 },
  'GET /cases/{id}': { write: 0, exact: true, statements: 1, roundTrips: 1, checkouts: 1 },
};

/** The statements of the request up to and including its COMMIT (none for a read). */
const writePart = (c: PgCounts) => c.sql.slice(0, c.sql.lastIndexOf('COMMIT') + 1);

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ');

describe('statements and connections per request on the hot path', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let counter: PgCounter;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'statements', worker: false });
    g = given(t);
    w = await g.world();
    counter = PgCounter.install();
  });
  afterAll(async () => {
    counter?.uninstall();
    await t?.close();
  });

  const measured: Record<string, PgCounts[]> = {};
  async function measure<T extends { status: number }>(
    name: keyof typeof BOUNDS,
    token: string,
    send: () => Promise<T>,
  ) {
    await g.get(token, '/cases?limit=1'); // the person is in the auth guard's cache now
    const { value, counts } = await counter.measure(send);
    (measured[name] ??= []).push(counts);
    return value;
  }

  it('a case driven through its events stays within the bounds, never holding two connections', async () => {
    const create = await measure('create', w.commissioner.token, () =>
      g.post(w.commissioner.token, '/cases', g.caseBody(w)),
    );
    expect(create.status).toBe(201);
    const id = create.body.id as string;
    const submit = await measure('SUBMIT', w.commissioner.token, () =>
      g.event(w.commissioner.token, id, { type: 'SUBMIT' }),
    );
    expect(submit.body.state).toBe('conflict_check');
    for (const m of w.panel) {
      const d = await measure('declaration', m.token, () =>
        g.post(m.token, `/cases/${id}/declarations`, { interestIds: [], nilReturn: true }, 201),
      );
      await measure('review', w.governance.token, () =>
        g.post(
          w.governance.token,
          `/cases/${id}/declarations/${d.body.id}/review`,
          { mitigation: 'none', note: 'ok' },
          201,
        ),
      );
    }
    await measure('COMPLETE_CONFLICT_CHECK', w.governance.token, () =>
      g.event(w.governance.token, id, { type: 'COMPLETE_CONFLICT_CHECK' }),
    );
    const buy = await measure('DECIDE_BUY', w.decider.token, () =>
      g.event(w.decider.token, id, { type: 'DECIDE_BUY', criteria: g.criteria }),
    );
    expect(buy.body.state).toBe('tendering');
    const read = await measure('GET /cases/{id}', w.commissioner.token, () =>
      g.get(w.commissioner.token, `/cases/${id}`),
    );
    expect(read.status).toBe(200);

    for (const [name, runs] of Object.entries(measured)) {
      const bound = BOUNDS[name as keyof typeof BOUNDS];
      for (const c of runs) {
        const got = {
          name,
          write: writePart(c).length,
          statements: c.statements,
          roundTrips: c.roundTrips,
          checkouts: c.checkouts,
          maxHeld: c.maxHeld,
        };
        expect(got).toEqual({
          name,
          write: bound.exact ? bound.write : Math.min(writePart(c).length, bound.write),
          statements: Math.min(c.statements, bound.statements),
          roundTrips: Math.min(c.roundTrips, bound.roundTrips),
          checkouts: Math.min(c.checkouts, bound.checkouts),
          // the API never holds a pool connection while waiting for another: one at a time
          maxHeld: 1,
        });
      }
    }
  });

  it('an event reads the case row once (locked) and never reads the audit head back', async () => {
    const c = await g.draftCase(w);
    await g.get(w.commissioner.token, '/cases?limit=1');
    const { value, counts } = await counter.measure(() => g.event(w.commissioner.token, c.id, { type: 'SUBMIT' }));
    expect(value.status).toBe(200);
    const sql = counts.sql.map(oneLine);
    const caseReads = sql.filter((s) => /^SELECT .* FROM "?cases"? /i.test(s));
    expect(caseReads).toHaveLength(1);
    expect(caseReads[0]).toMatch(/FOR UPDATE$/);
    expect(sql.filter((s) => /^SELECT .*FROM "?case_events"?/i.test(s))).toEqual([]);
    // the snapshot, the audit head and the audit row: one statement
    expect(sql.filter((s) => /INSERT INTO "?case_events"?/i.test(s))).toHaveLength(1);
    expect(sql.filter((s) => /^UPDATE "?cases"?/i.test(s))).toEqual([]);
    // and the chain still verifies
    const verify = await g.get(w.governance.token, `/cases/${c.id}/history/verify`);
    expect(verify.body).toMatchObject({ valid: true, length: 2 });
  });

  it('GET /tenders: a page costs the same statements however many tenders it holds', async () => {
    const trust = w.providerUsers[w.trust.id];
    const first = await g.caseInTendering(w);
    await g.bid(trust, first.id);
    await g.post(trust.token, `/tenders/${first.id}/questions`, { text: 'Is TUPE expected?' }, 201);
    const page = async (token: string) => {
      await g.get(token, '/cases?limit=1');
      const { value, counts } = await counter.measure(() => g.get(token, '/tenders?limit=50'));
      expect(value.status).toBe(200);
      expect(counts.maxHeld).toBe(1);
      return { items: value.body.items as { caseId: string; myBid: unknown; questions: unknown[] }[], counts };
    };
    const readers = [trust.token, w.commissioner.token, w.governance.token, w.panel[0].token];
    const before: number[] = [];
    for (const tok of readers) before.push((await page(tok)).counts.statements);
    for (let i = 0; i < 3; i++) {
      const more = await g.caseInTendering(w);
      await g.post(trust.token, `/tenders/${more.id}/questions`, { text: `Question ${i}` }, 201);
    }
    for (const [i, tok] of readers.entries()) {
      const after = await page(tok);
      expect(after.items.length).toBeGreaterThanOrEqual(4);
      expect({ reader: i, statements: after.counts.statements }).toEqual({ reader: i, statements: before[i] });
    }
    // the provider still sees its own bid and its own unanswered questions on every tender
    const mine = (await page(trust.token)).items;
    expect(mine.find((x) => x.caseId === first.id)?.myBid).toMatchObject({ status: 'submitted' });
    expect(mine.filter((x) => x.questions.length > 0).length).toBeGreaterThanOrEqual(4);
  });

  it('the auth guard reads the person once: a warm cache costs no statement', async () => {
    const admin = await t.adminToken();
    const person = await g.person(admin, 'Cache Checker', ['commissioner'], { consortiumId: w.consortiumId });
    const first = await counter.measure(() => g.get(person.token, '/cases?limit=1'));
    const second = await counter.measure(() => g.get(person.token, '/cases?limit=1'));
    expect(first.value.status).toBe(200);
    expect(second.value.status).toBe(200);
    const peopleReads = (c: PgCounts) => c.sql.filter((s) => /FROM "?people"? /.test(s)).length;
    expect(peopleReads(first.counts)).toBe(1);
    expect(peopleReads(second.counts)).toBe(0);
    expect(second.counts.statements).toBe(first.counts.statements - 1);
  });
});
