import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { QUEUES } from './queue.catalogue';
import { redisOptionsFromUrl } from './redis-connection';
import { OutboxEntity } from './outbox.entity';
import { OutboxWriter } from './outbox.writer';
import { OutboxSignal } from './outbox.signal';
import { QueueGateway } from './queue.gateway';

/** BullMQ on Redis (ioredis): connection from REDIS_URL, prefix from QUEUE_PREFIX, the catalogue's queues. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisOptionsFromUrl(config.redisUrl) as never,
        prefix: config.queuePrefix,
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      }),
    }),
    BullModule.registerQueue(
      // a pending deadline's job carries only what it must (at most 1 KB of Redis each): its
      // retention is the worker's option (see DEADLINE_JOB_RETENTION), it is not retried by BullMQ
      // (the processor re-delays a wake that failed; the reconciler re-drives from PostgreSQL), and
      // the queue's event stream is kept short (nothing listens to it)
      { name: QUEUES.deadlines, defaultJobOptions: {}, streams: { events: { maxLen: 100 } } },
      { name: QUEUES.awardChecks },
      { name: QUEUES.maintenance },
      { name: QUEUES.webhooks },
    ),
    TypeOrmModule.forFeature([OutboxEntity]),
  ],
  providers: [OutboxWriter, OutboxSignal, QueueGateway],
  exports: [BullModule, OutboxWriter, OutboxSignal, QueueGateway],
})
export class QueueModule {}
