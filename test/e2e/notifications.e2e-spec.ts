import type { NotificationView } from '@makebuy/notifications';
/**
 * Notifications: what people are told about the cases they take part in, through
 * GET /notifications, and what they must not be told (nothing sealed before tendering closes).
 */
import { DataSource } from 'typeorm';
import { NotificationsService } from '@makebuy/notifications';
import { CaseWorkflow } from '@makebuy/case-workflow';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

jest.setTimeout(60_000);

type Notification = NotificationView;

describe('notifications', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let ds: DataSource;
  const extraAudience = new Map<string, string[]>();

  beforeAll(async () => {
    t = await startTestApp({ suite: 'notifications' });
    g = given(t);
    ds = t.app.get(DataSource);
    // a feature's audience: here, whoever the test names for a case, added to the workflow's notice audience
    const workflow = t.app.get(CaseWorkflow);
    const audienceOf = workflow.noticeAudience.bind(workflow);
    workflow.noticeAudience = async (tx, row, notice) => [
      ...(await audienceOf(tx, row, notice)),
      ...(notice === 'cancelled' ? (extraAudience.get(row.id) ?? []) : []),
    ];
    w = await g.world();
  });
  afterAll(() => t?.close());

  const list = async (token: string, query = '') => {
    const res = await g.get(token, `/notifications${query}`);
    expect(res.status).toBe(200);
    return res.body as { items: Notification[]; nextCursor: string | null };
  };
  const ofCase = async (token: string, caseId: string) =>
    (await list(token, '?limit=200')).items.filter((n) => n.caseId === caseId);

  it('publishing a tender tells the panel, the creator and every provider; the text names no bidder and no count', async () => {
    const c = await g.caseInTendering(w);
    const rival = w.providerUsers[w.trust.id];
    const before = await ofCase(rival.token, c.id);
    const first = w.providerUsers[w.independent.id];
    await g.bid(first, c.id);
    for (const who of [w.commissioner, ...w.panel, rival, first]) {
      const mine = await ofCase(who.token, c.id);
      expect(mine.map((n) => n.kind)).toEqual(['tender_published']);
      expect(mine[0]).toMatchObject({ read: false, readAt: null, title: expect.stringContaining('Tender published') });
      expect(mine[0].data).toEqual({
        notice: 'tender_published',
        caseId: c.id,
        state: 'tendering',
        tenderClosesAt: c.tender.closesAt,
      });
    }
    // a bid changes nothing a rival is told: no bidder's name, no number of bids
    const after = await ofCase(rival.token, c.id);
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).not.toContain(w.independent.name);
  });

  it('cancelling tells the panel, the creator, the bidders and registered audiences, but not providers who did not bid', async () => {
    const c = await g.caseInTendering(w);
    const bidder = w.providerUsers[w.socialEnterprise.id];
    await g.bid(bidder, c.id);
    extraAudience.set(c.id, [w.outsider.id, 'system:not-a-person', 'admin-test']);
    await g.event(w.governance.token, c.id, { type: 'CANCEL', reasonCode: 'budget', note: 'funding withdrawn' });
    for (const who of [w.commissioner, w.panel[0], bidder, w.outsider]) {
      const cancelled = (await ofCase(who.token, c.id)).filter((n) => n.kind === 'cancelled');
      expect(cancelled).toHaveLength(1);
      expect(cancelled[0].body).toContain('budget');
    }
    const bystander = await ofCase(w.providerUsers[w.trust.id].token, c.id);
    expect(bystander.map((n) => n.kind)).toEqual(['tender_published']);
  });

  it('governance officers who act on a case hear when it needs their review', async () => {
    const c = await g.caseInRouteDecision(w);
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[1].id],
      psrProcess: 'direct_award_c',
      justification: 'the practices are ready',
    });
    await g.waitForState(w.governance.token, c.id, 'governance_review');
    const review = await eventually(async () =>
      (await ofCase(w.governance.token, c.id)).find((n) => n.kind === 'governance_review_needed'),
    );
    expect(review.title).toContain('Governance review needed');
  });

  it('lists newest first, pages with a cursor, filters unread, and marks read (idempotently)', async () => {
    const p = w.panel[1];
    const all = await list(p.token, '?limit=200');
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const stamps = all.items.map((n) => Date.parse(n.createdAt));
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(p.token, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((n) => n.id));

    const target = all.items[1];
    const read = await g.post(p.token, `/notifications/${target.id}/read`, {});
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: target.id, read: true, readAt: expect.any(String) });
    const again = await g.post(p.token, `/notifications/${target.id}/read`, {});
    expect(again.body.readAt).toBe(read.body.readAt);

    const unread = await list(p.token, '?unread=true&limit=200');
    expect(unread.items.map((n) => n.id)).not.toContain(target.id);
    expect(unread.items).toHaveLength(all.items.length - 1);
    expect(unread.items.every((n) => !n.read)).toBe(true);
  });

  it('is private: someone else’s notification is 404, a token without a person 403, no token 401', async () => {
    const mine = (await list(w.panel[1].token)).items[0];
    const other = await g.post(w.panel[2].token, `/notifications/${mine.id}/read`, {});
    expect([other.status, other.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await g.post(w.panel[2].token, `/notifications/not-an-id/read`, {})).status).toBe(404);
    const admin = await g.get(await t.adminToken(), '/notifications');
    expect([admin.status, admin.body.code]).toEqual([403, 'FORBIDDEN']);
    const none = await t.http.get('/api/v1/notifications');
    expect([none.status, none.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('rejects bad paging and unknown parameters with 400', async () => {
    for (const q of ['?limit=0', '?limit=201', '?limit=x', '?unread=yes', '?cursor=garbage', '?colour=blue']) {
      const res = await g.get(w.panel[1].token, `/notifications${q}`);
      expect([q, res.status, res.body.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
    }
  });

  it('notify() is idempotent per person and dedupe key and skips ids that are not people', async () => {
    const svc = t.app.get(NotificationsService);
    const send = () =>
      ds.transaction((tx) =>
        svc.notify(tx, [w.outsider.id, w.outsider.id.toUpperCase(), 'system:deadlines', w.governance.id], {
          kind: 'deadline_reminder',
          title: 'Reminder',
          body: 'something is due',
          dedupeKey: 'test-reminder-1',
        }),
      );
    expect(await send()).toBe(2);
    expect(await send()).toBe(0);
    const got = (await list(w.outsider.token, '?limit=200')).items.filter((n) => n.title === 'Reminder');
    expect(got).toHaveLength(1);
  });
});
