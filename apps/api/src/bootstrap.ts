import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { ApiModule, AppOptions } from './api.module';
import { globalValidationPipe } from './http/validation';
import { setupOpenApi } from './docs/openapi';
import { answerClientErrorsAsProblems } from './http/client-error';
import { noStoreWhenAuthenticated } from './http/cache-control';
import { admission } from './http/admission';
import { Metrics } from '@makebuy/metrics';
import { PrototypedExpressAdapter } from './http/express-server';

/** Builds the HTTP app (not listening). Used by main and by the e2e suites. */
export async function createApiApp(opts: AppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.forRoot(opts),
    new PrototypedExpressAdapter(),
    {
      bufferLogs: true,
      bodyParser: false,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  // Nest flushes buffered logs only on listen(); an app that is only init()ed (tests, tools) would keep
  // every Nest-logged line, errors included, in the buffer forever
  app.flushLogs();
  // first: a request over the in-flight bound is shed before anything (body, auth, SQL) is done for it
  app.use(admission(opts.config.httpMaxInFlight, () => app.get(Metrics).shed.inc()));
  app.useBodyParser('json', { limit: opts.config.bodyLimit, type: ['application/json', 'application/*+json'] });
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(cookieParser());
  app.disable('x-powered-by');
  app.use(noStoreWhenAuthenticated);
  app.set('etag', false);
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'health/live', 'metrics', 'docs', 'docs-json', 'docs-yaml'] });
  app.useGlobalPipes(globalValidationPipe());
  app.enableShutdownHooks();
  answerClientErrorsAsProblems(app.getHttpServer());
  setupOpenApi(app);
  return app;
}
