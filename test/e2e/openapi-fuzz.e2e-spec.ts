/**
 * Fuzzing every operation of the served OpenAPI document, as every role and without a token,
 * with inputs generated from the document's own schemas and made hostile (NUL, lone surrogates,
 * megabyte strings, Unicode normalisation tricks, deep nesting, wrong types, prototype keys,
 * forged cursors). Fails on any 5xx, any error that is not problem details, any stack trace,
 * any answer the document does not declare, and any row written by a refused request or a read.
 * New endpoints are fuzzed as soon as they are documented.
 */
import fc from 'fast-check';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';
import { OpenApiDocument, responseValidator } from '../support/openapi-conformance';
import { FuzzContext, hostile, parameterValue, toJsonText, valueFor } from '../support/openapi-fuzz';

jest.setTimeout(600_000);

const TOTAL_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const STACK_TRACE = /\n\s+at [^\n]+\(|\bat (?:Object|async|new) [\w.<>]+ \(|node_modules\/|\.ts:\d+:\d+/;

/** Percent-encodes a string as a client would send it (lone surrogates as the bytes of U+FFFD). */
const pct = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));
  }
};

describe('fuzzing the API from its OpenAPI document', () => {
  let t: TestApp;
  let w: World;
  let db: DataSource;
  let doc: OpenApiDocument;
  let tables: string[];

  beforeAll(async () => {
    // no worker: nothing writes in the background, so every changed row belongs to a request
    t = await startTestApp({ suite: 'openapi_fuzz', worker: false });
    db = t.app.get(DataSource);
    doc = (await t.http.get('/docs-json')).body;
    tables = (
      await db.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
      )
    ).map((r: { table_name: string }) => r.table_name);
  });
  afterAll(() => t?.close());

  /** Row count and content hash of every table. */
  async function fingerprint(): Promise<string> {
    const rows: { t: string; n: number; h: string }[] = await db.query(
      tables
        .map(
          (name) =>
            `SELECT '${name}' AS t, count(*)::int AS n, coalesce(md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))), '') AS h FROM "${name}" x`,
        )
        .join(' UNION ALL '),
    );
    return rows.map((r) => `${r.t}:${r.n}:${r.h}`).join('|');
  }
  const changedTables = (a: string, b: string) => {
    const before = new Map(a.split('|').map((x) => [x.split(':')[0], x] as const));
    return b
      .split('|')
      .filter((x) => before.get(x.split(':')[0]) !== x)
      .map((x) => x.split(':').slice(0, 2).join(':'));
  };

  it(`answers ${TOTAL_REQUESTS}+ hostile requests over every operation and role without a 5xx, a leak or a write`, async () => {
    const g = given(t);
    w = await g.world();
    const draft = await g.draftCase(w);
    const checking = await g.caseInConflictCheck(w);
    const tendering = await g.caseInTendering(w);
    const bid = await g.bid(w.providerUsers[w.trust.id], tendering.id);
    const question = await g.post(
      w.providerUsers[w.trust.id].token,
      `/tenders/${tendering.id}/questions`,
      { text: 'Weekend cover?' },
      201,
    );
    const interest = await g.post(
      w.gpPartner.token,
      '/interests',
      { category: 'financial', providerId: w.memberPractices[0].id, description: 'partner', startsOn: '2024-01-01' },
      201,
    );
    const ctx: FuzzContext = {
      doc,
      knownIds: [
        w.consortiumId,
        w.trust.id,
        w.memberPractices[0].id,
        w.commissioner.id,
        w.gpPartner.id,
        w.providerUsers[w.trust.id].id,
        draft.id,
        checking.id,
        tendering.id,
        bid.id,
        question.body.id,
        interest.body.id,
      ],
    };
    const admin = await t.adminToken();
    const callers: [string, string | null][] = [
      ['admin', admin],
      ['commissioner', w.commissioner.token],
      ['governance', w.governance.token],
      ['panel member', w.gpPartner.token],
      ['provider', w.providerUsers[w.trust.id].token],
      ['outsider', w.outsider.token],
      ['anonymous', null],
    ];
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    const pairs = operations.flatMap((o) => callers.map((c) => ({ ...o, caller: c })));
    const runsPerPair = Math.ceil(TOTAL_REQUESTS / pairs.length);
    const validate = responseValidator(doc);
    // one listening server for the whole run (supertest would otherwise listen and close per request)
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const failures = new Map<string, string>();
    const fail = (kind: string, where: string, detail: string) => {
      if (!failures.has(`${kind} ${where}`)) failures.set(`${kind} ${where}`, detail.slice(0, 600));
    };
    let sent = 0;
    let baseline = await fingerprint();

    for (const [i, pair] of pairs.entries()) {
      const { path, method, op, caller } = pair;
      const where = `${method.toUpperCase()} ${path} as ${caller[0]}`;
      const params = (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
      const input = fc.record({
        path: fc.record(
          Object.fromEntries(
            params
              .filter((p) => p.in === 'path')
              // an empty segment addresses another route, not this operation
              .map((p) => [p.name, parameterValue(ctx, p.name, p.schema).filter((v) => v.length > 0)]),
          ),
        ),
        query: fc.record(
          Object.fromEntries(
            params.filter((p) => p.in === 'query').map((p) => [p.name, parameterValue(ctx, p.name, p.schema)]),
          ),
          { requiredKeys: [] },
        ),
        extraQuery: fc.option(
          fc.tuple(fc.constantFrom('colour', '__proto__', 'access_token', 'limit[]'), fc.string({ maxLength: 20 })),
        ),
        body: op.requestBody
          ? hostile(ctx, valueFor(ctx, op.requestBody.content?.['application/json']?.schema)).map((b) => ({ b }))
          : fc.constant(undefined),
        ifMatch: fc.option(fc.constantFrom('"1"', '"999"', 'W/"1"', '*', 'garbage', '""')),
        idempotencyKey: fc.option(
          fc.string({ minLength: 1, maxLength: 300, unit: 'binary-ascii' }).filter((s) => /^[\x21-\x7e]+$/.test(s)),
        ),
      });
      const samples = fc.sample(input, { numRuns: runsPerPair, seed: SEED + i });
      for (const s of samples) {
        const url =
          path.replace(/\{([^}]+)\}/g, (_m, name: string) => pct(s.path[name] ?? 'x')) +
          (() => {
            const q = Object.entries(s.query).map(([k, v]) => `${pct(k)}=${pct(String(v))}`);
            if (s.extraQuery) q.push(`${pct(s.extraQuery[0])}=${pct(s.extraQuery[1])}`);
            return q.length ? `?${q.join('&')}` : '';
          })();
        const req = request(base)[method as 'get'](url);
        if (caller[1]) req.set('Authorization', `Bearer ${caller[1]}`);
        if (s.ifMatch) req.set('If-Match', s.ifMatch);
        if (s.idempotencyKey) req.set('Idempotency-Key', s.idempotencyKey);
        if (s.body) req.set('Content-Type', 'application/json').send(toJsonText(s.body.b));
        const started = Date.now();
        const res = await req;
        sent++;
        if (process.env.FUZZ_PROGRESS && (sent % 100 === 0 || Date.now() - started > 2000))
          process.stderr.write(`fuzz: ${sent} sent; ${where} took ${Date.now() - started} ms\n`);
        const type = String(res.headers['content-type'] ?? '');
        const text = res.text ?? '';
        const sentBody = s.body ? ` body ${toJsonText(s.body.b).slice(0, 300)}` : '';
        const shown = `${method.toUpperCase()} ${url.slice(0, 200)}${sentBody} -> ${res.status} ${text.slice(0, 300)}`;
        if (res.status >= 500 && !(res.status === 503 && path.startsWith('/health'))) fail('5xx', where, shown);
        if (res.status >= 400 && !path.startsWith('/health')) {
          if (!/^application\/problem\+json/.test(type)) fail('not problem+json', where, shown);
          else if (typeof res.body?.code !== 'string') fail('problem without code', where, shown);
        }
        if (STACK_TRACE.test(text)) fail('stack trace', where, shown);
        if (res.status !== 431)
          for (const problem of validate({
            method: method.toUpperCase(),
            url,
            status: res.status,
            contentType: type,
            body: text,
          }))
            fail('undocumented', where, problem);
        // a refused request, and any read, writes nothing
        if (method !== 'get') {
          const after = await fingerprint();
          if (res.status >= 300 && after !== baseline)
            fail(
              'row written by a refused request',
              where,
              `${shown}; changed: ${changedTables(baseline, after).join(', ')}`,
            );
          baseline = after;
        }
      }
      if (method === 'get') {
        const after = await fingerprint();
        if (after !== baseline)
          fail('row written by a read', where, `changed: ${changedTables(baseline, after).join(', ')}`);
        baseline = after;
      }
    }

    expect([...failures.entries()].map(([k, v]) => `${k}: ${v}`)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(TOTAL_REQUESTS);
    expect(new Set(pairs.map((p) => `${p.method} ${p.path}`)).size).toBe(operations.length);
  });
});
