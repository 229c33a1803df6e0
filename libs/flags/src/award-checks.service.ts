import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  Actor,
  AwardFactsError,
  countFlags,
  isDomainError,
  PolicyBook,
  RaisedFlag,
  runAwardChecks,
} from '@makebuy/domain';
import { CaseEngine, CaseEntity, CaseQueries } from '@makebuy/cases';
import { awardChecksJobId, JOBS, OutboxWriter } from '@makebuy/queue';
import { Clock, POLICY_BOOK } from '@makebuy/settings';
import { AwardCheckRunEntity, AwardCheckRunStatus } from './flag.entities';
import { FlagsService } from './flags.service';
import { AwardCheckRunsRepository } from './award-check-runs.repository';
import { awardCheckRunOf, AwardCheckRunViewRow, latestRunViewSql } from './flags-case-view';
import { AwardFactsGatherer } from './award-facts.gatherer';
import { assembleAwardFacts, enrichFlag, flagDedupeKey, lookupFor } from './award-facts.assembly';

export const AWARD_CHECKS_ACTOR: Actor = { id: 'system:award-checks', roles: [] };

export type AwardChecksOutcome =
  | { outcome: 'completed'; state: string; blockingFlags: number; advisoryFlags: number; flagIds: string[] }
  /** the case is no longer in award_checks for this stage and proposal: nothing to do */
  | { outcome: 'stale' };

/** What the case view shows of the latest run: the checks never fail silently. */
export interface AwardChecksView {
  stageSeq: number;
  proposalSeq: number;
  status: AwardCheckRunStatus;
  attempts: number;
  lastError: string | null;
  startedAt: string;
  updatedAt: string;
  completedAt: string | null;
  blockingFlags: number | null;
  advisoryFlags: number | null;
}

/**
 * The favouritism checks of one proposal. Entering `award_checks` writes an `award_check_runs`
 * row and the outbox job in the transition's transaction; the worker then calls `run`, which
 * gathers the facts, runs the pure rules and, in one transaction through the case engine, stores
 * the flags and moves the case on (CHECKS_COMPLETED). Fenced on stageSeq and proposalSeq, so a
 * late, repeated or concurrent run is a no-op. A failure is recorded on the run and rethrown so
 * the queue retries; the case stays in `award_checks` (the checks are never skipped).
 */
@Injectable()
export class AwardChecks {
  private readonly log = new Logger(AwardChecks.name);

  constructor(
    private readonly engine: CaseEngine,
    private readonly cases: CaseQueries,
    private readonly outbox: OutboxWriter,
    private readonly flags: FlagsService,
    private readonly gatherer: AwardFactsGatherer,
    private readonly clock: Clock,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
    private readonly runs: AwardCheckRunsRepository,
  ) {}

  /** Effect runAwardChecks, in the transition's transaction: the run row and its job (published after commit). */
  async schedule(tx: EntityManager, caseId: string, stageSeq: number, proposalSeq: number, now: Date): Promise<void> {
    await this.runs.insertRun(caseId, stageSeq, proposalSeq, now, tx);
    await this.outbox.enqueue(
      tx,
      JOBS.runAwardChecks,
      { caseId, stageSeq, proposalSeq },
      { jobId: awardChecksJobId(caseId, stageSeq), caseId },
    );
  }

  /** Runs the checks for one stage entry. Safe to call any number of times. */
  async run(caseId: string, stageSeq: number, proposalSeq: number): Promise<AwardChecksOutcome> {
    const row = await this.cases.find(caseId);
    if (!row || !isCurrent(row, stageSeq, proposalSeq)) return this.stale(caseId, stageSeq);
    await this.startAttempt(caseId, stageSeq, proposalSeq);
    try {
      const now = this.clock.now();
      const { input, consortiumName } = await this.gatherer.gather(row, now);
      const raised = runAwardChecks(assembleAwardFacts(input), this.policy.flags);
      const look = lookupFor(input, consortiumName);
      const flags = raised.map((f) => enrichFlag(f, look));
      const counts = countFlags(flags);
      try {
        const { row: after, result } = await this.engine.apply({
          caseId,
          actor: AWARD_CHECKS_ACTOR,
          event: { type: 'CHECKS_COMPLETED', stageSeq, proposalSeq, ...counts },
          within: (tx, locked, _decision, at) => this.store(tx, locked, stageSeq, proposalSeq, flags, at),
          audit: (stored) => ({ stageSeq, proposalSeq, ...counts, flags: stored }),
        });
        return { outcome: 'completed', state: after.state, ...counts, flagIds: result.map((f) => f.id) };
      } catch (e) {
        // another run won the race, or the case was cancelled meanwhile: the fence says no-op
        if (isDomainError(e) && e.code === 'EVENT_NOT_ALLOWED') {
          const now2 = await this.cases.find(caseId);
          if (!now2 || !isCurrent(now2, stageSeq, proposalSeq)) return this.stale(caseId, stageSeq);
        }
        throw e;
      }
    } catch (e) {
      await this.recordFailure(caseId, stageSeq, e);
      throw e;
    }
  }

