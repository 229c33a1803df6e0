/**
 * Private PostgreSQL clusters and Redis servers for the fault suites: they stop, kill and restart
 * these, never the shared ones. Ports are picked free at run time (other runs go on at once on
 * this machine), names carry the process id, and each test stops and removes what it started.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';

const run = promisify(execFile);

/** A free TCP port in [from, from + span), chosen at random so concurrent runs rarely even try the same one. */
export async function freePort(from: number, span = 4000): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = from + Math.floor(Math.random() * span);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port found in ${from}..${from + span}`);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class PrivateRedis {
  private proc: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(46000));
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await until(`redis-server on ${this.port}`, () => this.ping());
  }

  /** Stops the server (SIGKILL: no goodbye to the clients) and waits until it is gone. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  async ping(): Promise<boolean> {
    const c = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } finally {
      c.disconnect();
    }
  }
}

export class PrivatePostgres {
  private constructor(
    readonly version: string,
    readonly name: string,
    readonly port: number,
  ) {}

  /** pg_createcluster on a free port, trust authentication, started. */
  static async create(): Promise<PrivatePostgres> {
    const version = readdirSync('/etc/postgresql').sort().pop()!;
    const port = await freePort(55432);
    const pg = new PrivatePostgres(version, `mbtest_${process.pid}_${port}`, port);
    await run('pg_createcluster', [version, pg.name, '-p', String(port), '-o', 'fsync=off', '--', '--auth=trust']);
    await pg.ctl('start');
    await until(`PostgreSQL ${pg.name}`, () => pg.ready());
    return pg;
  }

  url(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  /** pg_ctlcluster start | stop | restart, with a shutdown mode (fast, immediate). */
  async ctl(action: 'start' | 'stop' | 'restart', mode?: 'fast' | 'immediate'): Promise<void> {
    await run('pg_ctlcluster', [
      '--skip-systemctl-redirect',
      ...(mode ? ['-m', mode] : []),
      this.version,
      this.name,
      action,
    ]);
  }

  async ready(): Promise<boolean> {
    const c = new Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async waitReady(): Promise<void> {
    await until(`PostgreSQL ${this.name}`, () => this.ready());
  }

  async drop(): Promise<void> {
    await run('pg_dropcluster', ['--stop', this.version, this.name]).catch(() => undefined);
  }
}
