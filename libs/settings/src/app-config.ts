import 'reflect-metadata';
import { isIP } from 'node:net';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const DEV_JWT_SECRET = 'makebuy-development-secret-do-not-use-in-production';

/** A bad setting stops the boot; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** An OCDS ocid prefix: `ocds-` and the 6 characters the Open Contracting Partnership registered. */
export const OCID_PREFIX_PATTERN = /^ocds-[a-z0-9]{6}$/;

/** Open Government Licence v3.0: the usual licence of UK public sector open data. */
export const DEFAULT_OCDS_LICENSE = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';

const DURATION = /^([1-9]\d{0,8})(s|m|h|d)?$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `24h`, `90m`, `3600s`, `2d` or plain seconds, in seconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNIT_SECONDS[m[2] ?? 's'];
}

class EnvSchema {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' }) DATABASE_URL?: string;
  @IsOptional() @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' }) REDIS_URL?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) AUTH_JWT_SECRET?: string;
  @IsOptional() @Matches(/^https:\/\/.+/, { message: 'must be an https URL' }) AUTH_JWKS_URL?: string;
  @IsOptional() @IsIn(['all', 'api', 'worker']) APP_ROLE?: string;
  @IsOptional() @Type(() => Number) @IsNumber() @Min(1) @Max(1_000_000) TIME_ACCELERATION?: number;
  @IsOptional() @Matches(/^[A-Za-z0-9_-]+$/, { message: 'letters, digits, _ and - only' }) QUEUE_PREFIX?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @Matches(/^\d+(b|kb|mb)$/i, { message: 'like 100kb or 1mb' }) BODY_LIMIT?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(3_600_000) RECONCILE_INTERVAL_MS?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(60_000) OUTBOX_POLL_INTERVAL_MS?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000) DEADLINE_BATCH_SIZE?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(64) DEADLINE_CONCURRENCY?: number;
  @IsOptional() @IsString() POLICY_FILE?: string;
  @IsOptional()
  @Matches(OCID_PREFIX_PATTERN, {
    message:
      "an OCDS prefix: 'ocds-' and 6 lowercase letters or digits, as registered with the Open Contracting Partnership",
  })
  OCID_PREFIX?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9+/_-]+={0,2}$/, { message: 'must be base64' }) WEBHOOK_SECRET_KEY?: string;
  @IsOptional() @IsString() WEBHOOK_ALLOWED_HOSTS?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(100) @Max(120_000) WEBHOOK_TIMEOUT_MS?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) WEBHOOK_CONCURRENCY_PER_ENDPOINT?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(86_400_000) WEBHOOK_RETRY_BASE_MS?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(604_800_000) WEBHOOK_RETRY_MAX_DELAY_MS?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(100) @Max(2_592_000_000) WEBHOOK_RETRY_MAX_AGE_MS?: number;
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'an http(s) URL without query or fragment' })
  PUBLIC_BASE_URL?: string;
  @IsOptional() @IsString() @MinLength(1) OCDS_PUBLISHER_NAME?: string;
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'the URL of a licence' }) OCDS_LICENSE?: string;
  @IsOptional() @IsString() METRICS_ALLOWED_CIDRS?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535) WORKER_METRICS_PORT?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) DATABASE_POOL_MAX?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(60_000) DATABASE_POOL_WAIT_MS?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000) DATABASE_PREPARED_STATEMENTS?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) HTTP_MAX_IN_FLIGHT?: number;
  @IsOptional()
  @Matches(DURATION, { message: 'a duration like 24h, 90m, 3600s or 2d' })
  AUTH_MAX_TOKEN_AGE?: string;
  @IsOptional() @IsIn(['true', 'false'], { message: 'true or false' }) CONSOLE_DEV_SIGNIN?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647) DOCUMENT_MAX_BYTES?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(300) HEAP_GROWTH_PERCENT?: number;
}

/** Webhook delivery settings (contract: "Change feed and webhooks"). */
export interface WebhookSettings {
  /** AES-256-GCM key for stored webhook secrets (32 bytes) */
  secretKey: Buffer;
  secretKeyIsDevelopment: boolean;
  /** hosts or CIDRs that webhooks may target although private, loopback or link-local */
  allowedHosts: string[];
  /** one attempt's limit, connect to last byte */
  timeoutMs: number;
  /** at most this many attempts in flight per endpoint, across every worker */
  concurrencyPerEndpoint: number;
  /** exponential back-off with jitter: first retry after about baseMs, doubling, each at most maxDelayMs */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** no attempt later than this after the delivery was created (3 days) */
  retryMaxAgeMs: number;
}

