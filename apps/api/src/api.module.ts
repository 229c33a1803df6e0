import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { PolicyBook } from '@makebuy/domain';
import { AppConfig, Clock, SettingsModule, SystemClock } from '@makebuy/settings';
import { DatabaseModule } from '@makebuy/database';
import { QueueModule } from '@makebuy/queue';
import { AuthGuard, AuthModule } from '@makebuy/auth';
import { DirectoryModule } from '@makebuy/directory';
import { CasesModule } from '@makebuy/cases';
import { ProblemFilter } from './http/problem.filter';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { HealthController } from './health/health.controller';
import { DirectoryController } from './directory/directory.controller';
import { CasesHttpModule } from './cases/cases-http.module';
import { ConflictsHttpModule } from './conflicts/conflicts-http.module';
import { TenderingHttpModule } from './tendering/tendering-http.module';
import { DeadlinesHttpModule } from './deadlines/deadlines-http.module';
import { NotificationsHttpModule } from './notifications/notifications-http.module';
import { FlagsHttpModule } from './flags/flags-http.module';
import { DocumentsHttpModule } from './documents/documents-http.module';

export interface AppOptions {
  config: AppConfig;
  policy: PolicyBook;
  clock?: Clock;
  /** extra modules composed in (the worker's processors when APP_ROLE=all) */
  extra?: DynamicModule[];
}

export function loggerModule(config: AppConfig) {
  return LoggerModule.forRoot({
    // path-to-regexp v8 syntax (Express 5): every route, without the legacy-route warning
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // never log bodies (sealed bids) or credentials
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: sealedUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: safeError,
      },
      autoLogging: { ignore: (req) => req.url === '/health' },
    },
  });
}

/** Bid traffic must not reveal who bid on which tender, or how many, before close: the tender is masked. */
export function sealedUrl(url: string): string {
  return url.replace(/\/tenders\/[^/?]+\/bids/, '/tenders/[sealed]/bids');
}

/** Logged errors never carry SQL parameters (they could hold sealed bid contents). */
export function safeError(err: unknown): Record<string, unknown> {
  const e = err as { name?: string; message?: string; code?: string; stack?: string };
  return { type: e?.name, message: e?.message, code: e?.code, stack: e?.stack };
}

/** The HTTP application: controllers, guards, filters, OpenAPI. */
@Module({})
export class ApiModule {
  static forRoot(opts: AppOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        SettingsModule.forRoot(opts.config, opts.policy, opts.clock ?? new SystemClock()),
        loggerModule(opts.config),
        DatabaseModule,
        QueueModule,
        AuthModule,
        DirectoryModule,
        CasesModule,
        TerminusModule,
        CasesHttpModule,
        ConflictsHttpModule,
        TenderingHttpModule,
        DeadlinesHttpModule,
        NotificationsHttpModule,
        FlagsHttpModule,
        DocumentsHttpModule,
        ...(opts.extra ?? []),
      ],
      controllers: [HealthController, DirectoryController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
