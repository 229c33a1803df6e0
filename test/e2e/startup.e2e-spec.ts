import { spawnSync } from 'node:child_process';

/** `npm start` with a service down: says which, where, and how to start it; exits non-zero. */
describe('startup when a service cannot be reached', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['-r', '@swc-node/register', 'apps/main.ts'], {
      env: { ...process.env, NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', ...env },
      encoding: 'utf8',
      timeout: 30000,
    });

  it('names PostgreSQL, the address tried and the start command', () => {
    const r = run({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5499/makebuy_test_unreachable' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PostgreSQL is not reachable at 127.0.0.1:5499');
    expect(r.stderr).toContain('pg_ctlcluster --skip-systemctl-redirect');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names Redis, the address tried and the start command', () => {
    const r = run({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/makebuy_test_unreachable',
      REDIS_URL: 'redis://127.0.0.1:6391',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Redis is not reachable at 127.0.0.1:6391');
    expect(r.stderr).toContain('redis-server --daemonize yes');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops on a bad setting, naming the variable', () => {
    const r = run({ TIME_ACCELERATION: '0' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('TIME_ACCELERATION');
  });

  it('refuses the development secret in production', () => {
    const r = run({ NODE_ENV: 'production', AUTH_JWT_SECRET: '' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('AUTH_JWT_SECRET');
  });
});
