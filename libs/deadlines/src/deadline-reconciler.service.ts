import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@makebuy/settings';
import { JOBS, QueueGateway, RedisUnavailable } from '@makebuy/queue';
import { Metrics } from '@makebuy/metrics';
import { DeadlinesRepository } from './deadlines.repository';
import { DeadlineFiring } from './deadline-firing.service';

export interface ReconcileReport {
  /** due deadlines applied (or found stale and superseded) directly from PostgreSQL */
  fired: number;
  superseded: number;
  failed: number;
  /** future deadlines whose job was missing from Redis and was enqueued again */
  requeued: number;
  /** set when Redis could not be checked (the due pass does not need it) */
  redisError?: string;
}

const FUTURE_BATCH = 500;

/**
 * The safety net under BullMQ. PostgreSQL is the source of truth: due deadlines still pending
 * are applied directly (so a deadline fires even when Redis lost its data or a worker died
 * holding the job), and future deadlines whose job is missing from Redis are enqueued again.
 * Safe to run in every worker at once and as often as wanted.
 */
@Injectable()
export class DeadlineReconciler {
  private readonly log = new Logger(DeadlineReconciler.name);

  constructor(
    private readonly repo: DeadlinesRepository,
    private readonly firing: DeadlineFiring,
    private readonly gateway: QueueGateway,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  /** A whole pass: due deadlines from PostgreSQL, then the Redis check. */
  async reconcile(): Promise<ReconcileReport> {
    const report = await this.applyDue();
    Object.assign(report, await this.repairQueue());
    return report;
  }

  /**
   * Applies due and overdue pending deadlines straight from PostgreSQL, through the same fenced
   * path as the job. Needs no Redis: this is how deadlines fire on time while Redis is down.
   */
  async applyDue(): Promise<ReconcileReport> {
    const report: ReconcileReport = { fired: 0, superseded: 0, failed: 0, requeued: 0 };
    await this.fireDue(report);
    this.count('fired', report.fired);
    this.count('superseded', report.superseded);
    this.count('failed', report.failed);
    if (report.fired || report.superseded || report.failed) {
      this.log.log(
        `reconciled due deadlines: ${report.fired} fired, ${report.superseded} superseded, ${report.failed} failed`,
      );
    }
    return report;
  }

  /**
   * Enqueues again the jobs of future deadlines that Redis lost. Every Redis call is bounded and
   * refused at once while Redis is down, so this never holds up the next due pass.
   */
  async repairQueue(): Promise<Pick<ReconcileReport, 'requeued' | 'redisError'>> {
    try {
      const requeued = await this.requeueMissing();
      this.metrics.reconcilerPasses.inc({ redis: 'reachable' });
      this.count('requeued', requeued);
      if (requeued) this.log.log(`re-enqueued ${requeued} deadline jobs missing from Redis`);
      return { requeued };
    } catch (e) {
      this.metrics.reconcilerPasses.inc({ redis: 'unreachable' });
      // Redis being down is logged once per outage by ConnectionWatch
      if (!(e instanceof RedisUnavailable))
        this.log.warn(`could not check deadline jobs in Redis: ${(e as Error).message}`);
      return { requeued: 0, redisError: (e as Error).message };
    }
  }

  private count(outcome: 'fired' | 'superseded' | 'failed' | 'requeued', n: number): void {
    if (n) this.metrics.reconcilerDeadlines.inc({ outcome }, n);
  }

  /**
   * Due and overdue pending deadlines, in claimed batches: the job's path (DeadlineFiring.closeDue),
   * as many batches at once as the firing allows, until a claim comes back short.
   */
  private async fireDue(report: ReconcileReport): Promise<void> {
    const loop = async () => {
      for (;;) {
        const { claimed, outcomes } = await this.firing.closeDue('reconciler');
        for (const r of outcomes.values()) {
          if (r.outcome === 'fired') report.fired++;
          else if (r.outcome === 'superseded') report.superseded++;
          // recorded on the row with a back-off; a later pass retries it
          else if (r.outcome === 'failed') report.failed++;
        }
        if (claimed < this.firing.batchSize) return;
      }
    };
    await Promise.all(Array.from({ length: this.firing.parallelBatches }, loop));
  }

  /** Pending deadlines not yet due whose `deadline.fire` job is not in Redis: enqueue again. */
  private async requeueMissing(): Promise<number> {
    let after: { dueAt: Date; id: string } | null = null;
    let requeued = 0;
    for (;;) {
      const now = this.clock.now();
      const rows = await this.repo.pendingFuture(now, FUTURE_BATCH, after);
      if (rows.length === 0) return requeued;
      // one round trip for the page's jobs, not a call (and a job read and parsed) for each
      const held = await this.gateway.heldJobs(
        JOBS.fireDeadline,
        rows.map((d) => d.jobId),
      );
      const missing = rows.filter((d) => !held.has(d.jobId));
      // one MULTI for the page's missing jobs (after Redis lost its data, every pending deadline);
      // the delays are computed by the gateway at the call, never from this page's `now`
      if (missing.length)
        await this.gateway.addBulk(
          missing.map((d) => ({
            job: JOBS.fireDeadline,
            payload: { deadlineId: d.id, caseId: d.caseId },
            jobId: d.jobId,
            runAt: d.dueAt,
          })),
        );
      await this.repo.markEnqueued(
        missing.map((d) => d.id),
        this.clock.now(),
      );
      requeued += missing.length;
      if (rows.length < FUTURE_BATCH) return requeued;
      const last = rows[rows.length - 1];
      after = { dueAt: last.dueAt, id: last.id };
    }
  }
}
