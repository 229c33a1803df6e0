import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { DeadlineFiring, FireOutcome } from '@makebuy/deadlines';
import { FireDeadlinePayload, JOBS, QUEUES } from '@makebuy/queue';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/** The smallest re-delay for a job that woke early, so a skewed clock cannot spin it. */
const MIN_REDELAY_MS = 50;

/**
 * `deadline.fire`: a wake-up call. Closes a batch of due deadlines through DeadlineFiring
 * (fenced, idempotent); a job whose deadline an earlier batch already closed costs at most one read.
 * Concurrency: DEADLINE_CONCURRENCY.
 */
@Processor(QUEUES.deadlines, { concurrency: 8 })
export class DeadlineProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly log = new Logger(DeadlineProcessor.name);

  constructor(
    private readonly firing: DeadlineFiring,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.deadlineConcurrency;
  }

  async process(job: Job<FireDeadlinePayload>, token?: string): Promise<FireOutcome> {
    if (job.name !== JOBS.fireDeadline) throw new Error(`no handler for job ${job.name} on ${QUEUES.deadlines}`);
    const r = await this.firing.wake(job.data.deadlineId);
    if (r.outcome === 'early') {
      // woke before the due instant (clock skew between Redis, this host and the scheduler): sleep again
      this.log.debug(`deadline ${r.deadlineId} woke ${r.waitMs} ms early; delayed again`);
      await job.moveToDelayed(Date.now() + Math.max(MIN_REDELAY_MS, r.waitMs), token);
      throw new DelayedError();
    }
    return r;
  }
}
