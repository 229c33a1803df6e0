import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import request from 'supertest';
import type { Role } from '@makebuy/domain';
import { AppConfig, Clock, loadAppConfig, loadPolicy, SystemClock } from '@makebuy/settings';
import { dropDatabase, ensureDatabase, runMigrations } from '@makebuy/database';
import { signToken } from '@makebuy/auth';
import type { PolicyBook } from '@makebuy/domain';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { ConnectionGuard } from '../../libs/database/src/testing';
import type { AppOptions } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';

export const TEST_PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const TEST_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestAppOptions {
  /** names the suite's own database and queue prefix */
  suite: string;
  timeAcceleration?: number;
  clock?: Clock;
  /** run the worker (processors, relay, reconciler) in the same process; default true */
  worker?: boolean;
  env?: Record<string, string>;
  policy?: (p: PolicyBook) => PolicyBook;
  /**
   * the connection guard (a second pool connection inside a transaction is refused and fails the
   * suite at close); TEST_CONNECTION_GUARD=off|record|refuse overrides. Default: on
   */
  connectionGuard?: boolean;
  /** reuse another app's database and queue prefix (a restart); nothing is dropped on close */
  reuse?: AppConfig;
  /** where the app's logs go (set env LOG_LEVEL to see any) */
  logDestination?: AppOptions['logDestination'];
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  policy: PolicyBook;
  http: ReturnType<typeof request>;
  token(sub: string, roles: Role[], expiresIn?: string | number): Promise<string>;
  adminToken(): Promise<string>;
  /** records (and refuses) a second pool connection taken inside a transaction; null when off */
  connectionGuard: ConnectionGuard | null;
  close(): Promise<void>;
}

/**
 * Refuses a DATABASE_URL whose database name does not say test: the suites create, migrate and
 * drop their database, so a URL pointing elsewhere (an override in `env`, a reused config) must
 * never reach them.
 */
export function assertTestDatabase(databaseUrl: string): void {
  let name: string;
  try {
    name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  } catch {
    throw new Error('refusing to run: DATABASE_URL is not a URL');
  }
  if (!/^makebuy_test_/.test(name))
    throw new Error(`refusing to run against database "${name}": its name does not start with makebuy_test_`);
}

/** Each suite gets its own database (created and dropped here) and its own queue prefix. */
export async function testConfig(suite: string, extra: Record<string, string> = {}): Promise<AppConfig> {
  const id = `${suite.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const config = loadAppConfig({
    NODE_ENV: 'test',
    DATABASE_URL: `${TEST_PG}/makebuy_test_${id}`,
    REDIS_URL: TEST_REDIS,
    QUEUE_PREFIX: `mbtest-${id}`,
    AUTH_JWT_SECRET: 'test-secret-for-the-e2e-suites-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RECONCILE_INTERVAL_MS: '300',
    OUTBOX_POLL_INTERVAL_MS: '50',
    ...extra,
  });
  assertTestDatabase(config.databaseUrl);
  return config;
}

export async function startTestApp(opts: TestAppOptions): Promise<TestApp> {
  const config = opts.reuse
    ? { ...opts.reuse, timeAcceleration: opts.timeAcceleration ?? opts.reuse.timeAcceleration }
    : await testConfig(opts.suite, { TIME_ACCELERATION: String(opts.timeAcceleration ?? 1), ...(opts.env ?? {}) });
  assertTestDatabase(config.databaseUrl);
  const basePolicy = loadPolicy('config/policy.json');
  const policy = opts.policy ? opts.policy(basePolicy) : basePolicy;
  await ensureDatabase(config.databaseUrl);
  await runMigrations(config.databaseUrl);
  const clock = opts.clock ?? new SystemClock();
  const app = await createApiApp({
    config,
    policy,
    clock,
    logDestination: opts.logDestination,
    extra: opts.worker === false ? [] : [WorkerModule.processors({ config, policy, clock })],
  });
  // "never hold one pool connection while waiting for another", checked in every suite
  const guardMode = process.env.TEST_CONNECTION_GUARD ?? (opts.connectionGuard === false ? 'off' : 'refuse');
  const guard =
    guardMode === 'off' ? null : ConnectionGuard.install(app.get(DataSource), { refuse: guardMode !== 'record' });
  await app.init();
  const server = app.getHttpServer();
  const token = (sub: string, roles: Role[], expiresIn: string | number = '1h') =>
    signToken(config.jwtSecret, sub, roles, expiresIn);
  return {
    app,
    config,
    policy,
    http: request(server),
    token,
    adminToken: () => token('admin-test', ['admin']),
    connectionGuard: guard,
    close: async () => {
      await app.close();
      if (!opts.reuse) {
        await clearQueues(config.queuePrefix);
        await dropDatabase(config.databaseUrl);
      }
      if (guard?.violations.length) {
        // the project's own frames say where: not the guard's, not TypeORM's
        const ours = (stack: string) =>
          stack
            .split('\n')
            .filter((l) => /\/(apps|libs|test)\//.test(l) && !/node_modules|connection-guard/.test(l))
            .slice(0, 6)
            .join('\n');
        const where = [...new Set(guard.violations.map((v) => ours(v.stack)))];
        throw new Error(
          `${guard.violations.length} time(s) a second pool connection was taken inside a transaction ` +
            `(read through tx instead); ${where.length} place(s):\n${where.join('\n---\n')}`,
        );
      }
    },
  };
}

export async function clearQueues(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls until fn returns a truthy value (for work done by the worker); fails after timeoutMs. */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 15000,
  intervalMs = 50,
): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`condition not met within ${timeoutMs}ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
