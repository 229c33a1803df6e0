/**
 * Worker-only entry point: BullMQ processors, the outbox relay and the deadline reconciler,
 * without an HTTP listener (NestFactory.createApplicationContext).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { PolicyBook } from '@makebuy/domain';
import { AppConfig, applyHeapPolicy, ConfigError, loadAppConfig, loadPolicy } from '@makebuy/settings';
import { describeUnreachable, probePostgres, probeRedis } from '@makebuy/database';
import { WorkerModule } from './worker.module';

/** The standalone entry (`node dist/apps/worker/src/main.js`): its own configuration and checks, then `runWorker`. */
export async function startWorker(): Promise<void> {
  const config = loadAppConfig();
  applyHeapPolicy(config.heapGrowthPercent);
  const policy = loadPolicy(config.policyFile);
  for (const problem of [await probePostgres(config.databaseUrl), await probeRedis(config.redisUrl)]) {
    if (problem) {
      process.stderr.write(describeUnreachable(problem) + '\n');
      process.exit(1);
    }
  }
  await runWorker({ config, policy });
}

/** The worker's processors, relay and reconciler, for a configuration already read and checked (apps/main.ts, APP_ROLE=worker). */
export async function runWorker(opts: { config: AppConfig; policy: PolicyBook }): Promise<void> {
  const config = { ...opts.config, appRole: 'worker' as const };
  const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config, policy: opts.policy }), {
    bufferLogs: true,
    abortOnError: false,
  });
  ctx.useLogger(ctx.get(Logger));
  ctx.enableShutdownHooks();
  ctx.get(Logger).log(`makebuy worker started (queue prefix ${config.queuePrefix})`);
}

if (require.main === module) {
  startWorker().catch((e) => {
    process.stderr.write(
      e instanceof ConfigError
        ? `makebuy worker cannot start: bad configuration: ${e.message}\n`
        : `makebuy worker failed to start: ${(e as Error)?.message ?? e}\n`,
    );
    process.exit(1);
  });
}
