/**
 * A worker-role process for the crash suite (deadlines-worker-crash.e2e-spec.ts): the real
 * WorkerModule (processors, outbox relay, deadline reconciler) against the suite's database and
 * queue prefix, configured from the environment. Run with `node -r @swc-node/register`.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadAppConfig, loadPolicy } from '@makebuy/settings';
import { WorkerModule } from '../../apps/worker/src/worker.module';

async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const policy = loadPolicy(config.policyFile);
  const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config, policy }), {
    logger: ['error', 'warn'],
  });
  ctx.enableShutdownHooks();
  process.stdout.write(`worker ready ${process.pid}\n`);
}

main().catch((e) => {
  process.stderr.write(`worker failed to start: ${(e as Error)?.stack ?? e}\n`);
  process.exit(1);
});
