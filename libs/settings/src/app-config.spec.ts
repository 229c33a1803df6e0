import { ConfigError, DEV_JWT_SECRET, loadAppConfig } from './app-config';
import { validatePolicy } from './policy.loader';
import policy from '../../../config/policy.json';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadAppConfig', () => {
  it('has the contract defaults', () => {
    const c = loadAppConfig({});
    expect(c).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/makebuy',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      appRole: 'all',
      timeAcceleration: 1,
      jwtSecret: DEV_JWT_SECRET,
      jwtSecretIsDevelopment: true,
      metricsAllowedCidrs: ['127.0.0.1/32', '::1/128'],
    });
  });

  it.each([
    ['PORT', 'seventy'],
    ['APP_ROLE', 'both'],
    ['TIME_ACCELERATION', '0'],
    ['TIME_ACCELERATION', '1000001'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['AUTH_JWT_SECRET', 'short'],
    ['OCID_PREFIX', 'ocds-abc'],
    ['OCID_PREFIX', 'ocds-ABC123'],
    ['OCID_PREFIX', 'xyzw-abc123'],
    ['OCID_PREFIX', 'ocds-abc1234'],
    ['PUBLIC_BASE_URL', 'example.org'],
    ['PUBLIC_BASE_URL', 'https://example.org/?x=1'],
    ['METRICS_ALLOWED_CIDRS', '10.0.0.0/33'],
    ['METRICS_ALLOWED_CIDRS', 'localhost'],
    ['DATABASE_POOL_MAX', '0'],
    ['DATABASE_PREPARED_STATEMENTS', '-1'],
    ['DATABASE_PREPARED_STATEMENTS', 'all'],
    ['HTTP_MAX_IN_FLIGHT', '-1'],
    ['HTTP_MAX_IN_FLIGHT', 'many'],
    ['HEAP_GROWTH_PERCENT', '-5'],
    ['HEAP_GROWTH_PERCENT', '301'],
    ['HEAP_GROWTH_PERCENT', 'half'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadAppConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadAppConfig({ [name]: value })).toThrow(new RegExp(`^${name}:`));
  });

  it('lets the heap grow 50% over its live size unless HEAP_GROWTH_PERCENT says otherwise (0: V8 decides)', () => {
    expect(loadAppConfig({}).heapGrowthPercent).toBe(50);
    expect(loadAppConfig({ HEAP_GROWTH_PERCENT: '100' }).heapGrowthPercent).toBe(100);
    expect(loadAppConfig({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
  });

  it('takes an OCID prefix as registered and a public base URL (default: localhost on PORT)', () => {
    expect(loadAppConfig({}).ocidPrefix).toBe('ocds-mkbuy1');
    expect(loadAppConfig({ OCID_PREFIX: 'ocds-b5fd17' }).ocidPrefix).toBe('ocds-b5fd17');
    expect(loadAppConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
    expect(loadAppConfig({ PUBLIC_BASE_URL: 'https://tenders.example.nhs.uk/' }).publicBaseUrl).toBe(
      'https://tenders.example.nhs.uk',
    );
  });

  it('never repeats a rejected value (it may be a secret)', () => {
    const secret = 'short-s3cret';
    let message = '';
    try {
      loadAppConfig({ AUTH_JWT_SECRET: secret });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^AUTH_JWT_SECRET:/);
    expect(message).not.toContain(secret);
  });

  it('reads HTTP_MAX_IN_FLIGHT (default 256; 0 turns the bound off)', () => {
    expect(loadAppConfig({}).httpMaxInFlight).toBe(256);
    expect(loadAppConfig({ HTTP_MAX_IN_FLIGHT: '0' }).httpMaxInFlight).toBe(0);
    expect(loadAppConfig({ HTTP_MAX_IN_FLIGHT: '200' }).httpMaxInFlight).toBe(200);
  });

  it('reads AUTH_MAX_TOKEN_AGE (default 24h)', () => {
    expect(loadAppConfig({}).maxTokenAgeSeconds).toBe(86400);
    expect(loadAppConfig({ AUTH_MAX_TOKEN_AGE: '90m' }).maxTokenAgeSeconds).toBe(5400);
    expect(loadAppConfig({ AUTH_MAX_TOKEN_AGE: '3600' }).maxTokenAgeSeconds).toBe(3600);
    expect(() => loadAppConfig({ AUTH_MAX_TOKEN_AGE: 'forever' })).toThrow(/^AUTH_MAX_TOKEN_AGE:/);
  });

  it('refuses the development secret and acceleration in production', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET/);
    expect(() =>
      loadAppConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32), TIME_ACCELERATION: '10' }),
    ).toThrow(/TIME_ACCELERATION/);
    expect(
      loadAppConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32), WEBHOOK_SECRET_KEY: KEY })
        .timeAcceleration,
    ).toBe(1);
  });

  it('needs a 32-byte WEBHOOK_SECRET_KEY in production, and uses a development key elsewhere', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) })).toThrow(
      /^WEBHOOK_SECRET_KEY:/,
    );
    expect(() => loadAppConfig({ WEBHOOK_SECRET_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /^WEBHOOK_SECRET_KEY: must decode to 32 bytes/,
    );
    const dev = loadAppConfig({});
    expect(dev.webhooks.secretKeyIsDevelopment).toBe(true);
    expect(dev.webhooks.secretKey).toHaveLength(32);
    const set = loadAppConfig({ WEBHOOK_SECRET_KEY: KEY, WEBHOOK_ALLOWED_HOSTS: ' 127.0.0.1, Hooks.Local ' });
    expect(set.webhooks).toMatchObject({
      secretKeyIsDevelopment: false,
      allowedHosts: ['127.0.0.1', 'hooks.local'],
      timeoutMs: 15_000,
      retryMaxAgeMs: 3 * 24 * 3600_000,
    });
    expect(set.webhooks.secretKey.equals(Buffer.from(KEY, 'base64'))).toBe(true);
  });

  it('accepts acceleration up to a million outside production', () => {
    expect(loadAppConfig({ TIME_ACCELERATION: '1000000' }).timeAcceleration).toBe(1_000_000);
  });
});

describe('policy', () => {
  it('the shipped policy has the contract defaults', () => {
    const p = validatePolicy(policy);
    expect(p.tracks.fast).toMatchObject({
      quorum: 2,
      declarationWindow: 3,
      minimumTenderPeriod: 10,
      clarificationCutoff: 2,
      unansweredQuestionExtension: 2,
      minimumBids: 1,
      evaluationSla: 5,
      governanceReviewSla: 3,
      standstill: 8,
      furtherStandstill: 5,
    });
    expect(p.tracks.standard).toMatchObject({
      quorum: 2,
      declarationWindow: 10,
      minimumTenderPeriod: 20,
      clarificationCutoff: 3,
      unansweredQuestionExtension: 2,
      minimumBids: 1,
      evaluationSla: 15,
      governanceReviewSla: 10,
      standstill: 8,
      furtherStandstill: 5,
    });
  });
  it('a bad value stops the boot, naming the entry', () => {
    const bad = JSON.parse(JSON.stringify(policy));
    bad.tracks.fast.quorum = 0;
    expect(() => validatePolicy(bad)).toThrow(/tracks\.fast\.quorum/);
    const bad2 = JSON.parse(JSON.stringify(policy));
    bad2.routes.competitive.fast = { standstil: 3 };
    expect(() => validatePolicy(bad2)).toThrow(/standstil is not a policy key/);
  });
});
