import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ManualClock } from '@makebuy/settings';
import { given, Person, ProviderUser, World } from '../support/given';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { files } from '../support/documents';

/**
 * Tender content and documents, played through the API on a manual clock (deadlines fall due when
 * the test moves the clock; the worker carries them out). Each role uploads, versions, lists and
 * downloads before and after publication and close; bid documents stay sealed like bids; refused
 * files leave nothing behind; receipts and BIDS_OPENED verify, and tampering is reported.
 */
describe('tender content and documents', () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const MAX = 256 * 1024;
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let ds: DataSource;
  let trust: ProviderUser;
  let independent: ProviderUser;
  let social: ProviderUser;
  const DAY = 24 * 3600 * 1000;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'documents', clock, env: { DOCUMENT_MAX_BYTES: String(MAX) } });
    g = given(t);
    ds = t.app.get(DataSource);
    w = await g.world();
    trust = w.providerUsers[w.trust.id];
    independent = w.providerUsers[w.independent.id];
    social = w.providerUsers[w.socialEnterprise.id];
  });
  afterAll(() => t.close());

  // ---- helpers ----

  const tick = () => clock.advance(1000);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const spec = { title: 'Service specification', documentType: 'technicalSpecifications' };

  function upload(
    token: string | null,
    path: string,
    body: Buffer,
    fileName: string,
    fields: Record<string, string> = spec,
    contentType = 'application/octet-stream',
  ) {
    tick();
    let req = t.http.post(`/api/v1${path}`);
    if (token) req = req.set(g.auth(token));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    // filepath: sent as given (form-data would cut `filename` down to its base name)
    return req.attach('file', body, { filepath: fileName, contentType } as never);
  }
  const caseDoc = (
    who: Person,
    caseId: string,
    body: Buffer,
    fileName: string,
    fields: Record<string, string> = spec,
  ) => upload(who.token, `/cases/${caseId}/documents`, body, fileName, fields);
  const bidDoc = (u: ProviderUser, caseId: string, bidId: string, body: Buffer, fileName: string, fields?: object) =>
    upload(u.token, `/tenders/${caseId}/bids/${bidId}/documents`, body, fileName, {
      title: 'Method statement',
      documentType: 'submissionDocuments',
      ...(fields ?? {}),
    });

  const download = (token: string | null, id: string) => {
    let req = t.http.get(`/api/v1/documents/${id}/content`);
    if (token) req = req.set(g.auth(token));
    return req.buffer(true).parse((res, cb) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => cb(null, Buffer.concat(parts)));
    });
  };
  const meta = (token: string | null, id: string) => {
    const req = t.http.get(`/api/v1/documents/${id}`);
    return token ? req.set(g.auth(token)) : req;
  };
  const caseOf = async (who: Person, caseId: string) => (await g.get(who.token, `/cases/${caseId}`)).body;
  const history = async (caseId: string) =>
    (await g.get(w.commissioner.token, `/cases/${caseId}/history?limit=200`)).body.items as {
      type: string;
      payload: Record<string, unknown>;
    }[];
  const notifications = async (who: Person) =>
    (await g.get(who.token, '/notifications?limit=200')).body.items as { kind: string; caseId: string }[];
  const stored = async () => {
    const [r] = await ds.query(
      `SELECT (SELECT count(*) FROM documents)::int AS documents, (SELECT count(*) FROM document_blobs)::int AS blobs,
              (SELECT count(*) FROM document_chunks)::int AS chunks`,
    );
    return r as { documents: number; blobs: number; chunks: number };
  };
  const revise = async (u: ProviderUser, caseId: string, bidId: string, amount: number) => {
    tick();
    const res = await t.http
      .put(`/api/v1/tenders/${caseId}/bids/${bidId}`)
      .set(g.auth(u.token))
      .send({ price: { amount, currency: 'GBP' }, responses: g.responses });
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Moves the clock past tenderClosesAt; the worker closes tendering. */
  const closeTendering = async (caseId: string) => {
    const c = await caseOf(w.commissioner, caseId);
    clock.set(new Date(Date.parse(c.tender.closesAt) + 1000));
    return g.waitForState(w.commissioner.token, caseId, 'evaluation');
  };
  /** A published tender closing in 30 days. */
  const tenderingCase = async (over: Record<string, unknown> = {}, mitigations: Record<string, string> = {}) => {
    const closesAt = new Date(clock.now().getTime() + 30 * DAY).toISOString();
    return g.caseInTendering(w, { tenderClosesAt: closesAt, over, mitigations });
  };

  // ---- case content ----

  it('a case carries a description and a CPV code (check digit verified); the tender view shows them with value, term and documents', async () => {
    const bad = await g.post(w.commissioner.token, '/cases', g.caseBody(w, { cpvCode: '85121200-4' }));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(bad.body.errors)).toContain('check digit');
    expect((await g.post(w.commissioner.token, '/cases', g.caseBody(w, { cpvCode: '8512120-5' }))).status).toBe(400);
    const long = await g.post(w.commissioner.token, '/cases', g.caseBody(w, { description: 'x'.repeat(20001) }));
    expect(long.status).toBe(400);

    const description = 'Community dermatology for 120,000 patients: triage, minor surgery and teledermatology.';
    const c = await g.draftCase(w, { description, cpvCode: '85121200-5' });
    expect(c).toMatchObject({ description, cpvCode: '85121200-5' });
    const d = await caseDoc(w.commissioner, c.id, files.pdf(), 'specification.pdf');
    expect(d.status).toBe(201);
    await g.event(w.commissioner.token, c.id, { type: 'SUBMIT' });
    await g.declareAndReview(w, c.id);
    await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_BUY',
      criteria: g.criteria,
      tenderClosesAt: new Date(clock.now().getTime() + 30 * DAY).toISOString(),
    });
    const tender = (await g.get(trust.token, `/tenders/${c.id}`)).body;
    expect(tender).toMatchObject({
      description,
      cpvCode: '85121200-5',
      estimatedAnnualValue: { amount: 250000, currency: 'GBP' },
      termMonths: 36,
    });
    expect(tender.documents).toEqual([expect.objectContaining({ id: d.body.id, fileName: 'specification.pdf' })]);
  });

  // ---- case documents by role, before and after publication ----

  it('draft: the creator and panel commissioners upload and version; readers read; others get 403 or 404; nothing is public yet', async () => {
    const c = await g.draftCase(w);
    const v0 = (await caseOf(w.commissioner, c.id)).version;
    const pdf = files.pdf('version one');
    const first = await caseDoc(w.commissioner, c.id, pdf, 'specification.pdf');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      title: 'Service specification',
      documentType: 'technicalSpecifications',
      fileName: 'specification.pdf',
      mediaType: 'application/pdf',
      size: pdf.length,
      sha256: sha(pdf),
      version: 1,
      replacesId: null,
      uploadedAt: expect.any(String),
    });
    // audited as a case event: the case moves on a version
    expect(first.headers.etag).toBe(`"${v0 + 1}"`);
    expect((await history(c.id)).map((e) => e.type)).toContain('CASE_DOCUMENT_ADDED');

    // a panel commissioner adds an annex; a commissioner off the panel may not; strangers see nothing
    const annex = await caseDoc(w.panel[1], c.id, files.odt(), 'annex-b-staff.odt', {
      title: 'Annex B: staff list',
      documentType: 'biddingDocuments',
    });
    expect(annex.status).toBe(201);
    expect(annex.body.mediaType).toBe('application/vnd.oasis.opendocument.text');
    expect((await caseDoc(w.commissioner2, c.id, files.pdf(), 'x.pdf')).body.code).toBe('FORBIDDEN');
    expect((await caseDoc(w.outsider, c.id, files.pdf(), 'x.pdf')).status).toBe(404);
    expect((await caseDoc(trust, c.id, files.pdf(), 'x.pdf')).status).toBe(404);
    expect((await upload(null, `/cases/${c.id}/documents`, files.pdf(), 'x.pdf')).status).toBe(401);

    // a new version replaces the latest; the old stays readable; an old version cannot be replaced twice
    const pdf2 = files.pdf('version two');
    const second = await caseDoc(w.commissioner, c.id, pdf2, 'specification-v2.pdf', {
      ...spec,
      replacesId: first.body.id,
    });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ version: 2, replacesId: first.body.id, sha256: sha(pdf2) });
    const again = await caseDoc(w.commissioner, c.id, files.pdf(), 'x.pdf', { ...spec, replacesId: first.body.id });
    expect(again.status).toBe(409);
    const foreign = await caseDoc(w.commissioner, c.id, files.pdf(), 'x.pdf', {
      ...spec,
      replacesId: '00000000-0000-4000-8000-000000000000',
    });
    expect(foreign.status).toBe(400);

    // readers: the case's people; not public before publication
    const old = await download(w.governance.token, first.body.id);
    expect(old.status).toBe(200);
    expect(old.body.equals(pdf)).toBe(true);
    expect(old.headers['content-type']).toBe('application/pdf');
    expect(old.headers['content-disposition']).toBe('attachment; filename="specification.pdf"');
    expect(old.headers.etag).toBe(`"${sha(pdf)}"`);
    expect(
      (
        await t.http
          .get(`/api/v1/documents/${first.body.id}/content`)
          .set(g.auth(w.governance.token))
          .set('If-None-Match', `"${sha(pdf)}"`)
      ).status,
    ).toBe(304);
    expect((await meta(w.panel[2].token, second.body.id)).body).toMatchObject({ version: 2 });
    for (const who of [null, trust.token, w.outsider.token]) {
      expect((await meta(who, first.body.id)).status).toBe(404);
      expect((await download(who, first.body.id)).status).toBe(404);
    }
    expect((await t.http.get(`/api/v1/cases/${c.id}/documents`)).status).toBe(404);
    const list = (await g.get(w.commissioner.token, `/cases/${c.id}/documents`)).body.items;
    expect(list.map((d: { version: number; title: string }) => `${d.title} v${d.version}`).sort()).toEqual([
      'Annex B: staff list v1',
      'Service specification v1',
      'Service specification v2',
    ]);
  });

  it('a panel member excluded entirely may not add documents; published documents are public without a token', async () => {
    const c = await g.caseInConflictCheck(w);
    await g.declareAndReview(w, c.id, { [w.panel[0].id]: 'exclude_entirely' });
    const excluded = await caseDoc(w.panel[0], c.id, files.pdf(), 'x.pdf');
    expect(excluded.status).toBe(422);
    expect(excluded.body.code).toBe('EXCLUDED_BY_CONFLICT');
    const before = await caseDoc(w.panel[1], c.id, files.docx('Contract draft'), 'contract.docx', {
      title: 'Contract draft',
      documentType: 'contractDraft',
    });
    expect(before.status).toBe(201);
    await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_BUY',
      criteria: g.criteria,
      tenderClosesAt: new Date(clock.now().getTime() + 30 * DAY).toISOString(),
    });
    const anon = await download(null, before.body.id);
    expect(anon.status).toBe(200);
    expect(anon.body.equals(files.docx('Contract draft'))).toBe(true);
    expect((await meta(null, before.body.id)).body).toMatchObject({ title: 'Contract draft', version: 1 });
    expect((await t.http.get(`/api/v1/cases/${c.id}/documents`)).body.items).toHaveLength(1);
    // a bad token on a public read is still 401
    expect((await meta('not-a-token', before.body.id)).status).toBe(401);
  });

  // ---- tender changes: documents and AMEND_TENDER ----

  it('a tender document added or replaced tells the providers that asked or bid, and extends nothing; AMEND_TENDER moves the close later only', async () => {
    const c = await tenderingCase({}, { [w.panel[2].id]: 'exclude_from_decision' });
    const closesAt = (await caseOf(w.commissioner, c.id)).tender.closesAt;
    tick();
    await g.post(independent.token, `/tenders/${c.id}/questions`, { text: 'Is there a staff list?' }, 201);
    await g.bid(trust, c.id);
    const kindsFor = async (who: Person) =>
      (await notifications(who)).filter((n) => n.caseId === c.id).map((n) => n.kind);

    const annex = await caseDoc(w.commissioner, c.id, files.odt(), 'annex-b.odt', {
      title: 'Annex B: staff list',
      documentType: 'clarifications',
    });
    expect(annex.status).toBe(201);
    for (const who of [independent, trust])
      await eventually(async () => (await kindsFor(who)).includes('tender_document_changed'));
    expect(await kindsFor(social)).not.toContain('tender_document_changed');
    expect((await caseOf(w.commissioner, c.id)).tender.closesAt).toBe(closesAt);

    const early = await g.event(
      w.decider.token,
      c.id,
      { type: 'AMEND_TENDER', tenderClosesAt: new Date(Date.parse(closesAt) - DAY).toISOString(), reason: 'oops' },
      422,
    );
    expect(early.body.code).toBe('TENDER_PERIOD_TOO_SHORT');
    const later0 = new Date(Date.parse(closesAt) + DAY).toISOString();
    const amend = { type: 'AMEND_TENDER', tenderClosesAt: later0, reason: 'x' };
    // a decision: a panel member not excluded from decisions (off the panel: 403; excluded: 422)
    expect((await g.event(w.commissioner.token, c.id, amend, 403)).body.code).toBe('FORBIDDEN');
    expect((await g.event(w.panel[2].token, c.id, amend, 422)).body.code).toBe('EXCLUDED_BY_CONFLICT');
    expect((await caseOf(w.decider, c.id)).allowedEvents).toContain('AMEND_TENDER');
    expect((await caseOf(w.panel[2], c.id)).allowedEvents).not.toContain('AMEND_TENDER');
    expect(
      (await g.event(trust.token, c.id, { type: 'AMEND_TENDER', tenderClosesAt: closesAt, reason: 'x' }, 404)).status,
    ).toBe(404);
    const later = new Date(Date.parse(closesAt) + 7 * DAY).toISOString();
    const amended = await g.event(w.decider.token, c.id, {
      type: 'AMEND_TENDER',
      tenderClosesAt: later,
      reason: 'Annex B was revised; more time to price it',
    });
    expect(amended.body.tender.closesAt).toBe(later);
    expect((await g.get(trust.token, `/tenders/${c.id}`)).body.tenderPeriod.endDate).toBe(later);
    for (const who of [independent, trust])
      await eventually(async () => (await kindsFor(who)).includes('tender_amended'));
    expect(await kindsFor(social)).not.toContain('tender_amended');
    const deadlines = (await caseOf(w.commissioner, c.id)).deadlines as {
      kind: string;
      dueAt: string;
      status: string;
    }[];
    expect(deadlines.filter((d) => d.kind === 'tender_close' && d.status === 'pending').map((d) => d.dueAt)).toEqual([
      later,
    ]);
  });

  // ---- refusals ----

  it.each([
    ['larger than DOCUMENT_MAX_BYTES', Buffer.alloc(MAX * 4, 0x61), 'big.txt', 'too_large'],
    ['a type outside the allow-list', Buffer.from('MZ\x90\x00'), 'tool.exe', 'media_type_not_allowed'],
    ['a PDF renamed .docx', files.pdf(), 'statement.docx', 'signature_mismatch'],
    ['a path in the file name', files.pdf(), '../../etc/specification.pdf', 'file_name'],
    ['a Windows path in the file name', files.pdf(), 'C:\\tmp\\specification.pdf', 'file_name'],
    ['an empty file', Buffer.alloc(0), 'empty.pdf', 'empty'],
    ['text holding NUL', Buffer.from('a,b\n1,\u00002\n'), 'data.csv', 'contains_nul'],
    ['text that is not UTF-8', Buffer.from([0x61, 0x2c, 0xff, 0xfe, 0x0a]), 'data.csv', 'not_utf8'],
    ['a PNG sent as a JPEG', files.png(), 'photo.jpg', 'signature_mismatch'],
  ])('refuses %s with 422 DOCUMENT_REJECTED and stores nothing', async (_what, body, fileName, reason) => {
    const c = await tenderingCase();
    const b = await g.bid(trust, c.id);
    const before = await stored();
    const version = (await caseOf(w.commissioner, c.id)).version;
    for (const res of [
      await caseDoc(w.commissioner, c.id, body, fileName),
      await bidDoc(trust, c.id, b.id, body, fileName),
    ]) {
      expect(res.body).toMatchObject({ status: 422, code: 'DOCUMENT_REJECTED', reason });
    }
    expect(await stored()).toEqual(before);
    expect((await caseOf(w.commissioner, c.id)).version).toBe(version);
  });

  it('refuses a part whose Content-Type contradicts its name, and an upload with no file', async () => {
    const c = await g.draftCase(w);
    const before = await stored();
    const res = await upload(
      w.commissioner.token,
      `/cases/${c.id}/documents`,
      files.pdf(),
      'spec.pdf',
      spec,
      'image/png',
    );
    expect(res.body).toMatchObject({ code: 'DOCUMENT_REJECTED', reason: 'media_type_mismatch' });
    const none = await t.http
      .post(`/api/v1/cases/${c.id}/documents`)
      .set(g.auth(w.commissioner.token))
      .field('title', 'x')
      .field('documentType', 'technicalSpecifications');
    expect(none.status).toBe(400);
    // a bad field after a good file: the stored bytes are removed again
    const badField = await caseDoc(w.commissioner, c.id, files.pdf(), 'spec.pdf', { ...spec, documentType: 'novel' });
    expect(badField.status).toBe(400);
    expect(await stored()).toEqual(before);
  });

  // ---- sealed bid documents, receipts, opening ----

  it('bid documents are sealed like bids; receipts change with every sealed change; BIDS_OPENED holds the last; tampering is reported', async () => {
    const c = await tenderingCase();
    const b1 = await g.bid(trust, c.id, 210000);
    const receipts = [(await g.get(trust.token, `/tenders/${c.id}/bids/${b1.id}`)).body.receipt.sha256];
    receipts.push((await revise(trust, c.id, b1.id, 205000)).receipt.sha256);
    receipts.push((await revise(trust, c.id, b1.id, 199000)).receipt.sha256);
    expect(new Set(receipts).size).toBe(3);

    const caseBefore = await caseOf(w.commissioner, c.id);
    const historyBefore = await history(c.id);
    const notesBefore = await notifications(w.commissioner);

    const statement = files.docx('Our method statement');
    const att = await bidDoc(trust, c.id, b1.id, statement, 'method-statement.docx');
    expect(att.status).toBe(201);
    expect(att.body).toMatchObject({ fileName: 'method-statement.docx', sha256: sha(statement), version: 1 });
    expect(att.body.receipt.sha256).not.toBe(receipts[2]);
    const pricing = await bidDoc(trust, c.id, b1.id, files.xlsx(), 'pricing.xlsx', {
      title: 'Pricing schedule',
      documentType: 'billOfQuantity',
    });
    const pricing2 = await bidDoc(trust, c.id, b1.id, files.xlsx('Pricing schedule v2'), 'pricing-v2.xlsx', {
      title: 'Pricing schedule',
      documentType: 'billOfQuantity',
      replacesId: pricing.body.id,
    });
    expect(pricing2.body).toMatchObject({ version: 2, replacesId: pricing.body.id });
    const mine = (await g.get(trust.token, `/tenders/${c.id}/bids/${b1.id}`)).body;
    expect(mine.receipt.sha256).toBe(pricing2.body.receipt.sha256);
    expect(mine.documents).toHaveLength(3);
    const b2 = await g.bid(independent, c.id, 230000);
    const other = await bidDoc(independent, c.id, b2.id, files.pdf('Independent method statement'), 'method.pdf');
    expect(other.status).toBe(201);

    // nobody but the bidder can list, read, count or infer them before close
    expect((await g.get(trust.token, `/tenders/${c.id}/bids/${b1.id}/documents`)).body.items).toHaveLength(3);
    expect((await g.get(independent.token, `/tenders/${c.id}/bids/${b1.id}/documents`)).status).toBe(404);
    expect((await g.get(w.commissioner.token, `/tenders/${c.id}/bids/${b1.id}/documents`)).body.code).toBe(
      'BIDS_SEALED',
    );
    expect((await g.get(w.commissioner.token, `/tenders/${c.id}/bids/nonsense-${b1.id}/documents`)).status).toBe(404);
    for (const who of [null, independent.token, w.commissioner.token, w.governance.token, w.panel[1].token]) {
      expect((await meta(who, att.body.id)).status).toBe(404);
      expect((await download(who, att.body.id)).status).toBe(404);
    }
    const own = await download(trust.token, att.body.id);
    expect(own.status).toBe(200);
    expect(own.body.equals(statement)).toBe(true);
    expect(own.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect((await download(trust.token, other.body.id)).status).toBe(404);
    // ...and the case did not move: version, ETag, history, notifications, tender view
    const caseAfter = await g.get(w.commissioner.token, `/cases/${c.id}`);
    expect(caseAfter.body.version).toBe(caseBefore.version);
    expect(caseAfter.headers.etag).toBe(`"${caseBefore.version}"`);
    expect(await history(c.id)).toEqual(historyBefore);
    expect(await notifications(w.commissioner)).toEqual(notesBefore);
    expect(JSON.stringify((await g.get(social.token, `/tenders/${c.id}`)).body)).not.toContain(att.body.id);

    // close: one BIDS_OPENED row with each live bid's last receipt
    await closeTendering(c.id);
    const opened = (await history(c.id)).filter((e) => e.type === 'BIDS_OPENED');
    expect(opened).toHaveLength(1);
    const lines = opened[0].payload.bids as {
      bidId: string;
      providerId: string;
      sha256: string;
      submittedAt: string;
    }[];
    expect(lines.map((l) => l.bidId).sort()).toEqual([b1.id, b2.id].sort());
    const trustLine = lines.find((l) => l.bidId === b1.id)!;
    expect(trustLine).toMatchObject({ providerId: w.trust.id, sha256: pricing2.body.receipt.sha256 });
    const myBid = ((await g.get(trust.token, '/bids?limit=200')).body.items as { id: string; opened: unknown }[]).find(
      (x) => x.id === b1.id,
    )!;
    expect(myBid.opened).toEqual({ sha256: pricing2.body.receipt.sha256, at: expect.any(String) });

    // after close: the readers of bid contents read them; another provider still never does
    expect((await g.get(w.panel[1].token, `/tenders/${c.id}/bids/${b1.id}/documents`)).body.items).toHaveLength(3);
    expect((await download(w.governance.token, att.body.id)).body.equals(statement)).toBe(true);
    expect((await meta(w.commissioner.token, other.body.id)).status).toBe(200);
    expect((await download(independent.token, att.body.id)).status).toBe(404);
    expect((await download(null, att.body.id)).status).toBe(404);
    expect((await g.get(independent.token, `/tenders/${c.id}/bids/${b1.id}/documents`)).status).toBe(404);
    // and no more changes
    expect((await bidDoc(trust, c.id, b1.id, files.pdf(), 'late.pdf')).body.code).toBe('WINDOW_CLOSED');
    expect((await caseDoc(w.commissioner, c.id, files.pdf(), 'late.pdf')).body.code).toBe('WINDOW_CLOSED');

    const verify = async () => (await g.get(w.governance.token, `/cases/${c.id}/history/verify`)).body;
    expect(await verify()).toMatchObject({
      valid: true,
      firstInvalidSeq: null,
      bidReceipts: { opened: true, checked: 2, valid: true, mismatches: [] },
    });
    // tamper with a stored bid, then with a stored document's bytes: each is reported
    await ds.query(`UPDATE bids SET price_amount = price_amount - 1000 WHERE id = $1`, [b2.id]);
    expect((await verify()).bidReceipts).toMatchObject({
      valid: false,
      mismatches: [{ bidId: b2.id, openedSha256: lines.find((l) => l.bidId === b2.id)!.sha256 }],
    });
    await ds.query(`UPDATE bids SET price_amount = price_amount + 1000 WHERE id = $1`, [b2.id]);
    expect((await verify()).bidReceipts.valid).toBe(true);
    await ds.query(
      `UPDATE document_chunks SET data = data || '\\x01'::bytea WHERE blob_id = (SELECT blob_id FROM documents WHERE id = $1)`,
      [att.body.id],
    );
    const tampered = (await verify()).bidReceipts;
    expect(tampered.valid).toBe(false);
    expect(tampered.mismatches.map((m: { bidId: string }) => m.bidId)).toEqual([b1.id]);
    // the hash chain itself is untouched
    expect((await verify()).valid).toBe(true);
  });

  // ---- done when: a whole buy-route case ----

  it('a whole buy-route case: specification, a clarification pointing at an uploaded annex, two bids with attachments, opened receipts that verify, awarded', async () => {
    const c = await g.draftCase(w, {
      description: 'Community dermatology service: triage, minor surgery and teledermatology.',
      cpvCode: '85121200-5',
    });
    const specification = await caseDoc(w.commissioner, c.id, files.pdf('The specification'), 'specification.pdf');
    expect(specification.status).toBe(201);
    await g.event(w.commissioner.token, c.id, { type: 'SUBMIT' });
    await g.declareAndReview(w, c.id);
    await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_BUY',
      criteria: g.criteria,
      tenderClosesAt: new Date(clock.now().getTime() + 30 * DAY).toISOString(),
    });
    // a question, an annex uploaded for it, and an answer pointing at it
    const q = await g.post(trust.token, `/tenders/${c.id}/questions`, { text: 'How many staff transfer?' }, 201);
    const annex = await caseDoc(w.commissioner, c.id, files.odt('Staff list: 4 GPs, 6 nurses'), 'annex-b.odt', {
      title: 'Annex B: staff list',
      documentType: 'clarifications',
    });
    await g.post(
      w.commissioner.token,
      `/tenders/${c.id}/questions/${q.body.id}/answer`,
      { text: `The staff list is in annex B (document ${annex.body.id}).` },
      200,
    );
    const tender = (await g.get(independent.token, `/tenders/${c.id}`)).body;
    const answer = tender.questions.find((x: { id: string }) => x.id === q.body.id).answer as string;
    const pointed = /document ([0-9a-f-]{36})/.exec(answer)![1];
    expect(tender.documents.map((d: { id: string }) => d.id)).toContain(pointed);
    expect((await download(null, pointed)).body.equals(files.odt('Staff list: 4 GPs, 6 nurses'))).toBe(true);

    // two bids with attachments
    const bids: { bidder: ProviderUser; id: string; receipt: string }[] = [];
    for (const [bidder, price] of [
      [trust, 240000],
      [independent, 220000],
    ] as const) {
      const b = await g.bid(bidder, c.id, price);
      await bidDoc(bidder, c.id, b.id, files.docx(`${bidder.name} method statement`), 'method.docx');
      const last = await bidDoc(bidder, c.id, b.id, files.csv('item,price\nclinic,1000\n'), 'pricing.csv', {
        title: 'Pricing schedule',
        documentType: 'billOfQuantity',
      });
      expect(last.status).toBe(201);
      bids.push({ bidder, id: b.id, receipt: last.body.receipt.sha256 });
    }
    await closeTendering(c.id);
    for (const b of bids) {
      const mine = (
        (await g.get(b.bidder.token, '/bids?limit=200')).body.items as { id: string; opened: { sha256: string } }[]
      ).find((x) => x.id === b.id)!;
      expect(mine.opened.sha256).toBe(b.receipt);
    }
    expect((await g.get(w.governance.token, `/cases/${c.id}/history/verify`)).body).toMatchObject({
      valid: true,
      bidReceipts: { opened: true, checked: 2, valid: true },
    });

    // evaluate, award, standstill, awarded
    for (const m of w.panel) {
      await g.score(m, c.id, bids[0].id, 6);
      await g.score(m, c.id, bids[1].id, 8);
    }
    await g.event(w.decider.token, c.id, {
      type: 'PROPOSE_AWARD',
      bidId: bids[1].id,
      justification: 'best value',
    });
    const standstill = await g.waitForState(w.commissioner.token, c.id, 'standstill');
    const end = (standstill.deadlines as { kind: string; dueAt: string; status: string }[]).find(
      (d) => d.kind === 'standstill_end' && d.status === 'pending',
    )!;
    clock.set(new Date(Date.parse(end.dueAt) + 1000));
    await g.waitForState(w.commissioner.token, c.id, 'awarded');
    expect((await g.get(w.governance.token, `/cases/${c.id}/history/verify`)).body).toMatchObject({
      valid: true,
      bidReceipts: { valid: true, checked: 2 },
    });
  });
});
