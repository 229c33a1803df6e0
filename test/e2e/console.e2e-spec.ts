/// <reference lib="dom" />
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { ensureConsoleBuilt, expectAccessible, launchBrowser, screenshot } from '../support/browser';

/** The web console in a real browser (Debian's Chromium), against the real API and worker. */
describe('console (browser)', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp({ suite: 'console', timeAcceleration: 50_000, env: { CONSOLE_DEV_SIGNIN: 'true' } });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    g = given(t);
    w = await g.world();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A fresh browser profile; nothing leaves loopback (the NHS fonts host is unreachable here). */
  async function context(): Promise<BrowserContext> {
    const ctx = await browser.newContext({ baseURL: base });
    ctx.setDefaultTimeout(15_000);
    await ctx.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (r) => r.abort());
    // a script error in the page is a failure of its own, reported where the journey stops
    ctx.on('weberror', (e) => console.warn(`console page error: ${e.error().message}`));
    return ctx;
  }

  async function signedIn(name: string): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto('/console/sign-in');
    await page.getByLabel(name, { exact: true }).check();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    return { ctx, page };
  }

  /**
   * Sends a case event through its form and waits until the case has left `from`. At this suite's time
   * acceleration a stage's SLA reminder falls due within seconds, so on a slow machine a deadline can change the
   * case between the page loading it and the click: the console then says so, shows the case as it is now and
   * keeps what was typed, and the same click sends the event again.
   */
  async function sendEvent(page: Page, form: Locator, from: string): Promise<void> {
    const left = page.locator(`[data-state][data-active]:not([data-state^="case.${from}"])`);
    const typed = await form
      .locator('textarea, input[type="text"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    for (let attempt = 1; ; attempt++) {
      const shown = (await page.locator('dt:text-is("Version") + dd').textContent())!.trim();
      await form.getByRole('button').click();
      const changed = form.locator('.nhsuk-error-summary').filter({ hasText: `not ${shown})` });
      await left.or(changed).first().waitFor();
      if (!(await changed.isVisible())) return;
      expect(await changed.textContent()).toContain('The case changed after this page loaded it');
      expect(
        await form
          .locator('textarea, input[type="text"]')
          .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      ).toEqual(typed);
      expect(attempt).toBeLessThan(5);
    }
  }

  it('serves public pages without signing in, accessible at WCAG 2.2 AA', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto('/console/public/interests');
    await page.getByRole('heading', { name: 'Register of interests' }).waitFor();
    await page.getByRole('table').waitFor();
    await expectAccessible(page, 'register of interests');
    await screenshot(page, 'register-of-interests');
    await ctx.close();
  });

  it('lists directory people on the development sign-in page and keeps the token out of script', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto('/console/sign-in');
    await page.getByLabel(w.governance.name, { exact: true }).waitFor();
    await expectAccessible(page, 'sign in');
    await screenshot(page, 'sign-in');
    await page.getByLabel(w.governance.name, { exact: true }).check();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    const cookies = await ctx.cookies();
    const session = cookies.find((c) => c.name === 'mb_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain(session.value);
    expect(
      await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })),
    ).not.toContain(session.value);
    await ctx.close();
  });

  it('refuses a cookie-authenticated write without the CSRF token of its session', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto('/console/sign-in');
    await page.getByLabel(w.commissioner.name, { exact: true }).check();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    const c = await g.draftCase(w);
    const statuses = await page.evaluate(async (id) => {
      const body = JSON.stringify({ type: 'SUBMIT' });
      const headers = { 'Content-Type': 'application/json' };
      const without = await fetch(`/api/v1/cases/${id}/events`, { method: 'POST', body, headers });
      const forged = await fetch(`/api/v1/cases/${id}/events`, {
        method: 'POST',
        body,
        headers: { ...headers, 'X-CSRF-Token': 'forged' },
      });
      const read = await fetch(`/api/v1/cases/${id}`);
      return [without.status, forged.status, read.status];
    }, c.id);
    expect(statuses).toEqual([401, 401, 200]);
    const after = await g.get(w.commissioner.token, `/cases/${c.id}`);
    expect(after.body.version).toBe(c.version);
    await ctx.close();
  });

  it('a commissioner opens a case, sees where it stands on the diagram and submits it', async () => {
    const title = `Minor surgery redesign ${Date.now()}`;
    const c = await g.draftCase(w, { title });
    const { ctx, page } = await signedIn(w.commissioner.name);
    await page.goto(`/console/cases`);
    await expectAccessible(page, 'cases list');
    await screenshot(page, 'cases');
    await page.getByRole('link', { name: title }).click();
    await page.locator('[data-state="case.draft"][data-active]').waitFor();
    await expectAccessible(page, 'case page');
    await screenshot(page, 'case-draft');
    await page.getByRole('form', { name: 'SUBMIT' }).getByRole('button').click();
    await page.locator('[data-state="case.conflict_check"][data-active]').waitFor();
    expect((await g.get(w.commissioner.token, `/cases/${c.id}`)).body.state).toBe('conflict_check');
    await ctx.close();
  });

  it('shows every problem from the API in an error summary naming its field, keeping what was typed', async () => {
    const c = await g.draftCase(w);
    const { ctx, page } = await signedIn(w.commissioner.name);
    await page.goto(`/console/cases/${c.id}`);
    const form = page.getByRole('form', { name: 'CANCEL' });
    await form.getByLabel('Note').fill('typed before the error');
    await form.getByRole('button').click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('VALIDATION_FAILED');
    expect(await summary.textContent()).toContain('reasonCode');
    expect(await form.getByLabel('Note').inputValue()).toBe('typed before the error');
    await expectAccessible(page, 'case page with an error');
    await ctx.close();
  });

  it('a governance officer reviews declarations and completes the conflict check', async () => {
    const c = await g.caseInConflictCheck(w);
    // one panel member declares through the console; the others through the API
    const member = await signedIn(w.panel[1].name);
    await member.page.goto(`/console/cases/${c.id}#declarations`);
    const declare = member.page.getByRole('form', { name: 'Your declaration for this case' });
    await declare.getByLabel('Nothing to declare (nil return)').check();
    await expectAccessible(member.page, 'declaration form');
    await declare.getByRole('button', { name: 'Send declaration' }).click();
    await declare.waitFor({ state: 'detached' });
    await member.ctx.close();
    for (const m of w.panel.filter((x) => x.id !== w.panel[1].id))
      await g.post(m.token, `/cases/${c.id}/declarations`, { interestIds: [], nilReturn: true }, 201);
    const { ctx, page } = await signedIn(w.governance.name);
    // the worklist names each declaration waiting for review, and links to where it is done
    const title = (await g.get(w.governance.token, `/cases/${c.id}`)).body.title as string;
    const rows = page.getByRole('row').filter({ hasText: title }).filter({ hasText: 'review declaration' });
    await rows.first().waitFor();
    expect(await rows.count()).toBe(w.panel.length);
    await expectAccessible(page, 'my tasks');
    await screenshot(page, 'governance-tasks');
    await rows.first().getByRole('link').click();
    await page.getByRole('heading', { name: 'Panel and declarations' }).waitFor();
    for (const m of w.panel) {
      const form = page.getByRole('form', { name: `Review the declaration of ${m.name}` });
      await form.getByLabel('Mitigation').selectOption('none');
      await form.getByLabel('Note').fill('nil return, nothing to mitigate');
      await form.getByRole('button').click();
      await form.waitFor({ state: 'detached' });
    }
    await screenshot(page, 'case-declarations-reviewed');
    await sendEvent(page, page.getByRole('form', { name: 'COMPLETE CONFLICT CHECK' }), 'conflict_check');
    await page.locator('[data-state="case.route_decision"][data-active]').waitFor();
    await expectAccessible(page, 'case in route decision');
    await page.getByRole('link', { name: 'My tasks' }).first().click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await page.getByRole('table').or(page.getByText('Nothing is waiting for you.')).first().waitFor();
    expect(await page.getByRole('row').filter({ hasText: title }).count()).toBe(0);
    await ctx.close();
  });

  it('a provider finds the tender, bids through the form, and follows the bid after close', async () => {
    const title = `Dermatology tender ${Date.now()}`;
    const c = await g.caseInTendering(w, { over: { title } });
    const spec = 'Clinics in four practices; the staff list is in annex B.\n';
    await t.http
      .post(`/api/v1/cases/${c.id}/documents`)
      .set(g.auth(w.commissioner.token))
      .field('title', 'Service specification')
      .field('documentType', 'technicalSpecifications')
      .attach('file', Buffer.from(spec), { filename: 'specification.txt', contentType: 'text/plain' })
      .expect(201);
    const provider = w.providerUsers[w.trust.id];
    const { ctx, page } = await signedIn(provider.name);
    await page.getByRole('link', { name: 'Open tenders' }).first().click();
    await expectAccessible(page, 'open tenders');
    await screenshot(page, 'provider-tenders');
    await page.getByRole('link', { name: title }).click();
    const form = page.getByRole('form', { name: 'Your bid' });
    await form.getByLabel('Annual price (£)').fill('185000');
    for (const label of await form.locator('textarea').all())
      await label.fill('We will run clinics in four practices.');
    await expectAccessible(page, 'tender');
    await screenshot(page, 'provider-tender');
    // the specification downloads as an attachment, byte for byte
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Service specification/ }).click(),
    ]);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync((await download.path())!, 'utf8')).toBe(spec);
    await form.getByLabel(/Attachments/).setInputFiles({
      name: 'method-statement.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('How we will run the clinics.\n'),
    });
    await form.getByRole('button', { name: 'Submit bid' }).click();
    await page.getByRole('status').filter({ hasText: 'Bid saved' }).waitFor();
    const myBid = (await g.get(provider.token, '/bids')).body.items.find((b: { caseId: string }) => b.caseId === c.id);
    const attached = await g.get(provider.token, `/tenders/${c.id}/bids/${myBid.id}/documents`);
    expect(attached.body.items.map((d: { fileName: string }) => d.fileName)).toEqual(['method-statement.txt']);
    const mine = await g.get(provider.token, '/bids');
    expect(mine.body.items.map((b: { caseId: string }) => b.caseId)).toContain(c.id);
    const rival = await g.bid(w.providerUsers[w.independent.id], c.id, 230000);
    await g.waitForState(w.commissioner.token, c.id, 'evaluation', 120_000);
    await page.goto('/console/bids');
    await page.getByRole('heading', { name: title }).waitFor();
    // the panel prefers the rival: the provider's debrief shows its scores against the awardee's
    const own = (await g.get(provider.token, '/bids')).body.items.find((b: { caseId: string }) => b.caseId === c.id);
    for (const m of w.panel) {
      await g.score(m, c.id, own.id, 6);
      await g.score(m, c.id, rival.id, 8);
    }
    await g.event(w.decider.token, c.id, { type: 'PROPOSE_AWARD', bidId: rival.id, justification: 'highest score' });
    await g.waitForState(w.commissioner.token, c.id, 'standstill', 60_000);
    await page.reload();
    await page.getByRole('table', { name: /Your scores and the awardee's/ }).waitFor();
    const card = await page.locator('main').textContent();
    expect(card).toContain(`Awarded to ${w.independent.name}`);
    expect(card).toContain('ranked 2 of 2');
    await expectAccessible(page, 'my bids with a debrief');
    await screenshot(page, 'provider-bids');
    await ctx.close();
  });

  it('a governance officer finds a blocking flag in the queue, accepts it and approves the award', async () => {
    const c = await g.caseInRouteDecision(w);
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[1].id],
      psrProcess: 'direct_award_c',
      justification: 'the existing practice performs well',
    });
    await g.waitForState(w.commissioner.token, c.id, 'governance_review', 60_000);
    const { ctx, page } = await signedIn(w.governance.name);
    await page.getByRole('link', { name: 'Flag queue' }).first().click();
    await page.getByLabel('Code').selectOption('MEMBER_PRACTICE_AWARD');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expectAccessible(page, 'flag queue');
    await screenshot(page, 'governance-flags');
    await page.locator(`a[href="/console/cases/${c.id}#flags"]`).first().click();
    const resolve = page.getByRole('form', { name: 'Resolve member practice award' });
    await resolve.getByLabel('Resolution').selectOption('accepted');
    await resolve.getByLabel('Justification').fill('the practice is the only one with the service in place');
    await resolve.getByRole('button').click();
    await resolve.waitFor({ state: 'detached' });
    const approve = page.getByRole('form', { name: 'APPROVE AWARD' });
    await approve.getByLabel('Approval note').fill('conflicts managed; award approved');
    await sendEvent(page, approve, 'governance_review');
    await page.locator('[data-state="case.standstill"][data-active]').waitFor();
    await page.getByRole('heading', { name: 'Notices' }).waitFor();
    await screenshot(page, 'case-standstill');
    await ctx.close();

    // the public, without signing in: who decided, the conflicts and how they were handled
    const pub = await context();
    const reader = await pub.newPage();
    await reader.goto(`/console/public/decisions/${c.id}`);
    await reader.getByRole('heading', { name: 'Who decided' }).waitFor();
    const record = await reader.locator('main').textContent();
    expect(record).toContain(w.decider.name);
    expect(record).toContain(w.gpPartner.name);
    expect(record).not.toMatch(/@example\.org/);
    await expectAccessible(reader, 'decision record');
    await screenshot(reader, 'public-decision');
    await reader.goto('/console/public/decisions');
    await reader.getByRole('heading', { name: /Annual summary/ }).waitFor();
    await expectAccessible(reader, 'decisions register');
    await reader.goto('/console/public/notices');
    await reader
      .getByRole('link', { name: /intention to award/ })
      .first()
      .click();
    await reader.getByRole('heading', { name: /Intention to award/i }).waitFor();
    await expectAccessible(reader, 'notice');
    await screenshot(reader, 'public-notice');
    await pub.close();
  });

  it('a commissioner raises a case, publishes the tender and proposes the award, all through forms', async () => {
    const title = `Diabetes follow-up redesign ${Date.now()}`;
    const { ctx, page } = await signedIn(w.commissioner.name);
    await page.goto('/console/cases/new');
    const form = page.getByRole('form', { name: 'Raise a case' });
    await form.getByLabel('Title').fill(title);
    await form.getByLabel('Service').fill('Diabetes follow-up');
    await form.getByLabel('Estimated annual value (£)').fill('300000');
    // v1.1: decisions come from the panel, so the commissioner sits on it
    for (const m of [w.commissioner, ...w.panel]) await form.getByLabel(m.name, { exact: true }).check();
    await expectAccessible(page, 'raise a case');
    await screenshot(page, 'commissioner-new-case');
    await form.getByRole('button', { name: 'Raise case' }).click();
    await page.locator('[data-state="case.draft"][data-active]').waitFor();
    const caseId = page.url().split('/cases/')[1].split('#')[0];
    const upload = page.getByRole('form', { name: 'Upload a document' });
    await upload.getByLabel('Title').fill('Service specification');
    await upload.getByLabel(/^File/).setInputFiles({
      name: 'specification.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Follow-up clinics for adults with type 2 diabetes.\n'),
    });
    await upload.getByRole('button', { name: 'Upload document' }).click();
    await page.getByRole('link', { name: 'Service specification' }).waitFor();
    await page.getByRole('form', { name: 'SUBMIT' }).getByRole('button').click();
    await page.locator('[data-state="case.conflict_check"][data-active]').waitFor();
    await g.declareAndReview(w, caseId, {}, [w.commissioner, ...w.panel]);
    await g.event(w.governance.token, caseId, { type: 'COMPLETE_CONFLICT_CHECK' });
    await page.reload();
    const buy = page.getByRole('form', { name: 'DECIDE BUY' });
    await buy.getByLabel('value', { exact: true }).fill('20');
    await buy.getByLabel('social value').fill('20');
    await buy.getByRole('button').click();
    await page.locator('[data-state="case.tendering"][data-active]').waitFor();
    const tender = await g.get(w.commissioner.token, `/tenders/${caseId}`);
    expect(tender.body.criteria).toEqual(
      expect.arrayContaining([
        { key: 'value', weight: 20 },
        { key: 'social_value', weight: 20 },
      ]),
    );
    const b1 = await g.bid(w.providerUsers[w.trust.id], caseId, 180000);
    await g.bid(w.providerUsers[w.independent.id], caseId, 210000);
    await g.waitForState(w.commissioner.token, caseId, 'evaluation', 120_000);
    const bids = (await g.get(w.commissioner.token, `/tenders/${caseId}/bids`)).body.items as { id: string }[];
    for (const m of [w.commissioner, ...w.panel])
      for (const b of bids) await g.score(m, caseId, b.id, b.id === b1.id ? 8 : 6);
    await page.reload();
    const propose = page.getByRole('form', { name: 'PROPOSE AWARD' });
    await propose.getByLabel('Bid to award').selectOption(b1.id);
    await propose
      .getByLabel('Justification against the key criteria')
      .fill('highest weighted score on every criterion');
    await page
      .getByRole('table', { name: /Scores for .* per evaluator and criterion/ })
      .first()
      .waitFor();
    await expectAccessible(page, 'case in evaluation');
    await screenshot(page, 'commissioner-evaluation');
    await sendEvent(page, propose, 'evaluation');
    await g.waitForState(w.commissioner.token, caseId, 'standstill', 60_000);
    await ctx.close();
  });

  it('an administrator keeps directory roles and opens the queue dashboard with the console session', async () => {
    const { ctx, page } = await signedIn('Administrator');
    await page.getByRole('link', { name: 'Directory' }).first().click();
    await page.getByRole('form', { name: `Roles of ${w.commissioner2.name}` }).waitFor();
    await expectAccessible(page, 'directory');
    await screenshot(page, 'admin-directory');
    const roles = page.getByRole('form', { name: `Roles of ${w.commissioner2.name}` });
    await roles.getByLabel('governance').check();
    await roles.getByRole('button', { name: 'Save roles' }).click();
    const admin = await t.adminToken();
    await eventually(async () => {
      const roles = (await g.get(admin, `/people/${w.commissioner2.id}`)).body.roles as string[];
      return roles.includes('governance') && roles.includes('commissioner');
    });
    const board = await page.goto('/admin/queues');
    expect(board?.status()).toBe(200);
    expect(await page.content()).toContain('<div id="root"');
    await ctx.close();
  });
});
