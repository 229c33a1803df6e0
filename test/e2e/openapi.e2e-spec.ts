import Ajv from 'ajv';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';

/** Docs must not list fewer endpoints than the API serves (a classic complaint about such systems). */
describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'openapi', worker: false });
  });
  afterAll(() => t.close());

  function servedRoutes(): string[] {
    const router = t.app.getHttpAdapter().getInstance()._router ?? t.app.getHttpAdapter().getInstance().router;
    const out: string[] = [];
    for (const layer of router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]) {
      // skip catch-alls (app.all / wildcard handlers), they are not endpoints
      if (!layer.route || layer.route.path.includes('*') || Object.keys(layer.route.methods).length > 3) continue;
      for (const m of Object.keys(layer.route.methods))
        out.push(`${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
    }
    return out.filter((r) => r.includes('/api/v1/') || r.endsWith(' /health'));
  }

  it('documents every served endpoint, with its problem responses', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${path}`);
    }
    const missing = servedRoutes().filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.security?.length)
          expect({ route: `${method} ${path}`, has401: '401' in op.responses }).toEqual({
            route: `${method} ${path}`,
            has401: true,
          });
      }
    }
  });

  it('is a valid OpenAPI 3 document shape', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    const ajv = new Ajv({ strict: false });
    const valid = ajv.validate(
      {
        type: 'object',
        required: ['openapi', 'info', 'paths', 'components'],
        properties: { openapi: { type: 'string', pattern: '^3\\.' }, paths: { type: 'object', minProperties: 10 } },
      },
      doc,
    );
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('passes Redocly lint (recommended rules) with zero errors', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    const dir = mkdtempSync(join(tmpdir(), 'makebuy-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const r = spawnSync(
        process.execPath,
        [require.resolve('@redocly/cli/bin/cli.js'), 'lint', file, '--config', 'redocly.yaml', '--format', 'json'],
        {
          encoding: 'utf8',
          timeout: 120_000,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      );
      const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; severity: string; message: string; location: { pointer?: string }[] }[];
      };
      const errors = report.problems
        .filter((p) => p.severity === 'error')
        .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
      expect(errors).toEqual([]);
      expect(report.totals.errors).toBe(0);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares problem+json with the codes for every error, and the shared answers on every operation', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    expect(doc.servers).toEqual([expect.objectContaining({ url: expect.stringMatching(/^https?:\/\//) })]);
    const untrue: string[] = [];
    for (const [path, ops] of Object.entries(
      doc.paths as Record<
        string,
        Record<
          string,
          {
            responses: Record<string, { content?: Record<string, unknown> }>;
            security?: unknown[];
            parameters?: { in: string; name: string }[];
            requestBody?: unknown;
          }
        >
      >,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        const at = `${method.toUpperCase()} ${path}`;
        if (!Array.isArray(op.security)) untrue.push(`${at}: no security (public operations say security: [])`);
        for (const [status, r] of Object.entries(op.responses))
          // /health answers in the terminus format (contract: Operations)
          if (Number(status) >= 400 && !path.startsWith('/health') && !r.content?.['application/problem+json'])
            untrue.push(`${at}: ${status} is not application/problem+json`);
        for (const status of [
          '400',
          '431',
          '500',
          ...(op.requestBody ? ['413'] : []),
          ...(method === 'post' ? ['422'] : []),
        ])
          if (!op.responses[status]) untrue.push(`${at}: ${status} not declared`);
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g))
          if (!op.parameters?.some((p) => p.in === 'path' && p.name === name))
            untrue.push(`${at}: path parameter ${name}`);
      }
    }
    expect(untrue).toEqual([]);
    expect(JSON.stringify(doc.components.schemas)).not.toMatch(/"type":"object","format":"uuid"/);
  });
  it('describes the multipart bodies of the document uploads', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    for (const path of ['/api/v1/cases/{id}/documents', '/api/v1/tenders/{caseId}/bids/{bidId}/documents']) {
      const schema = doc.paths[path].post.requestBody.content['multipart/form-data'].schema;
      expect({ path, required: schema.required, file: schema.properties.file }).toEqual({
        path,
        required: ['file', 'title', 'documentType'],
        file: expect.objectContaining({ type: 'string', format: 'binary' }),
      });
    }
  });
});
