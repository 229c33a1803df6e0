import { DataSource } from 'typeorm';
import { OcdsReleaseService } from '@makebuy/ocds';
import type { JsonObject } from '@makebuy/domain';
import { given, World } from '../support/given';
import { startTestApp, TestApp } from '../support/test-app';
import { reviewProcess } from '../support/ocds-review';

/**
 * The release store and its public packages. Beyond the releases the workflow publishes (DECIDE_BUY
 * publishes the tender), the tests call OcdsReleaseService.publish(tx) in a transaction of their own;
 * the statechart's effects through whole cases are in ocds-cases.e2e-spec.ts.
 */
describe('OCDS releases: store and packages', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  let ds: DataSource;
  let service: OcdsReleaseService;
  const PUBLIC_BASE_URL = 'https://tenders.example.org';

  beforeAll(async () => {
    t = await startTestApp({ suite: 'ocds_releases', worker: false, env: { PUBLIC_BASE_URL } });
    g = given(t);
    w = await g.world();
    ds = t.app.get(DataSource);
    service = t.app.get(OcdsReleaseService);
  });
  afterAll(() => t.close());

  const publicGet = (path: string) => t.http.get(`/api/v1${path}`);
  const publish = (caseId: string, tag: Parameters<OcdsReleaseService['publish']>[1]['tag']) =>
    ds.transaction((tx) => service.publish(tx, { caseId, tag, now: new Date() }));
  const ocidOf = async (caseId: string) => (await g.get(w.commissioner.token, `/cases/${caseId}`)).body.ocid as string;

  it('the tender release (published by DECIDE_BUY) validates, names the buyer, and says nothing about bids', async () => {
    const c = await g.caseInTendering(w);
    await g.bid(w.providerUsers[w.trust.id], c.id);
    const ocid = await ocidOf(c.id);

    const pkg = await publicGet(`/ocds/releases?ocid=${ocid}`);
    expect(pkg.status).toBe(200);
    expect(pkg.body).toMatchObject({
      uri: `${PUBLIC_BASE_URL}/api/v1/ocds/releases?ocid=${ocid}`,
      version: '1.1',
      publisher: { name: 'makebuy' },
      publicationPolicy: `${PUBLIC_BASE_URL}/api/v1/ocds/publication-policy`,
    });
    expect(pkg.body.extensions).toEqual([
      expect.stringContaining('ocds_bid_extension'),
      expect.stringContaining('ocds_enquiry_extension'),
    ]);
    expect(pkg.body.links).toBeUndefined();
    const [release, ...more] = pkg.body.releases as JsonObject[];
    expect(more).toEqual([]);
    expect(release).toMatchObject({
      ocid,
      id: `${ocid}-1`,
      tag: ['tender'],
      initiationType: 'tender',
      buyer: { id: w.consortiumId },
      tender: {
        status: 'active',
        procurementMethod: 'open',
        title: 'Community dermatology redesign',
        value: { amount: 750000, currency: 'GBP' },
        items: [{ id: '1', description: 'Dermatology' }],
      },
    });
    const tender = release.tender as JsonObject;
    expect((tender.tenderPeriod as JsonObject).endDate).toEqual(expect.any(String));
    expect((tender.enquiryPeriod as JsonObject).endDate).toEqual(expect.any(String));
    expect(release.parties).toEqual([
      expect.objectContaining({ id: w.consortiumId, roles: ['buyer', 'procuringEntity'] }),
    ]);
    // sealed: a bid exists, but nothing in the release says so
    expect(release.bids).toBeUndefined();
    expect(tender.tenderers).toBeUndefined();
    expect(tender.numberOfTenderers).toBeUndefined();
    expect(JSON.stringify(release)).not.toContain(w.trust.id);

    const record = await publicGet(`/ocds/records/${ocid}?versioned=true`);
    expect(record.status).toBe(200);
    expect(record.body.records[0].versionedRelease).toBeDefined();
    expect(
      reviewProcess({ ocidPrefix: t.config.ocidPrefix, releasePackages: [pkg.body], recordPackage: record.body }),
    ).toEqual([]);

    const one = await publicGet(`/ocds/releases/${release.id}`);
    expect(one.status).toBe(200);
    expect(one.body.releases).toEqual([release]);
  });

  it('the review fails what a data review would fail (so a clean review means something)', async () => {
    const c = await g.caseInTendering(w);
    const ocid = await ocidOf(c.id);
    await publish(c.id, 'tenderUpdate');
    await publish(c.id, 'tenderUpdate');
    const pkg = (await publicGet(`/ocds/releases?ocid=${ocid}`)).body as JsonObject;
    const record = (await publicGet(`/ocds/records/${ocid}`)).body as JsonObject;
    const review = (p: JsonObject, r: JsonObject = record) =>
      reviewProcess({ ocidPrefix: t.config.ocidPrefix, releasePackages: [p], recordPackage: r });
    const copy = <T>(x: T): T => structuredClone(x);
    expect(review(pkg)).toEqual([]);

    const noPublisher = copy(pkg);
    delete noPublisher.publisher;
    expect(review(noPublisher).join()).toMatch(/release package: .*publisher/);

    const closedCodelist = copy(pkg);
    ((closedCodelist.releases as JsonObject[])[0].tender as JsonObject).procurementMethod = 'auction';
    expect(review(closedCodelist).join()).toMatch(/procurementMethod/);

    const openCodelist = copy(pkg);
    ((openCodelist.releases as JsonObject[])[0].tender as JsonObject).awardCriteria = 'mostFriendly';
    expect(review(openCodelist).join()).toMatch(/"mostFriendly" is not in awardCriteria\.csv/);

    const repeated = copy(pkg);
    (repeated.releases as JsonObject[])[1].id = (repeated.releases as JsonObject[])[0].id;
    expect(review(repeated).join()).toMatch(/\(ocid, id\) repeated/);

    const otherPrefix = copy(pkg);
    for (const r of otherPrefix.releases as JsonObject[])
      r.ocid = String(r.ocid).replace(t.config.ocidPrefix, 'ocds-zzzzzz');
    expect(review(otherPrefix).join()).toMatch(/lacks the prefix/);

    const backwards = copy(pkg);
    (backwards.releases as JsonObject[])[1].date = '2000-01-01T00:00:00Z';
    expect(review(backwards).join()).toMatch(/date/);

    const tampered = copy(record);
    ((tampered.records as JsonObject[])[0].compiledRelease as JsonObject).language = 'fr';
    expect(review(pkg, tampered).join()).toMatch(/compiledRelease is not the merge/);
  });

  it('refuses to change or remove a release, even from SQL', async () => {
    const c = await g.caseInTendering(w);
    const written = (await publish(c.id, 'tenderUpdate'))!;
    await expect(
      ds.query(`UPDATE ocds_releases SET tags = '{tenderUpdate}' WHERE id = $1`, [written.id]),
    ).rejects.toThrow(/immutable/);
    await expect(ds.query(`DELETE FROM ocds_releases WHERE id = $1`, [written.id])).rejects.toThrow(/immutable/);
    await expect(ds.query(`TRUNCATE ocds_releases`)).rejects.toThrow(/immutable/);
    const [row] = await ds.query(`SELECT tags FROM ocds_releases WHERE id = $1`, [written.id]);
    expect(row.tags).toEqual(['tenderUpdate']);
  });

  it('writes nothing when the transaction of the change rolls back', async () => {
    const c = await g.caseInTendering(w);
    const ocid = await ocidOf(c.id);
    await expect(
      ds.transaction(async (tx) => {
        await service.publish(tx, { caseId: c.id, tag: 'tender', now: new Date() });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    // only the tender release of DECIDE_BUY; the next one still gets the next number
    expect((await publicGet(`/ocds/releases?ocid=${ocid}`)).body.releases.map((r: JsonObject) => r.id)).toEqual([
      `${ocid}-1`,
    ]);
    expect((await publish(c.id, 'tenderUpdate'))?.id).toBe(`${ocid}-2`);
  });

  it('numbers releases of one ocid in order, and pages with links.next without losing or repeating one', async () => {
    const c = await g.caseInTendering(w);
    const ocid = await ocidOf(c.id);
    await publish(c.id, 'tenderUpdate');
    await publish(c.id, 'tenderUpdate');
    const ids: string[] = [];
    let next: string | undefined = `/api/v1/ocds/releases?ocid=${ocid}&limit=2`;
    const pages: JsonObject[] = [];
    while (next) {
      const res = await t.http.get(next);
      expect(res.status).toBe(200);
      pages.push(res.body);
      ids.push(...(res.body.releases as JsonObject[]).map((r) => String(r.id)));
      const link: string | undefined = res.body.links?.next;
      if (link) expect(link.startsWith(`${PUBLIC_BASE_URL}/api/v1/ocds/releases?`)).toBe(true);
      next = link?.slice(PUBLIC_BASE_URL.length);
    }
    expect(ids).toEqual([`${ocid}-1`, `${ocid}-2`, `${ocid}-3`]);
    expect(pages).toHaveLength(2);
    const record = (await publicGet(`/ocds/records/${ocid}`)).body;
    expect(reviewProcess({ ocidPrefix: t.config.ocidPrefix, releasePackages: pages, recordPackage: record })).toEqual(
      [],
    );
  });

  it('answers unknown ids with 404 and forged cursors with 400, as problem details, without a token', async () => {
    const missingRelease = await publicGet('/ocds/releases/ocds-mkbuy1-nope-1');
    expect(missingRelease.status).toBe(404);
    expect(missingRelease.body.code).toBe('NOT_FOUND');
    expect((await publicGet('/ocds/records/ocds-mkbuy1-nope')).status).toBe(404);
    const forged = await publicGet(`/ocds/releases?cursor=${Buffer.from('{"p":"0"}').toString('base64url')}.AAAA`);
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('VALIDATION_FAILED');
    expect((await publicGet('/ocds/releases?ocid=not-an-ocid')).status).toBe(400);
    expect((await publicGet('/ocds/records/x?versioned=maybe')).status).toBe(400);
    const policy = await publicGet('/ocds/publication-policy');
    expect(policy.status).toBe(200);
    expect(policy.text).toContain('tenderCancellation');
  });

  it('publishes no cancellation for a process that never published anything', async () => {
    const c = await g.caseInRouteDecision(w);
    expect(await publish(c.id, 'tenderCancellation')).toBeNull();
    expect((await publicGet(`/ocds/records/${await ocidOf(c.id)}`)).status).toBe(404);
  });
});
