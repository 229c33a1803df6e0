import { Client } from 'pg';
import Redis from 'ioredis';

export interface Unreachable {
  service: 'PostgreSQL' | 'Redis';
  address: string;
  reason: string;
  howToStart: string;
}

const PG_START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

function address(url: string, defaultPort: number): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || defaultPort}`;
}

export async function probePostgres(url: string, timeoutMs = 3000): Promise<Unreachable | null> {
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new Client({ connectionString: u.toString(), connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return {
      service: 'PostgreSQL',
      address: address(url, 5432),
      reason: (e as Error).message || String(e),
      howToStart: PG_START,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function probeRedis(url: string, timeoutMs = 3000): Promise<Unreachable | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let firstError: Error | null = null;
  redis.on('error', (e: Error) => {
    firstError ??= e;
  });
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (e) {
    return {
      service: 'Redis',
      address: address(url, 6379),
      reason: ((firstError as Error | null) ?? (e as Error)).message || String(e),
      howToStart: REDIS_START,
    };
  } finally {
    redis.disconnect();
  }
}

export function describeUnreachable(u: Unreachable): string {
  return [
    `makebuy cannot start: ${u.service} is not reachable at ${u.address} (${u.reason}).`,
    `Start it with:`,
    `  ${u.howToStart}`,
  ].join('\n');
}
