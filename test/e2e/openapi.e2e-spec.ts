import Ajv from 'ajv';
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
