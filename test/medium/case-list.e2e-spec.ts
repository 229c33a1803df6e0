/**
 * GET /cases is one statement per page, whatever the filter: the cases' own query (visibility,
 * filters, cursor), awaiting=me's obligation rules as a predicate, and each row's next deadline
 * joined in the same statement. Counted, not timed; and awaiting=me still pages, one case a page,
 * to exactly the unpaged answer.
 */
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
    expect(counts.statements).toBe(1);
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
});
