import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { isConnectionUnavailable } from '@makebuy/database';
import { ConnectionWatch } from '@makebuy/metrics';
import { OutboxEntity } from './outbox.entity';
import { OutboxSignal } from './outbox.signal';
import { PeriodicPass } from './periodic-pass';
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
  private readonly loop: PeriodicPass;

  constructor(
    private readonly ds: DataSource,
    private readonly gateway: QueueGateway,
    signal: OutboxSignal,
    private readonly watch: ConnectionWatch,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.loop = new PeriodicPass(
      () => this.drain(),
      (e) => {
        // an outage is logged once by ConnectionWatch, not once per pass
        if (isConnectionUnavailable(e)) this.watch.failed('postgres', e);
        else this.log.warn(`outbox relay pass failed: ${(e as Error).message}`);
      },
      { everyMs: config.outboxPollIntervalMs, atStart: true, wakeOn: signal },
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
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

  /**
   * One pass over up to `batch` unpublished rows, in one transaction: the jobs added in one
   * round trip per queue, the rows marked in one statement. If the bulk add fails for another
   * reason than Redis being unavailable, the rows go one at a time: a bad row is recorded on it
   * (attempts, last error) and never holds the others back.
   */
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
      if (!rows.length) return 0;
      const job = (row: OutboxEntity) => ({
        job: row.topic as JobName,
        payload: row.payload,
        jobId: row.jobId,
        runAt: row.delayUntil,
      });
      const published = (ids: string[]) =>
        tx.query(
          `UPDATE outbox SET published_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])`,
          [ids, new Date()],
        );
      const failed = (id: string, e: unknown) =>
        tx.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
          id,
          String((e as Error).message).slice(0, 500),
        ]);
      try {
        // bounded, refused at once while Redis is down; delays are computed at the call
        await this.gateway.addBulk(rows.map(job));
        await published(rows.map((r) => r.id));
        return rows.length;
      } catch (e) {
        if (e instanceof RedisUnavailable) {
          // Redis is unhappy: stop this pass, the timer retries
          await failed(rows[0].id, e);
          return 0;
        }
        this.log.warn(`outbox batch not published at once, one row at a time: ${(e as Error).message}`);
      }
      const done: string[] = [];
      for (const row of rows) {
        try {
          const j = job(row);
          await this.gateway.add(j.job, j.payload as never, { jobId: j.jobId, runAt: j.runAt });
          done.push(row.id);
        } catch (e) {
          await failed(row.id, e);
          if (e instanceof RedisUnavailable) {
            if (done.length) await published(done);
            return Math.min(done.length, batch - 1);
          }
          // this row alone is wrong: recorded on it, retried on later passes, the others go on
          this.log.warn(`outbox row ${row.id} not published: ${(e as Error).message}`);
        }
      }
      if (done.length) await published(done);
      // a pass that left a row behind ends the drain; the timer comes back to it
      return done.length === rows.length ? done.length : Math.min(done.length, batch - 1);
    });
  }
}
