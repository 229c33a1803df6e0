import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { awardChecksJobId, JOBS, QueueGateway } from '@makebuy/queue';
import { AwardCheckRunsRepository } from './award-check-runs.repository';

/** Real time after which an unfinished run is looked at again (divided by TIME_ACCELERATION). */
export const AWARD_CHECKS_STALE_AFTER_MS = 60_000;

export interface RedriveReport {
  /** runs whose case left the stage: marked superseded */
  superseded: number;
  /** jobs put back on the queue (missing, exhausted or finished without moving the case) */
  redriven: { caseId: string; stageSeq: number; action: 'added' | 'retried' | 'replaced' }[];
}

/**
 * BullMQ retries a failed run a few times with backoff; after that, or when Redis lost the job,
 * nothing would run the checks again and the case would wait in `award_checks` for ever. The
 * deadline reconciler does not cover award checks, so this sweep does: every unfinished run older
 * than a minute whose case is still in that stage gets its job back on the queue. It never
 * skips the checks and never runs them itself; the fenced processor makes a duplicate harmless.
 */
@Injectable()
export class AwardChecksRedrive {
  private readonly log = new Logger(AwardChecksRedrive.name);

  constructor(
    private readonly runs: AwardCheckRunsRepository,
    private readonly gateway: QueueGateway,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A minute, sped up like every other period, but never under a second (a run takes milliseconds). */
  staleAfterMs(): number {
    return Math.max(1000, Math.round(AWARD_CHECKS_STALE_AFTER_MS / this.config.timeAcceleration));
  }

  async sweep(): Promise<RedriveReport> {
    const now = this.clock.now();
    const superseded = await this.runs.supersedeLeft(now);
    const stale = await this.runs.stale(new Date(now.getTime() - this.staleAfterMs()));
    const redriven: RedriveReport['redriven'] = [];
    for (const r of stale) {
      try {
        const action = await this.requeue(r.case_id, r.stage_seq, r.proposal_seq);
        if (action) redriven.push({ caseId: r.case_id, stageSeq: r.stage_seq, action });
      } catch (e) {
        this.log.warn(`could not re-drive award checks for case ${r.case_id}: ${(e as Error).message}`);
      }
    }
    for (const r of redriven) {
      this.log.warn(`award checks for case ${r.caseId} stage ${r.stageSeq} re-driven (${r.action})`);
      // the attempt is visible and the next sweep waits another minute
      await this.runs.touch(r.caseId, r.stageSeq, now);
    }
    return { superseded, redriven };
  }

  private async requeue(
    caseId: string,
    stageSeq: number,
    proposalSeq: number,
  ): Promise<'added' | 'retried' | 'replaced' | null> {
    const jobId = awardChecksJobId(caseId, stageSeq);
    const job = await this.gateway.getJob(JOBS.runAwardChecks, jobId);
    const payload = { caseId, stageSeq, proposalSeq };
    if (!job) {
      await this.gateway.add(JOBS.runAwardChecks, payload, { jobId });
      return 'added';
    }
    const state = await job.getState();
    if (state === 'failed') {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return 'retried';
    }
    if (state === 'completed' || state === 'unknown') {
      // finished without moving the case (it would not be listed otherwise): run it again
      await job.remove().catch(() => undefined);
      await this.gateway.add(JOBS.runAwardChecks, payload, { jobId });
      return 'replaced';
    }
    return null; // waiting, delayed, active: the queue has it
  }
}
