/**
 * The change feed: the no-skip proof (many concurrent writers whose transactions overlap and
 * commit out of insertion order, several readers paging at the same time), visibility per
 * caller, and opaque cursors.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FeedService, FeedSequencer, NewFeedItem } from '@makebuy/feed';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('change feed', () => {
  let t: TestApp;
  let ds: DataSource;
  let feed: FeedService;
  let x: World;
  let y: World;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'feed' });
    ds = t.app.get(DataSource);
    feed = t.app.get(FeedService);
    const g = given(t);
    x = await g.world();
    y = await g.world();
  });
  afterAll(async () => {
    await t?.close();
  });

  const page = async (token: string | null, after: string | null, limit: number) => {
    const req = t.http.get('/api/v1/feed').query({ limit, ...(after ? { after } : {}) });
    const res = await (token ? req.set('Authorization', `Bearer ${token}`) : req);
    if (res.status !== 200) throw new Error(`GET /feed -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { items: { id: string; type: string; data: Record<string, unknown> }[]; nextCursor: string };
  };

  it('never skips: 8 overlapping writers, 4 readers paging meanwhile; each reader gets every item once, in commit order', async () => {
    const WRITERS = 8;
    const TXS = 30;
    let clock = 0; // a logical clock: which transactions began after which committed
    const committed = new Map<string, { began: number; committed: number; writer: number; n: number }>();
    const rolledBack = new Set<string>();
    let writing = true;
    const caseId = randomUUID();

    const writer = async (w: number) => {
      for (let n = 0; n < TXS; n++) {
        const began = ++clock;
        const ids: string[] = [];
        const rollback = n % 7 === 3;
        try {
          await ds.transaction(async (tx) => {
            for (let k = 0; k < 1 + (n % 3); k++) {
              const item: NewFeedItem = {
                type: 'tender.updated',
                caseId,
                ocid: null,
                consortiumId: x.consortiumId,
                data: { w, n, k },
              };
              ids.push(await feed.append(tx, item));
              // hold the transaction open so that later inserts commit first
              await sleep(Math.floor(Math.random() * 25));
            }
            if (rollback) throw new Error('rolled back on purpose');
          });
          const at = ++clock;
          for (const id of ids) committed.set(id, { began, committed: at, writer: w, n });
        } catch (e) {
          if (!rollback) throw e;
          for (const id of ids) rolledBack.add(id);
        }
      }
    };

    const reader = async (r: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let settledEmpty = false;
      for (;;) {
        const caughtUpBefore = !writing && (await t.app.get(FeedSequencer).unplaced()) === 0;
        const p = await page(null, cursor, 1 + ((seen.length + r) % 13));
        seen.push(...p.items.filter((i) => i.type === 'tender.updated').map((i) => i.id));
        expect(p.nextCursor).toEqual(expect.any(String));
        cursor = p.nextCursor;
        if (caughtUpBefore && p.items.length === 0) {
          if (settledEmpty) return seen;
          settledEmpty = true; // one more empty page after everything is placed
        }
        if (p.items.length === 0) await sleep(20);
      }
    };

    const readers = Array.from({ length: 4 }, (_, r) => reader(r));
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    const results = await Promise.all(readers);

    expect(committed.size).toBeGreaterThan(WRITERS * TXS);
    expect(rolledBack.size).toBeGreaterThan(0);
    for (const seen of results) {
      // exactly once each, nothing rolled back, nothing missing
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => rolledBack.has(id))).toEqual([]);
      expect([...committed.keys()].filter((id) => !seen.includes(id))).toEqual([]);
      expect(seen.length).toBe(committed.size);
      // consistent with commit order: what committed before a transaction began comes before its items
      const index = new Map(seen.map((id, i) => [id, i]));
      const items = [...committed.entries()];
      const violations: string[] = [];
      for (const [a, ca] of items)
        for (const [b, cb] of items)
          if (ca.committed < cb.began && index.get(a)! > index.get(b)!) violations.push(`${a} before ${b}`);
      expect(violations).toEqual([]);
    }
    // one order for everybody
    for (const seen of results.slice(1)) expect(seen).toEqual(results[0]);
  });

  it('shows each caller what the contract lists, and nobody but the bidder any bid event', async () => {
    const caseX = randomUUID();
    const caseY = randomUUID();
    const [pA, pB] = Object.values(x.providerUsers);
    const marker = randomUUID();
    const items: NewFeedItem[] = [
      { type: 'tender.published', caseId: caseX, ocid: 'ocds-mkbuy1-x', consortiumId: x.consortiumId },
      { type: 'bid.received', caseId: caseX, ocid: null, consortiumId: x.consortiumId, providerId: pA.providerId },
      { type: 'bid.received', caseId: caseX, ocid: null, consortiumId: x.consortiumId, providerId: pB.providerId },
      { type: 'case.transitioned', caseId: caseX, ocid: null, consortiumId: x.consortiumId },
      { type: 'flag.raised', caseId: caseY, ocid: null, consortiumId: y.consortiumId },
      { type: 'debrief.published', caseId: caseX, ocid: null, consortiumId: x.consortiumId, providerId: pB.providerId },
      { type: 'case.cancelled', caseId: caseY, ocid: 'ocds-mkbuy1-y', consortiumId: y.consortiumId },
    ].map((i) => ({ ...i, data: { marker } }) as NewFeedItem);
    await ds.transaction(async (tx) => {
      for (const i of items) await feed.append(tx, i);
    });
    const everything = async (token: string | null) => {
      const out: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const p = await page(token, cursor, 200);
        out.push(...p.items.filter((i) => i.data.marker === marker).map((i) => i.type));
        cursor = p.nextCursor;
        if (p.items.length < 200) return out;
      }
    };
    await eventually(async () => (await everything(null)).length === 2);
    expect(await everything(null)).toEqual(['tender.published', 'case.cancelled']);
    expect(await everything(pA.token)).toEqual(['tender.published', 'bid.received', 'case.cancelled']);
    expect(await everything(pB.token)).toEqual([
      'tender.published',
      'bid.received',
      'debrief.published',
      'case.cancelled',
    ]);
    expect(await everything(x.commissioner.token)).toEqual(['tender.published', 'case.transitioned', 'case.cancelled']);
    expect(await everything(x.governance.token)).toEqual(['tender.published', 'case.transitioned', 'case.cancelled']);
    expect(await everything(y.governance.token)).toEqual(['tender.published', 'flag.raised', 'case.cancelled']);
    expect(await everything(x.outsider.token)).toEqual(['tender.published', 'case.cancelled']);
    // provider A's page never names B's bid, not even by id
    const a = await page(pA.token, null, 200);
    expect(JSON.stringify(a)).not.toContain(pB.providerId);
  });

  it('cursors are opaque, change every time, and only the server can make one', async () => {
    const first = await page(null, null, 1);
    const again = await page(null, null, 1);
    expect(first.nextCursor).not.toEqual(again.nextCursor); // same position, different cursor
    expect(first.nextCursor).not.toMatch(/^\d+$/);
    // following either gives the same next item
    const n1 = await page(null, first.nextCursor, 1);
    const n2 = await page(null, again.nextCursor, 1);
    expect(n1.items.map((i) => i.id)).toEqual(n2.items.map((i) => i.id));
    for (const bad of [
      'nope',
      Buffer.from('{"position":1}').toString('base64url'),
      first.nextCursor.slice(0, -2) + 'AA',
    ]) {
      const res = await t.http.get('/api/v1/feed').query({ after: bad });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const res = await t.http.get('/api/v1/feed').query({ limit: 0 });
    expect(res.status).toBe(400);
    // a token that is sent must be valid
    const unauth = await t.http.get('/api/v1/feed').set('Authorization', 'Bearer not-a-token');
    expect(unauth.status).toBe(401);
  });
});
