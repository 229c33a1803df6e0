/**
 * GET /cases is one statement per page, whatever the filter: the cases' own query (visibility,
 * filters, cursor), awaiting=me's obligation rules as a predicate, and each row's next deadline
 * joined in the same statement, in one round trip on one pool connection. Without words it goes
 * planned once per connection, a words search planned for its words (`readWithPlan`: its
 * read-only transaction and the setting sent with it). Counted, not timed; and awaiting=me
 * still pages, one case a page, to exactly the unpaged answer.
 */
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { PgCounter } from '../support/pg-counter';

jest.setTimeout(180_000);

describe('GET /cases: one statement per page', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let counter: PgCounter;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'case_list', worker: false });
    g = given(t);
    w = await g.world();
    for (let i = 0; i < 3; i++) await g.draftCase(w, { title: `Draft pathway ${i}`, serviceName: 'Dermatology' });
    for (let i = 0; i < 4; i++)
      await g.caseInConflictCheck(w, { title: `Checked pathway ${i}`, serviceName: 'Podiatry' });
    counter = PgCounter.install();
  });
  afterAll(async () => {
    counter?.uninstall();
    await t?.close();
  });

  it.each([
    ['all', ''],
    ['state', 'state=conflict_check'],
    ['consortium', 'consortiumId=CONSORTIUM'],
    ['words', 'q=podi'],
    ['awaiting=me', 'awaiting=me'],
    ['a second page', 'limit=2&cursor=NEXT'],
  ])('%s: one statement, summaries with their next deadline', async (_name, query) => {
    const token = w.panel[0].token;
    const first = await g.get(token, '/cases?limit=2');
    expect(first.status).toBe(200);
    const q = query.replace('CONSORTIUM', w.consortiumId).replace('NEXT', encodeURIComponent(first.body.nextCursor));
    const { value: res, counts } = await counter.measure(() => g.get(token, `/cases?${q}`));
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    const control = /^(BEGIN READ ONLY; SET LOCAL plan_cache_mode = force_(generic|custom)_plan|COMMIT)$/;
    expect(counts.sql.filter((s) => !control.test(s))).toHaveLength(1);
    const mode = query.startsWith('q=') ? 'force_custom_plan' : 'force_generic_plan';
    expect(counts.sql.filter((s) => control.test(s))).toEqual([
      `BEGIN READ ONLY; SET LOCAL plan_cache_mode = ${mode}`,
      'COMMIT',
    ]);
    expect({ roundTrips: counts.roundTrips, checkouts: counts.checkouts }).toEqual({ roundTrips: 1, checkouts: 1 });
    for (const item of res.body.items)
      if (item.state === 'conflict_check')
        expect(item.nextDeadline).toEqual({ kind: 'conflict_check_sla', dueAt: expect.any(String) });
      else expect(item.nextDeadline).toBeNull();
  });

  it('awaiting=me pages (one case a page) to exactly the unpaged list, newest update first', async () => {
    for (const who of [w.panel[0], w.governance, w.commissioner]) {
      const all = (await g.get(who.token, '/cases?awaiting=me&limit=200')).body.items.map((i: { id: string }) => i.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await g.get(
          who.token,
          `/cases?awaiting=me&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(res.status).toBe(200);
        paged.push(...res.body.items.map((i: { id: string }) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all);
      // the panel member must declare on the four checked cases; governance awaits nobody's declaration yet
      if (who === w.panel[0]) expect(all).toHaveLength(4);
      if (who === w.commissioner) expect(all).toHaveLength(0);
    }
  });

  it('lists exactly the cases GET /cases/{id} shows each viewer, with and without words, after people move consortium', async () => {
    const other = await g.world();
    const raised = await g.draftCase(
      { ...w, commissioner: w.commissioner2 },
      { title: 'Podiatry outreach', serviceName: 'Podiatry' },
    );
    // words beyond ASCII, lower-cased alike by the API and PostgreSQL's 'simple' configuration
    await g.draftCase(w, { title: 'Ärztehaus Überweisung', serviceName: 'Podiatry' });
    const theirs = [
      (await g.caseInConflictCheck(other, { title: 'Podiatry south', serviceName: 'Podiatry' })).id,
      (await g.draftCase(other, { title: 'Dermatology east', serviceName: 'Dermatology' })).id,
    ];
    // one who raised a case here and one who sits on this world's panels move to the other consortium:
    // they keep those cases (creator, panel), and lose the rest of this consortium's
    const admin = await t.adminToken();
    for (const p of [w.commissioner2, w.panel[2]]) {
      const res = await t.http
        .patch(`/api/v1/people/${p.id}`)
        .set({ Authorization: `Bearer ${admin}` })
        .send({ consortiumId: other.consortiumId });
      expect(res.status).toBe(200);
    }
    const cases: { id: string; words: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT id, title || ' ' || service_name AS words FROM cases`);
    const matches = (words: string, q: string) =>
      (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).every((x) =>
        (words.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).some((y) => y.startsWith(x)),
      );
    const viewers = [
      w.commissioner,
      w.commissioner2,
      w.panel[2],
      w.panel[0],
      w.governance,
      other.commissioner,
      other.governance,
      w.outsider,
      w.providerUsers[w.trust.id],
    ];
    for (const who of viewers) {
      const shown: string[] = [];
      for (const c of cases) if ((await g.get(who.token, `/cases/${c.id}`)).status === 200) shown.push(c.id);
      for (const q of ['', 'podi', 'podiatry outreach', 'derm', 'zzz', 'über', 'ÄRZTE über']) {
        const res = await g.get(who.token, `/cases?limit=200${q ? `&q=${encodeURIComponent(q)}` : ''}`);
        expect(res.status).toBe(200);
        const listed = (res.body.items as { id: string }[]).map((i) => i.id).sort();
        const expected = cases.filter((c) => shown.includes(c.id) && (!q || matches(c.words, q))).map((c) => c.id);
        expect({ who: who.name, q, listed }).toEqual({ who: who.name, q, listed: expected.sort() });
      }
      // of this consortium's cases, the moved creator keeps the one raised, the moved panel member its seats
      const here = shown.filter((id) => !theirs.includes(id));
      if (who === w.commissioner2) expect(here).toEqual([raised.id]);
      if (who === w.panel[2]) {
        const seats: { case_id: string }[] = await t.app
          .get(DataSource)
          .query(`SELECT case_id FROM case_panel WHERE person_id = $1`, [who.id]);
        expect(here.sort()).toEqual(seats.map((r) => r.case_id).sort());
      }
    }
  });
});
