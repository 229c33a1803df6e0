import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ResponseObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import {
  ProblemDetails,
  ProblemFieldError,
  PROBLEM_CONTENT_TYPE,
  ProblemCode,
  STATUS_OF,
} from '../http/problem-details';
import { problemDescription, problemSchema } from '../http/api-problems.decorator';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The OpenAPI document the API serves: what each endpoint's decorators say, plus what every endpoint shares. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = app.get<AppConfig>(APP_CONFIG);
  const builder = new DocumentBuilder()
    .setTitle('makebuy API')
    .setDescription(
      [
        'Procurement workflow engine for make-or-buy service-redesign decisions in NHS commissioning.',
        'Errors are RFC 9457 problem details (application/problem+json) with a stable `code`, checked in this order:',
        '401 UNAUTHENTICATED, 404 NOT_FOUND, 403 FORBIDDEN, 400 VALIDATION_FAILED, 412 VERSION_MISMATCH, 409 EVENT_NOT_ALLOWED, 422 rule codes.',
        'Case responses carry `version` and a strong `ETag` ("<version>"); `If-Match` is optional on writes to a case.',
        'Creating POSTs accept `Idempotency-Key`. Lists are `{ items, nextCursor }` with `?limit=&cursor=` (default 50, max 200); a cursor the server did not issue is refused with 400.',
        'Answers to requests that carry credentials are sent with `Cache-Control: no-store`.',
      ].join('\n\n'),
    )
    .setVersion('1')
    .setLicense('UNLICENSED', `${config.publicBaseUrl}/docs`)
    .addServer(config.publicBaseUrl, 'this deployment (PUBLIC_BASE_URL)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, builder, { extraModels: [ProblemDetails, ProblemFieldError] });
  declareSharedBehaviour(document);
  return document;
}

/** OpenAPI at /docs (UI) and /docs-json (document). */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}

/**
 * What every operation shares, declared from the pieces of the app that cause it (so a new
 * endpoint is documented truthfully without repeating them):
 * - the input guard and validation: 400 on any operation (query, path and body are checked);
 * - the body parser: 413 where there is a body; Node's header limit: 431; the filter: 500;
 * - the idempotency interceptor on POSTs: the `Idempotency-Key` header, 422
 *   `IDEMPOTENCY_KEY_REUSED`, 409 `CONFLICT` while the first request is still running;
 * - the auth guard: operations without a bearer requirement are public (`security: []`);
 * - every `{param}` of the path is a declared path parameter.
 */
export function declareSharedBehaviour(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method] as OperationObject | undefined;
      if (!op) continue;
      if (!op.security?.length) op.security = [];
      else addProblems(op, ['UNAUTHENTICATED']);
      addProblems(op, ['VALIDATION_FAILED', 'HEADERS_TOO_LARGE', 'INTERNAL']);
      if (op.requestBody) addProblems(op, ['PAYLOAD_TOO_LARGE']);
      if (method === 'post') {
        addProblems(op, ['IDEMPOTENCY_KEY_REUSED', 'CONFLICT']);
        addParameter(op, {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'the same key and body within 24 hours returns the first response and creates nothing new',
          schema: { type: 'string', maxLength: 255 },
        });
      }
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        addParameter(op, { name, in: 'path', required: true, schema: { type: 'string' } });
      }
    }
  }
}

function addParameter(op: OperationObject, p: ParameterObject): void {
  const params = (op.parameters ??= []) as ParameterObject[];
  const same = (q: ParameterObject) => q.in === p.in && q.name.toLowerCase() === p.name.toLowerCase();
  if (!params.some(same)) params.push(p);
}

/** Adds codes to an operation's problem responses, merging with the codes its decorators declared. */
function addProblems(op: OperationObject, codes: ProblemCode[]): void {
  for (const code of codes) {
    const status = String(STATUS_OF[code]);
    const existing = op.responses[status] as ResponseObject | undefined;
    const declared = existing ? codesOf(existing) : [];
    if (declared.includes(code)) continue;
    const all = [...declared, code];
    op.responses[status] = {
      ...(existing ?? {}),
      description: problemDescription(all),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema(all) } },
    };
  }
}

function codesOf(r: ResponseObject): string[] {
  const schema = r.content?.[PROBLEM_CONTENT_TYPE]?.schema as {
    allOf?: { properties?: { code?: { enum?: string[] } } }[];
  };
  return schema?.allOf?.flatMap((s) => s.properties?.code?.enum ?? []) ?? [];
}
