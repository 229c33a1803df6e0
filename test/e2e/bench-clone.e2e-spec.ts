/**
 * The bench's SQL cloner (bench/clone.js): clones of a case driven through the API are cases the
 * app itself accepts: their history verifies, they read like the template, their deadlines have
 * their own job ids, and an event on a clone works.
 */
import { Client } from 'pg';
import { auditHash } from '../../libs/cases/src/audit-chain';
import { startTestApp, TestApp } from '../support/test-app';
import { given } from '../support/given';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const clone = require('../../bench/clone.js') as {
  readTemplate(pg: Client, caseId: string): Promise<unknown>;
  cloneCases(pg: Client, template: unknown, count: number, opts?: Record<string, unknown>): Promise<string[]>;
};

jest.setTimeout(120_000);

describe('bench: cloning cases in SQL', () => {
  let t: TestApp;
  let pg: Client;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'bench_clone' });
    pg = new Client({ connectionString: t.config.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await t.close();
  });

  it('makes N cases whose history verifies, with their own ids everywhere', async () => {
    const g = given(t);
    const w = await g.world();
    const tpl = await g.caseInTendering(w);
    await g.bid(w.providerUsers[w.trust.id], tpl.id);
    const template = await clone.readTemplate(pg, tpl.id);
    const ids = await clone.cloneCases(pg, template, 3, { auditHash });
    expect(new Set(ids).size).toBe(3);
    expect(ids).not.toContain(tpl.id);
    const original = (await g.get(w.governance.token, `/cases/${tpl.id}`)).body;
    for (const id of ids) {
      const verify = await g.get(w.governance.token, `/cases/${id}/history/verify`);
      expect(verify.status).toBe(200);
      expect(verify.body).toMatchObject({ valid: true, length: (await g.history(w.governance.token, tpl.id)).length });
      const view = (await g.get(w.governance.token, `/cases/${id}`)).body;
      expect(view).toMatchObject({ id, state: 'tendering', version: original.version, title: original.title });
      expect(view.ocid).toContain(id);
      const rows = await pg.query(`SELECT job_id, status FROM deadlines WHERE case_id = $1`, [id]);
      expect(rows.rows.length).toBeGreaterThan(0);
      for (const r of rows.rows) expect(r.job_id).toContain(id);
      expect((await pg.query(`SELECT count(*)::int AS n FROM bids WHERE case_id = $1`, [id])).rows[0].n).toBe(1);
    }
    // the template's own rows are untouched
    expect((await pg.query(`SELECT count(*)::int AS n FROM bids WHERE case_id = $1`, [tpl.id])).rows[0].n).toBe(1);
    // a clone takes events like any case
    await g.event(w.commissioner.token, ids[0], { type: 'CANCEL', reasonCode: 'budget', note: 'bench clone' });
    expect((await g.get(w.governance.token, `/cases/${ids[0]}`)).body.state).toBe('cancelled');
    expect((await g.get(w.governance.token, `/cases/${ids[0]}/history/verify`)).body.valid).toBe(true);
  });

  it("carries whom the case waits on (case_waits) to each clone, as the clone's own rows say", async () => {
    const g = given(t);
    const w = await g.world();
    const tpl = await g.caseInConflictCheck(w);
    const template = await clone.readTemplate(pg, tpl.id);
    const ids = await clone.cloneCases(pg, template, 2, { auditHash });
    const waits = async (id: string) =>
      (
        await pg.query(`SELECT kind, waits_on FROM case_waits WHERE case_id = $1 ORDER BY kind, waits_on`, [id])
      ).rows.map((r) => `${r.kind}:${r.waits_on}`);
    // the panel has declarations to make
    expect(await waits(tpl.id)).toEqual(w.panel.map((p) => `person:${p.id}`).sort());
    for (const id of ids) {
      expect(await waits(id)).toEqual(await waits(tpl.id));
      // and that is what the rules give for the clone
      await pg.query(`SELECT case_waits_refresh($1)`, [id]);
      expect(await waits(id)).toEqual(await waits(tpl.id));
      expect(
        (await g.get(w.panel[0].token, '/cases?awaiting=me&limit=200')).body.items.map((i: { id: string }) => i.id),
      ).toContain(id);
    }
  });
});
