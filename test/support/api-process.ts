/**
 * The real entry point (apps/main.ts) as a child process, for fault suites that must see
 * what an operator sees: the process's own output, its exit, its answers over TCP.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import type { Role } from '@makebuy/domain';
import { signToken } from '@makebuy/auth';
import { freePort } from './private-services';

const ROOT = resolve(__dirname, '../..');
export const PROCESS_JWT_SECRET = 'test-secret-for-the-fault-suites-0123456789';

export interface LogLine {
  raw: string;
  json: Record<string, unknown> | null;
}

export class ApiProcess {
  readonly lines: LogLine[] = [];
  private partial = '';

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    for (const s of [child.stdout!, child.stderr!]) {
      s.on('data', (d) => this.take(String(d)));
    }
  }

  /** Starts `APP_ROLE` (all by default) on a free port and waits until /health/live answers. */
  static async start(env: Record<string, string>): Promise<ApiProcess> {
    const port = await freePort(47000);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        APP_ROLE: 'all',
        PORT: String(port),
        AUTH_JWT_SECRET: PROCESS_JWT_SECRET,
        // a real key, as for the JWT secret: no development-key warning among the structured lines
        WEBHOOK_SECRET_KEY: Buffer.alloc(32, 'api-process-webhook-key').toString('base64'),
        LOG_LEVEL: 'info',
        RECONCILE_INTERVAL_MS: '300',
        OUTBOX_POLL_INTERVAL_MS: '50',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p = new ApiProcess(child, `http://127.0.0.1:${port}`);
    const start = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`api exited with ${child.exitCode}: ${p.output().slice(-3000)}`);
      const ok = await request(p.url)
        .get('/health/live')
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return p;
      if (Date.now() - start > 120_000) throw new Error(`api did not start: ${p.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  get http() {
    return request(this.url);
  }

  token(sub: string, roles: Role[], expiresIn: string | number = '1h'): Promise<string> {
    return signToken(PROCESS_JWT_SECRET, sub, roles, expiresIn);
  }

  adminToken(): Promise<string> {
    return this.token('admin-test', ['admin']);
  }

  output(): string {
    return this.lines.map((l) => l.raw).join('\n');
  }

  /** Structured log lines whose fields match. */
  events(match: Record<string, unknown>): Record<string, unknown>[] {
    return this.lines
      .map((l) => l.json)
      .filter((j): j is Record<string, unknown> => !!j && Object.entries(match).every(([k, v]) => j[k] === v));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((r) => {
      this.child.once('exit', () => r());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 10_000).unref();
    });
  }

  private take(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const raw of parts) {
      if (!raw.trim()) continue;
      let json: Record<string, unknown> | null = null;
      try {
        const v = JSON.parse(raw);
        if (v && typeof v === 'object') json = v;
      } catch {
        /* not a structured line */
      }
      this.lines.push({ raw, json });
    }
  }
}
