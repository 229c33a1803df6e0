import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JOBS, QUEUES } from '@makebuy/queue';

/** One scheduler id: upserting it on every boot keeps a single schedule however many workers start. */
export const ANNUAL_DECLARATIONS_SCHEDULER_ID = 'annual-declarations-daily';
/** Every day at 06:00 Europe/London. */
export const ANNUAL_DECLARATIONS_PATTERN = '0 0 6 * * *';

/** Registers the daily annual-declarations check (worker role only). */
@Injectable()
export class AnnualDeclarationsScheduler implements OnApplicationBootstrap {
  private readonly log = new Logger(AnnualDeclarationsScheduler.name);
  /** settles once the schedule is in Redis (or failed to get there) */
  scheduled: Promise<void> = Promise.resolve();

  constructor(@InjectQueue(QUEUES.maintenance) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    // not awaited: Redis being slow at boot must not hold the worker up; the next boot upserts again
    this.scheduled = this.queue
      .upsertJobScheduler(
        ANNUAL_DECLARATIONS_SCHEDULER_ID,
        { pattern: ANNUAL_DECLARATIONS_PATTERN, tz: 'Europe/London' },
        { name: JOBS.annualDeclarations, data: {} },
      )
      .then(() => undefined)
      .catch((e) => this.log.error(`could not schedule the annual declarations check: ${(e as Error).message}`));
  }
}
