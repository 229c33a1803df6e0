import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { PolicyBook } from '@makebuy/domain';
import { AppConfig, Clock, SettingsModule, SystemClock } from '@makebuy/settings';
import { DatabaseModule } from '@makebuy/database';
import { OutboxRelay, QueueModule } from '@makebuy/queue';
import { CasesModule } from '@makebuy/cases';
import { CaseWorkflowModule } from '@makebuy/case-workflow';
import { MetricsCollectors, MetricsModule } from '@makebuy/metrics';
import { loggerModuleFor } from './worker.logger';
import { DeadlinesWorkerModule } from './deadlines/deadlines-worker.module';
import { FlagsWorkerModule } from './flags/flags-worker.module';
import { ConflictsWorkerModule } from './conflicts/conflicts-worker.module';
import { WebhooksWorkerModule } from './webhooks/webhooks-worker.module';
import { WorkerConnections } from './worker-connections';
import { WorkerMetricsServer } from './metrics/worker-metrics.server';

export interface WorkerOptions {
  config: AppConfig;
  policy: PolicyBook;
  clock?: Clock;
}

/** BullMQ processors, the outbox relay and the deadline reconciler. No HTTP listener. */
@Module({})
export class WorkerModule {
  /** Standalone worker process (APP_ROLE=worker). */
  static forRoot(opts: WorkerOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        SettingsModule.forRoot(opts.config, opts.policy, opts.clock ?? new SystemClock()),
        loggerModuleFor(opts.config),
        MetricsModule,
        DatabaseModule,
        QueueModule,
        CasesModule,
        CaseWorkflowModule,
        WorkerModule.processors(opts),
      ],
      // a worker run alone serves its own figures (WORKER_METRICS_PORT)
      providers: [MetricsCollectors, WorkerMetricsServer],
    };
  }

  /** Just the processors, to compose into the API process when APP_ROLE=all. */
  static processors(_opts: WorkerOptions): DynamicModule {
    return {
      module: WorkerProcessorsModule,
      imports: [DiscoveryModule, DeadlinesWorkerModule, FlagsWorkerModule, ConflictsWorkerModule, WebhooksWorkerModule],
      providers: [OutboxRelay, WorkerConnections],
    };
  }
}

@Module({})
export class WorkerProcessorsModule {}