  /** Inside CHECKS_COMPLETED's transaction: the flags (deduplicated) and the run's outcome. */
  private async store(
    tx: EntityManager,
    row: CaseEntity,
    stageSeq: number,
    proposalSeq: number,
    flags: RaisedFlag[],
    now: Date,
  ): Promise<{ id: string; code: string; severity: string; dedupeKey: string }[]> {
    const stored = [];
    for (const f of flags) {
      const dedupeKey = flagDedupeKey(proposalSeq, f);
      const flag = await this.flags.raise(tx, {
        caseId: row.id,
        consortiumId: row.consortiumId,
        proposalSeq,
        code: f.code,
        severity: f.severity,
        summary: f.summary,
        evidence: f.evidence,
        dedupeKey,
        at: now,
      });
      stored.push({ id: flag.id, code: flag.code, severity: flag.severity, dedupeKey });
    }
    const counts = countFlags(flags);
    await tx.update(
      AwardCheckRunEntity,
      { caseId: row.id, stageSeq },
      {
        status: 'done',
        lastError: null,
        updatedAt: now,
        completedAt: now,
        blockingFlags: counts.blockingFlags,
        advisoryFlags: counts.advisoryFlags,
      },
    );
    return stored;
  }

  private async startAttempt(caseId: string, stageSeq: number, proposalSeq: number): Promise<void> {
    const now = this.clock.now();
    // a run row is written with the transition; recreate it if it is somehow missing
    await this.runs.insertRun(caseId, stageSeq, proposalSeq, now);
    await this.runs.startAttempt(caseId, stageSeq, now);
  }

  /** Outside the failed transaction: the error stays visible on the case until a retry succeeds. */
  async recordFailure(caseId: string, stageSeq: number, error: unknown): Promise<void> {
    const message = describeError(error);
    this.log.warn(`award checks for case ${caseId} stage ${stageSeq} failed: ${message}`);
    try {
      await this.runs.markFailed(caseId, stageSeq, message.slice(0, 2000), this.clock.now());
    } catch (e) {
      this.log.error(`could not record the award-checks failure for case ${caseId}: ${(e as Error).message}`);
    }
  }

  private async stale(caseId: string, stageSeq: number): Promise<AwardChecksOutcome> {
    await this.runs.markSuperseded(caseId, stageSeq, this.clock.now());
    return { outcome: 'stale' };
  }

  /** The case view's awardChecks: what it reads, in the view's one statement (the latest run)... */
  latestRunSql(): string {
    return latestRunViewSql();
  }

  /** ...and the run as the view shows it (null before any proposal). */
  latestRun(run: AwardCheckRunViewRow | null): AwardChecksView | null {
    return run ? toRunView(awardCheckRunOf(run)) : null;
  }
}

export const isCurrent = (row: CaseEntity, stageSeq: number, proposalSeq: number): boolean =>
  row.state === 'award_checks' && row.context.stageSeq === stageSeq && row.context.proposalSeq === proposalSeq;

export const toRunView = (r: AwardCheckRunEntity): AwardChecksView => ({
  stageSeq: r.stageSeq,
  proposalSeq: r.proposalSeq,
  status: r.status,
  attempts: r.attempts,
  lastError: r.lastError,
  startedAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  completedAt: r.completedAt ? r.completedAt.toISOString() : null,
  blockingFlags: r.blockingFlags,
  advisoryFlags: r.advisoryFlags,
});

function describeError(e: unknown): string {
  if (e instanceof AwardFactsError) return `${e.name}: ${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
