/**
 * A worker run alone (APP_ROLE=worker, its own process, no HTTP API) serves its figures on
 * WORKER_METRICS_PORT: the reconciler's passes and what they did are scrapable where they happen.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { freePort } from '../support/private-services';

const ROOT = resolve(__dirname, '../..');

describe('a worker run alone serves /metrics on WORKER_METRICS_PORT', () => {
  let t: TestApp;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'faults_worker_metrics', worker: false });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      await new Promise<void>((r) => {
        child!.once('exit', () => r());
        child!.kill('SIGTERM');
      });
    }
    await t?.close();
  });

  it('reconciler passes and up figures, from the allowed network', async () => {
    const port = await freePort(48000);
    const c = t.config;
    child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/e2e/deadlines-worker.child.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        APP_ROLE: 'worker',
        DATABASE_URL: c.databaseUrl,
        REDIS_URL: c.redisUrl,
        QUEUE_PREFIX: c.queuePrefix,
        AUTH_JWT_SECRET: c.jwtSecret,
        RECONCILE_INTERVAL_MS: '300',
        LOG_LEVEL: 'silent',
        WORKER_METRICS_PORT: String(port),
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const text = await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        const body = await res.text();
        return res.status === 200 && /^makebuy_reconciler_passes_total\{redis="reachable"\} [1-9]/m.test(body)
          ? body
          : null;
      },
      60_000,
      250,
    );
    expect(text).toMatch(/^makebuy_up\{component="postgres"\} 1$/m);
    expect(text).toMatch(/^makebuy_up\{component="redis"\} 1$/m);
    expect(text).toMatch(/^makebuy_outbox_backlog \d+$/m);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});
