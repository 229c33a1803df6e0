import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { DeadlineFiring, FireOutcome } from '@makebuy/deadlines';
import { DEADLINE_JOB_RETENTION, FireDeadlinePayload, JOBS, QUEUES } from '@makebuy/queue';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/** The smallest re-delay for a job that woke early, so a skewed clock cannot spin it. */
const MIN_REDELAY_MS = 50;
/** A wake that failed (PostgreSQL unreachable) is tried again after this, for as long as RETRY_FOR_MS. */
const RETRY_AFTER_MS = 2_000;
const RETRY_FOR_MS = 10 * 60_000;

/**
 * `deadline.fire`: a wake-up call. Closes a batch of due deadlines through DeadlineFiring
 * (fenced, idempotent); a job whose deadline an earlier batch already closed costs at most one read.
 * Concurrency: DEADLINE_CONCURRENCY.
 */
@Processor(QUEUES.deadlines, { concurrency: 8, ...DEADLINE_JOB_RETENTION })
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
    let r: FireOutcome;
    try {
      r = await this.firing.wake(job.data.deadlineId);
    } catch (e) {
      // the job carries no BullMQ attempts (Redis bytes): it re-delays itself for a while, and
      // the reconciler applies the deadline from PostgreSQL whatever happens to the job
      if (Date.now() - (job.timestamp + (job.opts.delay ?? 0)) > RETRY_FOR_MS) throw e;
      this.log.debug(
        `deadline ${job.data.deadlineId}: wake failed (${(e as Error).message}); again in ${RETRY_AFTER_MS} ms`,
      );
      await job.moveToDelayed(Date.now() + RETRY_AFTER_MS, token);
      throw new DelayedError();
    }
    if (r.outcome === 'early') {
      // woke before the due instant (clock skew between Redis, this host and the scheduler): sleep again
      this.log.debug(`deadline ${r.deadlineId} woke ${r.waitMs} ms early; delayed again`);
      await job.moveToDelayed(Date.now() + Math.max(MIN_REDELAY_MS, r.waitMs), token);
      throw new DelayedError();
    }
    return r;
  }
}