/** Development only: production refuses to start without WEBHOOK_SECRET_KEY. */
export const DEV_WEBHOOK_SECRET_KEY = Buffer.from('makebuy-development-webhook-key!').toString('base64');

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string;
  redisUrl: string;
  port: number;
  jwtSecret: string;
  jwtSecretIsDevelopment: boolean;
  jwksUrl: string | null;
  appRole: 'all' | 'api' | 'worker';
  timeAcceleration: number;
  queuePrefix: string;
  logLevel: string;
  bodyLimit: string;
  reconcileIntervalMs: number;
  outboxPollIntervalMs: number;
  /** due deadlines claimed and closed together in one transaction */
  deadlineBatchSize: number;
  /** `deadline.fire` jobs a worker runs at once (a quarter of them close batches at the same time) */
  deadlineConcurrency: number;
  policyFile: string;
  ocidPrefix: string;
  /** no trailing slash */
  publicBaseUrl: string;
  webhooks: WebhookSettings;
  /** the OCDS publisher named in every package */
  ocdsPublisherName: string;
  ocdsLicense: string;
  /** networks that may read /metrics without an admin token */
  metricsAllowedCidrs: string[];
  /** a worker run alone (APP_ROLE=worker) serves its /metrics here (from METRICS_ALLOWED_CIDRS); null: not served */
  workerMetricsPort: number | null;
  /** connections in the database pool */
  databasePoolMax: number;
  /** how long a request may queue for a pool connection before it is answered 503 OVERLOADED */
  databasePoolWaitMs: number;
  /** statement texts each pool connection keeps prepared on the server (0: none, every statement unnamed) */
  databasePreparedStatements: number;
  /** API requests this process works on at once; one more is answered 503 OVERLOADED before any work (0: no bound) */
  httpMaxInFlight: number;
  /** longest accepted token life in seconds (`exp - iat`, or `exp - now` without `iat`) */
  maxTokenAgeSeconds: number;
  /** the console's "sign in as" page and its token-minting endpoint (never in production) */
  consoleDevSignIn: boolean;
  /** largest document accepted (bytes) */
  documentMaxBytes: number;
  /**
   * After a full collection V8 lets the heap grow to this many percent over what survived
   * (`--heap-growing-percent`); 0 leaves V8's own rule, which lets a process that allocates fast
   * (a deadline storm) grow to four times its live heap. See applyHeapPolicy.
   */
  heapGrowthPercent: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Reads and validates the environment once. Throws ConfigError naming the first bad variable. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(new EnvSchema()).concat(ENV_KEYS)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = plainToInstance(EnvSchema, raw);
  const errors = validateSync(parsed, { forbidUnknownValues: false });
  if (errors.length) {
    const e = errors[0];
    // name the variable, never its value: a rejected value may be a secret
    throw new ConfigError(e.property, Object.values(e.constraints ?? {}).join('; '));
  }
  const nodeEnv = (parsed.NODE_ENV ?? 'development') as AppConfig['nodeEnv'];
  const production = nodeEnv === 'production';
  const jwtSecret = parsed.AUTH_JWT_SECRET ?? DEV_JWT_SECRET;
  if (production && jwtSecret === DEV_JWT_SECRET) {
    throw new ConfigError('AUTH_JWT_SECRET', 'must be set to a real secret when NODE_ENV=production');
  }
  const timeAcceleration = parsed.TIME_ACCELERATION ?? 1;
  if (production && timeAcceleration !== 1) {
    throw new ConfigError('TIME_ACCELERATION', 'is refused when NODE_ENV=production (sandbox and tests only)');
  }
  const port = parsed.PORT ?? 3000;
  if (production && !parsed.WEBHOOK_SECRET_KEY) {
    throw new ConfigError('WEBHOOK_SECRET_KEY', 'must be set (32 bytes, base64) when NODE_ENV=production');
  }
  const webhookKey = Buffer.from(parsed.WEBHOOK_SECRET_KEY ?? DEV_WEBHOOK_SECRET_KEY, 'base64');
  if (webhookKey.length !== 32) {
    throw new ConfigError('WEBHOOK_SECRET_KEY', `must decode to 32 bytes, got ${webhookKey.length}`);
  }
  const consoleDevSignIn = (parsed.CONSOLE_DEV_SIGNIN ?? String(nodeEnv === 'development')) === 'true';
  if (production && consoleDevSignIn) {
    throw new ConfigError('CONSOLE_DEV_SIGNIN', 'is refused when NODE_ENV=production (development sign-in only)');
  }
  return {
    nodeEnv,
    databaseUrl: parsed.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/makebuy',
    redisUrl: parsed.REDIS_URL ?? 'redis://127.0.0.1:6379',
    port,
    jwtSecret,
    jwtSecretIsDevelopment: jwtSecret === DEV_JWT_SECRET,
    jwksUrl: parsed.AUTH_JWKS_URL ?? null,
    appRole: (parsed.APP_ROLE ?? 'all') as AppConfig['appRole'],
    timeAcceleration,
    queuePrefix: parsed.QUEUE_PREFIX ?? 'makebuy',
    logLevel: parsed.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    bodyLimit: parsed.BODY_LIMIT ?? '100kb',
    reconcileIntervalMs: parsed.RECONCILE_INTERVAL_MS ?? 60_000,
    outboxPollIntervalMs: parsed.OUTBOX_POLL_INTERVAL_MS ?? 1_000,
    deadlineBatchSize: parsed.DEADLINE_BATCH_SIZE ?? 50,
    deadlineConcurrency: parsed.DEADLINE_CONCURRENCY ?? 8,
    policyFile: parsed.POLICY_FILE ?? 'config/policy.json',
    ocidPrefix: parsed.OCID_PREFIX ?? 'ocds-mkbuy1',
    webhooks: {
      secretKey: webhookKey,
      secretKeyIsDevelopment: !parsed.WEBHOOK_SECRET_KEY,
      allowedHosts: (parsed.WEBHOOK_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      timeoutMs: parsed.WEBHOOK_TIMEOUT_MS ?? 15_000,
      concurrencyPerEndpoint: parsed.WEBHOOK_CONCURRENCY_PER_ENDPOINT ?? 4,
      retryBaseMs: parsed.WEBHOOK_RETRY_BASE_MS ?? 5_000,
      retryMaxDelayMs: parsed.WEBHOOK_RETRY_MAX_DELAY_MS ?? 6 * 3600_000,
      retryMaxAgeMs: parsed.WEBHOOK_RETRY_MAX_AGE_MS ?? 3 * 24 * 3600_000,
    },
    publicBaseUrl: (parsed.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    ocdsPublisherName: parsed.OCDS_PUBLISHER_NAME ?? 'makebuy',
    ocdsLicense: parsed.OCDS_LICENSE ?? DEFAULT_OCDS_LICENSE,
    metricsAllowedCidrs: parseCidrs(parsed.METRICS_ALLOWED_CIDRS ?? '127.0.0.1/32,::1/128'),
    workerMetricsPort: parsed.WORKER_METRICS_PORT ?? null,
    databasePoolMax: parsed.DATABASE_POOL_MAX ?? 20,
    databasePoolWaitMs: parsed.DATABASE_POOL_WAIT_MS ?? 5_000,
    databasePreparedStatements: parsed.DATABASE_PREPARED_STATEMENTS ?? 200,
    httpMaxInFlight: parsed.HTTP_MAX_IN_FLIGHT ?? 256,
    maxTokenAgeSeconds: parseDuration(parsed.AUTH_MAX_TOKEN_AGE ?? '24h'),
    consoleDevSignIn,
    documentMaxBytes: parsed.DOCUMENT_MAX_BYTES ?? 20_971_520,
    heapGrowthPercent: parsed.HEAP_GROWTH_PERCENT ?? 50,
  };
}

const ENV_KEYS = [
  'NODE_ENV',
  'DATABASE_URL',
  'REDIS_URL',
  'PORT',
  'AUTH_JWT_SECRET',
  'AUTH_JWKS_URL',
  'APP_ROLE',
  'TIME_ACCELERATION',
  'QUEUE_PREFIX',
  'LOG_LEVEL',
  'BODY_LIMIT',
  'RECONCILE_INTERVAL_MS',
  'OUTBOX_POLL_INTERVAL_MS',
  'DEADLINE_BATCH_SIZE',
  'DEADLINE_CONCURRENCY',
  'POLICY_FILE',
  'OCID_PREFIX',
  'PUBLIC_BASE_URL',
  'WEBHOOK_SECRET_KEY',
  'WEBHOOK_ALLOWED_HOSTS',
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_CONCURRENCY_PER_ENDPOINT',
  'WEBHOOK_RETRY_BASE_MS',
  'WEBHOOK_RETRY_MAX_DELAY_MS',
  'WEBHOOK_RETRY_MAX_AGE_MS',
  'METRICS_ALLOWED_CIDRS',
  'WORKER_METRICS_PORT',
  'DATABASE_POOL_MAX',
  'DATABASE_POOL_WAIT_MS',
  'DATABASE_PREPARED_STATEMENTS',
  'HTTP_MAX_IN_FLIGHT',
  'AUTH_MAX_TOKEN_AGE',
  'OCDS_PUBLISHER_NAME',
  'OCDS_LICENSE',
  'CONSOLE_DEV_SIGNIN',
  'DOCUMENT_MAX_BYTES',
  'HEAP_GROWTH_PERCENT',
];

/** Comma-separated CIDRs (a bare address is one host); anything else stops the boot. */
function parseCidrs(raw: string): string[] {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const [i, c] of list.entries()) {
    const [addr, bits, extra] = c.split('/');
    const type = isIP(addr);
    const max = type === 4 ? 32 : 128;
    const ok = type !== 0 && extra === undefined && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= max));
    if (!ok) throw new ConfigError('METRICS_ALLOWED_CIDRS', `entry ${i + 1} is not a CIDR like 10.0.0.0/8`);
  }
  return list;
}
