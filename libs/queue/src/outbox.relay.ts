import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { isConnectionUnavailable } from '@makebuy/database';
import { ConnectionWatch } from '@makebuy/metrics';
import { OutboxEntity } from './outbox.entity';
import { OutboxSignal } from './outbox.signal';
import { QueueGateway, RedisUnavailable } from './queue.gateway';
import { JobName } from './queue.catalogue';

/**
 * Publishes committed outbox rows to BullMQ (at least once; job ids are deterministic so a
 * second publish is harmless). Runs on an in-process timer, woken after commits, so it keeps
 * working when Redis loses its data. Only the worker role starts it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly gateway: QueueGateway,
    private readonly signal: OutboxSignal,
    private readonly watch: ConnectionWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.signal.onWake(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.config.outboxPollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running?.catch(() => undefined);
  }

  /** Runs a pass now, or right after the one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((e) => {
        // an outage is logged once by ConnectionWatch, not once per pass
        if (isConnectionUnavailable(e)) this.watch.failed('postgres', e);
        else this.log.warn(`outbox relay pass failed: ${(e as Error).message}`);
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Publishes until no unpublished row is left (or a batch fails). Returns rows published. */
  async drain(batch = 200): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch(batch);
      total += n;
      if (n < batch) return total;
    }
  }

  private async publishBatch(batch: number): Promise<number> {
    return this.ds.transaction(async (tx) => {
      const rows = await tx
        .getRepository(OutboxEntity)
        .createQueryBuilder('o')
        .where('o.published_at IS NULL')
        .orderBy('o.id')
        .limit(batch)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      let published = 0;
      for (const row of rows) {
        try {
          // bounded, refused at once while Redis is down; the delay is computed at the call
          await this.gateway.add(row.topic as JobName, row.payload as never, {
            jobId: row.jobId,
            runAt: row.delayUntil,
          });
          await tx.update(
            OutboxEntity,
            { id: row.id },
            { publishedAt: new Date(), attempts: row.attempts + 1, lastError: null },
          );
          published++;
        } catch (e) {
          if (!(e instanceof RedisUnavailable))
            this.log.warn(`outbox row ${row.id} not published: ${(e as Error).message}`);
          await tx.update(
            OutboxEntity,
            { id: row.id },
            { attempts: row.attempts + 1, lastError: String((e as Error).message).slice(0, 500) },
          );
          // Redis is unhappy: stop this pass, the timer retries
          return Math.min(published, batch - 1);
        }
      }
      return published;
    });
  }
}
