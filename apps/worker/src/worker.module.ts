import { DynamicModule, Module } from '@nestjs/common';
import type { PolicyBook } from '@makebuy/domain';
import { AppConfig, Clock, SettingsModule, SystemClock } from '@makebuy/settings';
import { DatabaseModule } from '@makebuy/database';
import { OutboxRelay, QueueModule } from '@makebuy/queue';
import { CasesModule } from '@makebuy/cases';
import { loggerModuleFor } from './worker.logger';
import { DeadlinesWorkerModule } from './deadlines/deadlines-worker.module';
import { FlagsWorkerModule } from './flags/flags-worker.module';
import { ConflictsWorkerModule } from './conflicts/conflicts-worker.module';
import { TransparencyModule } from '@makebuy/transparency';

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
        DatabaseModule,
        QueueModule,
        CasesModule,
        WorkerModule.processors(opts),
      ],
    };
  }

  /** Just the processors, to compose into the API process when APP_ROLE=all. */
  static processors(_opts: WorkerOptions): DynamicModule {
    return {
      module: WorkerProcessorsModule,
      // transparency has no processor, but the transitions workers make publish notices
      imports: [DeadlinesWorkerModule, FlagsWorkerModule, ConflictsWorkerModule, TransparencyModule],
      providers: [OutboxRelay],
    };
  }
}

@Module({})
export class WorkerProcessorsModule {}
