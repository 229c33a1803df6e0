import 'reflect-metadata';
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
  @IsOptional() @IsString() POLICY_FILE?: string;
  @IsOptional()
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'an OCDS prefix like ocds-abc123' })
  OCID_PREFIX?: string;
  @IsOptional() @IsString() PUBLIC_BASE_URL?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647) DOCUMENT_MAX_BYTES?: number;
}

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
  policyFile: string;
  ocidPrefix: string;
  publicBaseUrl: string;
  /** largest document accepted (bytes) */
  documentMaxBytes: number;
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
    throw new ConfigError(
      e.property,
      `${Object.values(e.constraints ?? {}).join('; ')} (got ${JSON.stringify(raw[e.property])})`,
    );
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
    policyFile: parsed.POLICY_FILE ?? 'config/policy.json',
    ocidPrefix: parsed.OCID_PREFIX ?? 'ocds-mkbuy1',
    publicBaseUrl: parsed.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    documentMaxBytes: parsed.DOCUMENT_MAX_BYTES ?? 20_971_520,
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
  'POLICY_FILE',
  'OCID_PREFIX',
  'PUBLIC_BASE_URL',
  'DOCUMENT_MAX_BYTES',
];
