import type { RedisOptions } from 'ioredis';

/** ioredis options from REDIS_URL; the database index in the path is honoured. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new Error(`REDIS_URL database index must be a non-negative integer, got ${u.pathname}`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers need blocking commands without a per-request retry limit
    maxRetriesPerRequest: null,
    // reconnect soon after Redis is back (BullMQ's default backs off to 20 s between tries)
    retryStrategy: (times: number) => Math.min(100 * times, 1_000),
  };
}
