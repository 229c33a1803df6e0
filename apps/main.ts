import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { applyHeapPolicy, ConfigError, loadAppConfig, loadPolicy } from '@makebuy/settings';
import { describeUnreachable, ensureDatabase, probePostgres, probeRedis, runMigrations } from '@makebuy/database';
import { createApiApp } from './api/src/bootstrap';
import { WorkerModule } from './worker/src/worker.module';
import { runWorker } from './worker/src/main';

/**
 * The one entry point and composition root, above both apps (neither imports the other):
 * APP_ROLE=all (default) serves the API and runs the worker in one process; api and worker run
 * one side each (production scales them apart).
 */
async function main(): Promise<void> {
  const config = loadAppConfig();
  applyHeapPolicy(config.heapGrowthPercent);
  const policy = loadPolicy(config.policyFile);
  if (config.jwtSecretIsDevelopment) {
    process.stderr.write(
      '\n*** WARNING: AUTH_JWT_SECRET is not set; using the DEVELOPMENT secret. Never do this in production. ***\n\n',
    );
  }
  if (config.webhooks.secretKeyIsDevelopment) {
    process.stderr.write(
      '\n*** WARNING: WEBHOOK_SECRET_KEY is not set; webhook secrets are encrypted with the DEVELOPMENT key. ***\n\n',
    );
  }
  for (const problem of [await probePostgres(config.databaseUrl), await probeRedis(config.redisUrl)]) {
    if (problem) {
      process.stderr.write(describeUnreachable(problem) + '\n');
      process.exit(1);
    }
  }
  await ensureDatabase(config.databaseUrl);
  if (config.appRole !== 'worker') await runMigrations(config.databaseUrl);

  if (config.appRole === 'worker') {
    await runWorker({ config, policy });
    return;
  }
  const app = await createApiApp({
    config,
    policy,
    extra: config.appRole === 'all' ? [WorkerModule.processors({ config, policy })] : [],
  });
  await app.listen(config.port, '0.0.0.0');
  app
    .get(Logger)
    .log(`makebuy ${config.appRole === 'all' ? 'api+worker' : 'api'} listening on :${config.port} (docs at /docs)`);
}

main().catch((e) => {
  if (e instanceof ConfigError) {
    process.stderr.write(`makebuy cannot start: bad configuration: ${e.message}\n`);
  } else {
    process.stderr.write(`makebuy failed to start: ${(e as Error)?.message ?? e}\n`);
  }
  process.exit(1);
});
