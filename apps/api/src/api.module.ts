import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule, Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { randomUUID } from 'node:crypto';
import type { PolicyBook } from '@makebuy/domain';
import { AppConfig, Clock, redactError, redactUrl, SettingsModule, SystemClock } from '@makebuy/settings';
import { DatabaseModule } from '@makebuy/database';
import { QueueModule } from '@makebuy/queue';
import { MetricsModule } from '@makebuy/metrics';
import { AuthGuard, AuthModule } from '@makebuy/auth';
import { DirectoryModule } from '@makebuy/directory';
import { CasesModule } from '@makebuy/cases';
import { CaseWorkflowModule } from '@makebuy/case-workflow';
import { ProblemFilter } from './http/problem.filter';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { InputGuardInterceptor } from './http/input-guard';
import { HealthController } from './health/health.controller';
import { DirectoryController } from './directory/directory.controller';
import { CasesHttpModule } from './cases/cases-http.module';
import { ConflictsHttpModule } from './conflicts/conflicts-http.module';
import { TenderingHttpModule } from './tendering/tendering-http.module';
import { DeadlinesHttpModule } from './deadlines/deadlines-http.module';
import { NotificationsHttpModule } from './notifications/notifications-http.module';
import { FlagsHttpModule } from './flags/flags-http.module';
import { DocumentsHttpModule } from './documents/documents-http.module';
import { TransparencyHttpModule } from './transparency/transparency-http.module';
import { FeedHttpModule } from './feed/feed-http.module';
import { WebhooksHttpModule } from './webhooks/webhooks-http.module';
import { OcdsHttpModule } from './ocds/ocds-http.module';
import { ConsoleHttpModule } from './console/console-http.module';
import { MetricsHttpModule } from './metrics/metrics-http.module';

export interface AppOptions {
  config: AppConfig;
  policy: PolicyBook;
  clock?: Clock;
  /** extra modules composed in (the worker's processors when APP_ROLE=all) */
  extra?: DynamicModule[];
  /** where logs go (default stdout); tests read what a log reader would see */
  logDestination?: DestinationStream;
}

export function loggerModule(config: AppConfig, destination?: DestinationStream) {
  return LoggerModule.forRoot({
    // path-to-regexp v8 syntax (Express 5): every route, without the legacy-route warning
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: [
      {
        level: config.logLevel,
        genReqId: (req, res) => {
          const given = req.headers['x-request-id'];
          const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
          res.setHeader('X-Request-Id', id);
          return id;
        },
        // never log bodies (sealed bids), headers or credentials; URLs and errors go through one redaction
        redact: ['req.headers.authorization', 'req.headers.cookie'],
        serializers: {
          req: (req: { id: string; method: string; url: string; originalUrl?: string }) => ({
            id: req.id,
            method: req.method,
            url: redactUrl(req.originalUrl ?? req.url),
          }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          err: redactError,
        },
        autoLogging: { ignore: (req) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? '') },
      },
      ...(destination ? [destination] : []),
    ] as Params['pinoHttp'],
  });
}

/** The HTTP application: controllers, guards, filters, OpenAPI. */
@Module({})
export class ApiModule {
  static forRoot(opts: AppOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        SettingsModule.forRoot(opts.config, opts.policy, opts.clock ?? new SystemClock()),
        loggerModule(opts.config, opts.logDestination),
        MetricsModule,
        DatabaseModule,
        QueueModule,
        AuthModule,
        DirectoryModule,
        CasesModule,
        CaseWorkflowModule,
        // no log line per failed probe: ConnectionWatch logs an outage once
        TerminusModule.forRoot({ logger: false }),
        MetricsHttpModule,
        CasesHttpModule,
        ConflictsHttpModule,
        TenderingHttpModule,
        DeadlinesHttpModule,
        NotificationsHttpModule,
        FlagsHttpModule,
        DocumentsHttpModule,
        TransparencyHttpModule,
        FeedHttpModule,
        WebhooksHttpModule,
        OcdsHttpModule,
        ConsoleHttpModule.forRoot(),
        ...(opts.extra ?? []),
      ],
      controllers: [HealthController, DirectoryController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        // order matters: the input guard runs before anything else reads the body
        { provide: APP_INTERCEPTOR, useClass: InputGuardInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
