import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { awardChecksJobId, JOBS, QueueGateway } from '@makebuy/queue';

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
    @InjectDataSource() private readonly ds: DataSource,
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
    const superseded: unknown[] = await this.ds.query(
      `UPDATE award_check_runs r SET status = 'superseded', updated_at = $1
         FROM cases c
        WHERE c.id = r.case_id AND r.status IN ('running','failed')
          AND NOT (c.state = 'award_checks' AND (c.context->>'stageSeq')::int = r.stage_seq)
        RETURNING r.case_id`,
      [now],
    );
    const stale: { case_id: string; stage_seq: number; proposal_seq: number }[] = await this.ds.query(
      `SELECT r.case_id, r.stage_seq, r.proposal_seq FROM award_check_runs r
         JOIN cases c ON c.id = r.case_id
        WHERE r.status IN ('running','failed') AND r.updated_at < $1
          AND c.state = 'award_checks' AND (c.context->>'stageSeq')::int = r.stage_seq
        ORDER BY r.updated_at LIMIT 100`,
      [new Date(now.getTime() - this.staleAfterMs())],
    );
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
      await this.ds.query(`UPDATE award_check_runs SET updated_at = $3 WHERE case_id = $1 AND stage_seq = $2`, [
        r.caseId,
        r.stageSeq,
        now,
      ]);
    }
    return { superseded: (superseded as unknown[][])[0]?.length ?? 0, redriven };
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
