import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/*
 * Checks real traffic against the OpenAPI document the app serves: every answer's status must be
 * declared for its operation, its content type must be the declared one, and a JSON body must
 * validate against the declared schema (ajv with OpenAPI 3.0's `nullable`; refs into the
 * document's components). Driven by the served document, so new endpoints are covered as soon
 * as they are documented, and traffic to undocumented endpoints is reported.
 */

export interface Exchange {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: string;
}

type Schema = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  parameters?: { name: string; in: string; schema?: Schema; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
  security?: Record<string, string[]>[];
}

/** Records every request the server answers (status, content type, body), however it was sent. */
export function recordExchanges(server: Server): { exchanges: Exchange[]; stop(): void } {
  const exchanges: Exchange[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
      );
    };
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
    res.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk, rest[0]), write(chunk, ...rest))) as never;
    res.end = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk, rest[0]), end(chunk, ...rest))) as never;
    res.on('finish', () =>
      exchanges.push({
        method: req.method ?? 'GET',
        url: req.url ?? '',
        status: res.statusCode,
        contentType: String(res.getHeader('content-type') ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
  };
  server.prependListener('request', listener);
  return { exchanges, stop: () => server.removeListener('request', listener) };
}

export interface MatchedOperation {
  path: string;
  method: string;
  op: Operation;
}

/** Finds the documented operation for a method and URL (literal segments before parameters, case-insensitively like the router). */
export function operationMatcher(doc: OpenApiDocument) {
  const ops = Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        path,
        method,
        op,
        params: (path.match(/\{/g) ?? []).length,
        re: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`, 'i'),
      })),
    )
    .sort((a, b) => a.params - b.params);
  return (method: string, url: string): MatchedOperation | null => {
    const path = url.split('?')[0];
    const m = ops.find((o) => o.method === method.toLowerCase() && o.re.test(path));
    return m ? { path: m.path, method: m.method, op: m.op } : null;
  };
}

export function responseValidator(doc: OpenApiDocument) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const rewrite = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(rewrite)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k,
              k === '$ref' && typeof x === 'string'
                ? x.replace('#/components/schemas/', 'openapi.json#/definitions/')
                : rewrite(x),
            ]),
          )
        : v;
  ajv.addSchema({ $id: 'openapi.json', definitions: rewrite(doc.components.schemas) as Schema });
  const compiled = new Map<string, ValidateFunction>();
  const compile = (schema: Schema) => {
    const key = JSON.stringify(schema);
    let fn = compiled.get(key);
    if (!fn) compiled.set(key, (fn = ajv.compile(rewrite(schema) as Schema)));
    return fn;
  };
  const match = operationMatcher(doc);

  /** What is untrue about this exchange in the document (empty: it conforms). */
  return (ex: Exchange): string[] => {
    const where = `${ex.method} ${ex.url.split('?')[0]} -> ${ex.status}`;
    const path = ex.url.split('?')[0];
    if (!/^\/(api\/|health)/i.test(path)) return []; // the docs UI and its assets
    const m = match(ex.method, ex.url);
    const type = ex.contentType.split(';')[0].trim().toLowerCase();
    if (!m) {
      // an unknown route: a 404 problem is the truthful answer
      return ex.status === 404 && type === 'application/problem+json' ? [] : [`${where}: no documented operation`];
    }
    const declared =
      m.op.responses[String(ex.status)] ?? m.op.responses[`${String(ex.status)[0]}XX`] ?? m.op.responses.default;
    if (!declared) return [`${where}: status ${ex.status} not declared for ${m.method.toUpperCase()} ${m.path}`];
    // every error is problem details, except readiness (terminus format, as the contract says)
    if (ex.status >= 400 && type !== 'application/problem+json' && !/^\/health/.test(m.path))
      return [`${where}: an error answered as ${type || 'nothing'}, not application/problem+json`];
    if (!declared.content) return ex.body ? [`${where}: a body where none is declared`] : [];
    const media = declared.content[type];
    if (!media) return [`${where}: content type ${type} not declared (${Object.keys(declared.content).join(', ')})`];
    if (!media.schema || !/json$/.test(type)) return [];
    let body: unknown;
    try {
      body = JSON.parse(ex.body);
    } catch {
      return [`${where}: body is not JSON`];
    }
    const validate = compile(media.schema);
    if (validate(body)) return [];
    return [`${where}: ${ajv.errorsText(validate.errors, { separator: '; ', dataVar: 'body' })}`.slice(0, 2000)];
  };
}
