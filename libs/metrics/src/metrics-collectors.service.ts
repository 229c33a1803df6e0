import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import { ConnectionWatch } from './connection-watch.service';
import { Metrics } from './metrics.service';

/** How long the outbox figures may take at scrape time before they are left out. */
const SCRAPE_QUERY_TIMEOUT_MS = 1_000;

/** The pg pool behind TypeORM (its figures: total, idle, waiting). */
export function poolOf(ds: DataSource): Pool | undefined {
  return (ds.driver as unknown as { master?: Pool }).master;
}

/**
 * Figures read at scrape time: the outbox backlog and the age of its oldest unpublished row,
 * the pool's waiting count, and whether PostgreSQL and Redis answer.
 */
@Injectable()
export class MetricsCollectors {
  constructor(metrics: Metrics, @InjectDataSource() ds: DataSource, watch: ConnectionWatch) {
    let outbox: Promise<{ n: number; age: number | null } | null> | null = null;
    // one query per scrape for both outbox gauges
    const readOutbox = () => (outbox ??= readOutboxOnce(ds).finally(() => setImmediate(() => (outbox = null))));
    metrics.gauge('makebuy_outbox_backlog', 'Outbox rows not yet published to Redis', async (g) => {
      const r = await readOutbox();
      if (r) g.set(r.n);
    });
    metrics.gauge(
      'makebuy_outbox_oldest_unpublished_age_seconds',
      'Age of the oldest outbox row not yet published (0 when none)',
      async (g) => {
        const r = await readOutbox();
        if (r) g.set(r.age ?? 0);
      },
    );
    metrics.gauge(
      'makebuy_db_pool_connections',
      'Database pool connections by state (waiting = requests queued for a connection)',
      (g) => {
        const pool = poolOf(ds);
        if (!pool) return;
        g.set({ state: 'total' }, pool.totalCount);
        g.set({ state: 'idle' }, pool.idleCount);
        g.set({ state: 'waiting' }, pool.waitingCount);
      },
      ['state'],
    );
    metrics.gauge(
      'makebuy_up',
      'Whether the component answers (1) or not (0), probed at scrape time',
      async (g) => {
        const [pg, redis] = await Promise.all([watch.probe('postgres'), watch.probe('redis')]);
        g.set({ component: 'postgres' }, pg.up ? 1 : 0);
        g.set({ component: 'redis' }, redis.up ? 1 : 0);
      },
      ['component'],
    );
  }
}

async function readOutboxOnce(ds: DataSource): Promise<{ n: number; age: number | null } | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const q = ds.query(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS age
         FROM outbox WHERE published_at IS NULL`,
    ) as Promise<{ n: number; age: number | null }[]>;
    const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), SCRAPE_QUERY_TIMEOUT_MS)));
    const rows = await Promise.race([q.catch(() => null), timeout]);
    return rows ? rows[0] : null;
  } finally {
    clearTimeout(timer);
  }
}
