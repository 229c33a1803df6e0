import type { JsonObject } from '@makebuy/domain';
import { given, Person, World } from '../support/given';
import { startTestApp, TestApp } from '../support/test-app';
import { reviewProcess, schemaErrors } from '../support/ocds-review';

jest.setTimeout(180_000);

/**
 * OCDS as a third party reads it, during whole cases played through the API (time runs 200,000
 * times faster: a fast-track tender closes in about 6 s, a standstill lasts about 5 s). After every
 * step every package served (release packages page by page, the record with its versioned release)
 * is reviewed: the 1.1.5 schemas with the bids and enquiries extensions, ocid prefix, unique
 * (ocid, id), codelists, dates in order, compiledRelease = merge of the releases. And nothing
 * about bids is in any release published before tendering closed.
 */
describe('OCDS publication during whole cases', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let reviewed = 0;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'ocds_cases', timeAcceleration: 200_000 });
    g = given(t);
  });
  afterAll(() => t?.close());

  const publicGet = (path: string) => t.http.get(path.startsWith('/api/') ? path : `/api/v1${path}`);
  const ocidOf = async (w: World, caseId: string) =>
    (await g.get(w.commissioner.token, `/cases/${caseId}`)).body.ocid as string;

  /** Everything a third party can read about the process now, reviewed; returns its releases and compiled release. */
  async function published(ocid: string) {
    const pages: JsonObject[] = [];
    let next: string | undefined = `/api/v1/ocds/releases?ocid=${encodeURIComponent(ocid)}&limit=2`;
    while (next) {
      const res = await publicGet(next);
      expect(res.status).toBe(200);
      pages.push(res.body);
      next = res.body.links?.next?.slice(t.config.publicBaseUrl.length);
    }
    const record = await publicGet(`/ocds/records/${ocid}?versioned=true`);
    expect(record.status).toBe(200);
    const plain = await publicGet(`/ocds/records/${ocid}`);
    expect(plain.body.records[0].versionedRelease).toBeUndefined();
    expect(
      reviewProcess({ ocidPrefix: t.config.ocidPrefix, releasePackages: pages, recordPackage: record.body }),
    ).toEqual([]);
    const releases = pages.flatMap((p) => p.releases as JsonObject[]);
    for (const r of releases) {
      const one = await publicGet(`/ocds/releases/${r.id}`);
      expect(one.body.releases).toEqual([r]);
      expect(schemaErrors('releasePackage', one.body)).toEqual([]);
    }
    reviewed++;
    const rec = record.body.records[0] as JsonObject;
    return { releases, compiled: rec.compiledRelease as JsonObject, versioned: rec.versionedRelease as JsonObject };
  }

  const tags = (releases: JsonObject[]) => releases.map((r) => (r.tag as string[]).join('+'));
  const tenderOf = (r: JsonObject) => r.tender as JsonObject;
  const awardsOf = (r: JsonObject) => (r.awards ?? []) as JsonObject[];

  /** No release before the one that first publishes bid statistics says anything about bids or bidders. */
  function sealed(releases: JsonObject[], bidders: { id: string; name: string }[]) {
    const close = releases.findIndex((r) => r.bids !== undefined);
    const before = close === -1 ? releases : releases.slice(0, close);
    for (const r of before) {
      const text = JSON.stringify(r);
      expect(r.bids).toBeUndefined();
      expect(text).not.toMatch(/"tenderers"|"numberOfTenderers"|"tenderer"|"statistics"/);
      for (const b of bidders) {
        expect(text).not.toContain(b.id);
        expect(text).not.toContain(b.name);
      }
    }
    if (close !== -1) {
      const end = (tenderOf(releases[close]).tenderPeriod as JsonObject).endDate as string;
      expect(Date.parse(releases[close].date as string)).toBeGreaterThanOrEqual(Date.parse(end));
    }
    return close;
  }

  async function score(w: World, caseId: string, bidIds: string[], value: (i: number) => number) {
    for (const e of w.panel) for (const [i, id] of bidIds.entries()) await g.score(e, caseId, id, value(i));
  }
  async function propose(w: World, caseId: string, bidId: string) {
    await g.event(w.decider.token, caseId, { type: 'PROPOSE_AWARD', bidId, justification: 'best overall' });
    return g.waitForState(w.governance.token, caseId, 'standstill');
  }
  const lifetime = (annual: number) => Math.round((annual * 36 * 100) / 12) / 100;

  it('buy: tender, an answered question, close with bid statistics, award, award confirmed with its contract', async () => {
    const w = await g.world();
    const c = await g.caseInTendering(w);
    const ocid = await ocidOf(w, c.id);
    expect(ocid.startsWith(`${t.config.ocidPrefix}-`)).toBe(true);
    const bidders = [w.trust, w.independent];

    let p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender']);
    expect(tenderOf(p.releases[0])).toMatchObject({ status: 'active', procurementMethod: 'open' });
    expect(p.releases[0].parties).toEqual([
      expect.objectContaining({ id: w.consortiumId, roles: ['buyer', 'procuringEntity'] }),
    ]);

    const trustBid = await g.bid(w.providerUsers[w.trust.id], c.id, 210000);
    const indieBid = await g.bid(w.providerUsers[w.independent.id], c.id, 190000);
    const q = await g.post(
      w.providerUsers[w.trust.id].token,
      `/tenders/${c.id}/questions`,
      { text: 'Is weekend cover required?' },
      201,
    );
    await g.post(
      w.commissioner.token,
      `/tenders/${c.id}/questions/${q.body.id}/answer`,
      { text: 'Saturdays only.' },
      200,
    );
    p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender', 'tenderUpdate']);
    expect(tenderOf(p.releases[1])).toMatchObject({
      hasEnquiries: true,
      enquiries: [{ id: q.body.id, description: 'Is weekend cover required?', answer: 'Saturdays only.' }],
    });
    sealed(p.releases, bidders);

    await g.waitForState(w.governance.token, c.id, 'evaluation');
    p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender', 'tenderUpdate', 'tenderUpdate']);
    expect(sealed(p.releases, bidders)).toBe(2);
    expect(p.releases[2].bids).toEqual({ statistics: [expect.objectContaining({ measure: 'bids', value: 2 })] });
    expect(tenderOf(p.releases[2])).toMatchObject({ status: 'active', numberOfTenderers: 2 });
    expect(p.releases[2].parties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: w.trust.id, roles: ['tenderer'] }),
        expect.objectContaining({ id: w.independent.id, roles: ['tenderer'] }),
      ]),
    );

    await score(w, c.id, [trustBid.id, indieBid.id], (i) => (i === 0 ? 8 : 6));
    await propose(w, c.id, trustBid.id);
    p = await published(ocid);
    expect(tags(p.releases).slice(3)).toEqual(['award']);
    expect(awardsOf(p.releases[3])).toEqual([
      expect.objectContaining({
        status: 'pending',
        suppliers: [{ id: w.trust.id, name: w.trust.name }],
        value: { amount: lifetime(210000), currency: 'GBP' },
      }),
    ]);
    // the losing bid's price is never published
    expect(JSON.stringify(p.releases)).not.toContain('190000');

    await g.waitForState(w.governance.token, c.id, 'awarded');
    p = await published(ocid);
    expect(tags(p.releases).slice(4)).toEqual(['awardUpdate+contract']);
    expect(tenderOf(p.compiled).status).toBe('complete');
    expect(awardsOf(p.compiled)).toEqual([expect.objectContaining({ status: 'active' })]);
    const [contract] = p.compiled.contracts as JsonObject[];
    expect(contract).toMatchObject({
      awardID: awardsOf(p.compiled)[0].id,
      status: 'active',
      value: { amount: lifetime(210000), currency: 'GBP' },
    });
    const supplier = (p.compiled.parties as JsonObject[]).find((x) => x.id === w.trust.id)!;
    expect(supplier.roles).toEqual(['tenderer', 'supplier']);
    expect(JSON.stringify(p.releases)).not.toContain('190000');
  });

  it('make: no tender release; the award is the first release, limited, with the PSR rationale; then awarded', async () => {
    const w = await g.world();
    const c = await g.caseInRouteDecision(w);
    const ocid = await ocidOf(w, c.id);
    expect((await publicGet(`/ocds/records/${ocid}`)).status).toBe(404);
    // a member practice with its registered details, as the directory holds them
    const address = {
      streetAddress: '2 Mill Lane',
      locality: 'Riverside',
      postalCode: 'RV2 3CD',
      countryName: 'United Kingdom',
    };
    const created = await g.post(
      await t.adminToken(),
      '/providers',
      {
        name: 'Mill Lane Surgery',
        kind: 'gp_practice',
        memberOfConsortiumId: w.consortiumId,
        address,
        odsCode: 'Y05678',
        companiesHouseNumber: '07654321',
      },
      201,
    );
    const practice = { id: created.body.id as string, name: 'Mill Lane Surgery' };
    const decideMake = () =>
      g.event(w.decider.token, c.id, {
        type: 'DECIDE_MAKE',
        providerIds: [practice.id],
        psrProcess: 'most_suitable_provider',
        justification: 'The only practice with a community dermatology service nearby.',
      });
    // a proposal rejected in governance review publishes nothing (no award release existed)
    await decideMake();
    await g.waitForState(w.governance.token, c.id, 'governance_review');
    await g.event(w.governance.token, c.id, { type: 'REJECT_AWARD', reason: 'justify it better' });
    expect((await publicGet(`/ocds/records/${ocid}`)).status).toBe(404);
    await decideMake();
    // a member practice: governance clears MEMBER_PRACTICE_AWARD and approves; nothing is published meanwhile
    const review = await g.waitForState(w.governance.token, c.id, 'governance_review');
    expect((await publicGet(`/ocds/records/${ocid}`)).status).toBe(404);
    const flag = (review.flags as { id: string; code: string; status: string }[]).find(
      (f) => f.code === 'MEMBER_PRACTICE_AWARD' && f.status === 'open',
    )!;
    await g.post(
      w.governance.token,
      `/flags/${flag.id}/resolve`,
      { resolution: 'accepted', justification: 'fair' },
      200,
    );
    await g.event(w.governance.token, c.id, { type: 'APPROVE_AWARD', note: 'signed off' });
    await g.waitForState(w.governance.token, c.id, 'standstill');
    let p = await published(ocid);
    expect(tags(p.releases)).toEqual(['award']);
    expect(tenderOf(p.releases[0])).toMatchObject({
      procurementMethod: 'limited',
      procurementMethodRationale: expect.stringMatching(
        /most suitable provider.*The only practice with a community dermatology service nearby\./,
      ),
    });
    expect(tenderOf(p.releases[0]).tenderPeriod).toBeUndefined();
    expect(awardsOf(p.releases[0])).toEqual([
      expect.objectContaining({ status: 'pending', value: { amount: lifetime(250000), currency: 'GBP' } }),
    ]);
    await g.waitForState(w.governance.token, c.id, 'awarded');
    p = await published(ocid);
    expect(tags(p.releases)).toEqual(['award', 'awardUpdate+contract']);
    expect(p.compiled).toMatchObject({
      tender: { status: 'complete', procurementMethod: 'limited' },
      awards: [expect.objectContaining({ status: 'active', suppliers: [{ id: practice.id, name: practice.name }] })],
    });
    expect(p.releases.some((r) => (r.tag as string[]).includes('tender'))).toBe(false);
    expect((p.compiled.parties as JsonObject[]).find((x) => x.id === practice.id)).toEqual({
      id: practice.id,
      name: practice.name,
      roles: ['supplier'],
      identifier: { scheme: 'GB-COH', id: '07654321', legalName: practice.name },
      additionalIdentifiers: [{ scheme: 'GB-NHS', id: 'Y05678', legalName: practice.name }],
      address,
    });
  });

  it('cancelled during tendering: tenderCancellation, still sealed; a case cancelled before any release publishes nothing', async () => {
    const w = await g.world();
    const c = await g.caseInTendering(w);
    const ocid = await ocidOf(w, c.id);
    await g.bid(w.providerUsers[w.trust.id], c.id);
    await g.event(w.commissioner.token, c.id, { type: 'CANCEL', reasonCode: 'budget', note: 'funding withdrawn' });
    const p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender', 'tenderCancellation']);
    expect(tenderOf(p.compiled).status).toBe('cancelled');
    expect(sealed(p.releases, [w.trust])).toBe(-1);

    const early = await g.caseInRouteDecision(w);
    await g.event(w.commissioner.token, early.id, { type: 'CANCEL', reasonCode: 'no_longer_needed' });
    expect((await publicGet(`/ocds/records/${await ocidOf(w, early.id)}`)).status).toBe(404);
  });

  it('unsuccessful: no bids when tendering closes; the close release says so, with zero bids', async () => {
    const w = await g.world();
    const c = await g.caseInTendering(w);
    const ocid = await ocidOf(w, c.id);
    await g.waitForState(w.governance.token, c.id, 'unsuccessful');
    const p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender', 'tenderUpdate']);
    expect(tenderOf(p.releases[1])).toMatchObject({ status: 'unsuccessful', numberOfTenderers: 0 });
    expect(p.releases[1].bids).toEqual({ statistics: [expect.objectContaining({ measure: 'bids', value: 0 })] });
    expect(p.compiled.awards).toBeUndefined();
  });

  it('reopened by an upheld representation: the award is set aside, a new award follows and is confirmed', async () => {
    const w = await g.world();
    const c = await g.caseInTendering(w);
    const ocid = await ocidOf(w, c.id);
    const trustBid = await g.bid(w.providerUsers[w.trust.id], c.id, 210000);
    const indieBid = await g.bid(w.providerUsers[w.independent.id], c.id, 190000);
    await g.waitForState(w.governance.token, c.id, 'evaluation');
    await score(w, c.id, [trustBid.id, indieBid.id], () => 7);
    await propose(w, c.id, trustBid.id);
    const indie: Person = w.providerUsers[w.independent.id];
    const rep = await g.post(indie.token, `/cases/${c.id}/representations`, { text: 'Our bid was misread.' }, 201);
    await g.post(
      w.governance.token,
      `/cases/${c.id}/representations/${rep.body.id}/resolve`,
      { outcome: 'upheld', response: 'Re-evaluate.' },
      200,
    );
    await g.waitForState(w.governance.token, c.id, 'evaluation');
    let p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender', 'tenderUpdate', 'award', 'awardUpdate']);
    const first = awardsOf(p.releases[2])[0];
    expect(awardsOf(p.releases[3])).toEqual([expect.objectContaining({ id: first.id, status: 'cancelled' })]);
    expect(tenderOf(p.releases[3]).status).toBe('active');

    await propose(w, c.id, indieBid.id);
    await g.waitForState(w.governance.token, c.id, 'awarded');
    p = await published(ocid);
    expect(tags(p.releases).slice(4)).toEqual(['award', 'awardUpdate+contract']);
    expect(awardsOf(p.compiled)).toEqual([
      expect.objectContaining({
        id: first.id,
        status: 'cancelled',
        suppliers: [{ id: w.trust.id, name: w.trust.name }],
      }),
      expect.objectContaining({
        status: 'active',
        suppliers: [{ id: w.independent.id, name: w.independent.name }],
        value: { amount: lifetime(190000), currency: 'GBP' },
      }),
    ]);
    const [contract] = p.compiled.contracts as JsonObject[];
    expect(contract.awardID).toBe(awardsOf(p.compiled)[1].id);
    // the versioned release keeps the first award's history
    const versionedAwards = p.versioned.awards as JsonObject[];
    expect((versionedAwards[0].status as JsonObject[]).map((v) => v.value)).toEqual(['pending', 'cancelled']);
  });

  it('tender content: description, CPV item, documents with public URLs, AMEND_TENDER and a document change publish tenderUpdates', async () => {
    const w = await g.world();
    const upload = (caseId: string, title: string, text: string) =>
      t.http
        .post(`/api/v1/cases/${caseId}/documents`)
        .set(g.auth(w.commissioner.token))
        .field('title', title)
        .field('documentType', 'technicalSpecifications')
        .attach('file', Buffer.from(text), { filepath: 'specification.txt', contentType: 'text/plain' } as never);
    const c = await g.draftCase(w, {
      description: 'A community dermatology service in three practices.',
      cpvCode: '85121200-5',
    });
    const ocid = await ocidOf(w, c.id);
    const draftDoc = await upload(c.id, 'Service specification', 'Version 1');
    expect(draftDoc.status).toBe(201);
    await g.event(w.commissioner.token, c.id, { type: 'SUBMIT' });
    await g.declareAndReview(w, c.id);
    await g.event(w.governance.token, c.id, { type: 'COMPLETE_CONFLICT_CHECK' });
    await g.event(w.decider.token, c.id, { type: 'DECIDE_BUY', criteria: g.criteria });

    let p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender']);
    const tender = tenderOf(p.releases[0]);
    expect(tender).toMatchObject({
      description: 'A community dermatology service in three practices.',
      items: [{ id: '1', description: 'Dermatology', classification: { scheme: 'CPV', id: '85121200-5' } }],
    });
    const [doc] = tender.documents as JsonObject[];
    expect(doc).toMatchObject({
      title: 'Service specification',
      documentType: 'technicalSpecifications',
      format: 'text/plain',
    });
    expect(doc.datePublished).toBe((tender.tenderPeriod as JsonObject).startDate);
    // the URL is public: anyone fetches the bytes without a token
    const bytes = await t.http.get(String(doc.url).slice(t.config.publicBaseUrl.length));
    expect(bytes.status).toBe(200);
    expect(bytes.text).toBe('Version 1');

    const replaced = await upload(c.id, 'Service specification', 'Version 2').field('replacesId', draftDoc.body.id);
    expect([201, 200]).toContain(replaced.status);
    p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender', 'tenderUpdate']);
    const [doc2] = tenderOf(p.releases[1]).documents as JsonObject[];
    expect(doc2.id).toBe(doc.id);
    expect(doc2.url).not.toBe(doc.url);

    const closesAt = (tender.tenderPeriod as JsonObject).endDate as string;
    const later = new Date(Date.parse(closesAt) + 60_000).toISOString();
    await g.event(w.decider.token, c.id, {
      type: 'AMEND_TENDER',
      tenderClosesAt: later,
      reason: 'more time for the specification',
    });
    p = await published(ocid);
    expect(tags(p.releases)).toEqual(['tender', 'tenderUpdate', 'tenderUpdate']);
    expect(Date.parse((tenderOf(p.releases[2]).tenderPeriod as JsonObject).endDate as string)).toBe(Date.parse(later));
    await g.event(w.commissioner.token, c.id, { type: 'CANCEL', reasonCode: 'other', note: 'end of the test' });
    p = await published(ocid);
    expect(tags(p.releases).pop()).toBe('tenderCancellation');
  });

  it('reviewed every package it read', () => {
    expect(reviewed).toBe(15);
  });
});
