import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemDetails, ProblemFieldError } from '../http/problem-details';

/** OpenAPI at /docs (UI) and /docs-json (document). */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('makebuy API')
    .setDescription(
      [
        'Procurement workflow engine for make-or-buy service-redesign decisions in NHS commissioning.',
        'Errors are RFC 9457 problem details (application/problem+json) with a stable `code`, checked in this order:',
        '401 UNAUTHENTICATED, 404 NOT_FOUND, 403 FORBIDDEN, 400 VALIDATION_FAILED, 412 VERSION_MISMATCH, 409 EVENT_NOT_ALLOWED, 422 rule codes.',
        'Case responses carry `version` and a strong `ETag` ("<version>"); `If-Match` is optional on writes to a case.',
        'Creating POSTs accept `Idempotency-Key`. Lists are `{ items, nextCursor }` with `?limit=&cursor=` (default 50, max 200).',
      ].join('\n\n'),
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetails, ProblemFieldError] });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
