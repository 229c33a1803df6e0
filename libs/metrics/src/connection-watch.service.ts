import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

export type Component = 'postgres' | 'redis';

export interface ProbeResult {
  up: boolean;
  error?: string;
}

interface Outage {
  since: Date;
  address: string;
  error: string;
}

/** How long one probe may take, and how often a component that is down is probed again. */
const PROBE_TIMEOUT_MS = 1_500;
const RECHECK_MS = 500;

const addressOf = (url: string, port: number) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || port}`;
};

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The one place that says whether PostgreSQL and Redis can be reached. Connection errors from
 * any client (the pg pool, BullMQ's queues and workers) are reported here; an outage is logged
 * once, as structured fields (component, address, since), and once again when a probe finds
 * the component back. Clients' own error events go nowhere else, so an outage prints no stack
 * traces and no line per retry.
 */
@Injectable()
export class ConnectionWatch implements OnModuleDestroy {
  private readonly log = new Logger('Connections');
  private readonly outages = new Map<Component, Outage>();
  private readonly addresses: Record<Component, string>;
  private redis: Redis | null = null;
  private recheck: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.addresses = { postgres: addressOf(config.databaseUrl, 5432), redis: addressOf(config.redisUrl, 6379) };
  }

  address(c: Component): string {
    return this.addresses[c];
  }

  isDown(c: Component): boolean {
    return this.outages.has(c);
  }

  /** A client saw a connection error. Logged only when it starts an outage. */
  failed(c: Component, error: unknown): void {
    if (this.outages.has(c) || this.closed) return;
    const message = (error as Error)?.message || String(error);
    const outage = { since: new Date(), address: this.addresses[c], error: message };
    this.outages.set(c, outage);
    this.log.error(
      {
        event: 'connection_lost',
        component: c,
        address: outage.address,
        since: outage.since.toISOString(),
        error: message,
      },
      `${c} unreachable at ${outage.address}`,
    );
    this.scheduleRecheck();
  }

  /** A probe (or a client) found the component answering again. */
  recovered(c: Component): void {
    const outage = this.outages.get(c);
    if (!outage) return;
    this.outages.delete(c);
    const now = new Date();
    this.log.log(
      {
        event: 'connection_recovered',
        component: c,
        address: outage.address,
        since: outage.since.toISOString(),
        downForMs: now.getTime() - outage.since.getTime(),
      },
      `${c} reachable again at ${outage.address}`,
    );
  }

  /** Checks a component now, within a short bound, and records what it found. */
  async probe(c: Component): Promise<ProbeResult> {
    try {
      await withTimeout(c === 'postgres' ? this.pingPostgres() : this.pingRedis(), PROBE_TIMEOUT_MS, c);
      this.recovered(c);
      return { up: true };
    } catch (e) {
      this.failed(c, e);
      return { up: false, error: (e as Error).message };
    }
  }

  onModuleDestroy(): void {
    this.closed = true;
    if (this.recheck) clearTimeout(this.recheck);
    this.redis?.disconnect();
  }

  private scheduleRecheck(): void {
    if (this.recheck || this.closed) return;
    this.recheck = setTimeout(async () => {
      this.recheck = null;
      for (const c of [...this.outages.keys()]) await this.probe(c);
      if (this.outages.size) this.scheduleRecheck();
    }, RECHECK_MS);
    this.recheck.unref();
  }

  private async pingPostgres(): Promise<void> {
    // its own short connection: a saturated pool is not an outage
    const client = new Client({ connectionString: this.config.databaseUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async pingRedis(): Promise<void> {
    if (!this.redis) {
      const u = new URL(this.config.redisUrl);
      this.redis = new Redis(this.config.redisUrl, {
        lazyConnect: true,
        connectTimeout: PROBE_TIMEOUT_MS,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => 200,
        tls: u.protocol === 'rediss:' ? {} : undefined,
      });
      this.redis.on('error', () => undefined);
    }
    if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
    const pong = await this.redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected answer ${pong}`);
  }
}
