import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseEffect, DeadlineKind } from '@makebuy/domain';
import { CaseEntity, CaseTimePolicy } from '@makebuy/cases';
import { randomUUID } from 'node:crypto';
import { deadlineJobId, JobPayloads, JOBS } from '@makebuy/queue';
import { DeadlinesRepository, ScheduledDeadline } from './deadlines.repository';
import { isSlaKind, reminderKind } from './deadline-kinds';
import type { DeadlinePurpose } from './deadline.entity';
import { deadlinesView, deadlinesViewSql, DeadlineView } from './deadlines-case-view';

export type { DeadlineView } from './deadlines-case-view';

type Schedule = Extract<CaseEffect, { type: 'scheduleDeadline' }>;
type Cancel = Extract<CaseEffect, { type: 'cancelDeadlines' }>;

/**
 * Carries out `scheduleDeadline` and `cancelDeadlines` (called by the case workflow) in the
 * command's transaction: the row in `deadlines` (the source of truth) and its `deadline.fire` job
 * in the outbox, committed together.
 */
@Injectable()
export class DeadlineScheduler {
  constructor(
    private readonly time: CaseTimePolicy,
    private readonly repo: DeadlinesRepository,
  ) {}

  /** The case view's deadlines: what it reads, in the view's one statement... */
  viewSql(): string {
    return deadlinesViewSql();
  }

  /** ...and its `deadlines` and `standstillEndsAt` from those rows. */
  view(rows: DeadlineView[]): { deadlines: DeadlineView[]; standstillEndsAt: string | null } {
    return deadlinesView(rows);
  }

  /** The due instant: as given (already final, e.g. tenderClosesAt), else from policy, accelerated. */
  dueAt(row: CaseEntity, effect: Schedule, now: Date): Date {
    if (effect.dueAt) return new Date(effect.dueAt);
    if (!effect.policyKey) throw new Error(`scheduleDeadline ${effect.kind} has neither dueAt nor policyKey`);
    return this.time.dueFor(effect.policyKey, row, new Date(effect.from ?? now.toISOString()), now);
  }

  /**
   * The stage's deadline (and, for a human stage, its reminder) with their jobs in the outbox; a
   * newer schedule of the same kind replaces any older one still pending. One statement (or held
   * with the batch of closes whose transaction this is, and written with the whole batch's).
   */
  async schedule(tx: EntityManager, row: CaseEntity, effect: Schedule, now: Date): Promise<void> {
    const dueAt = this.dueAt(row, effect, now);
    const rows = [this.pending(row, effect.kind, 'transition', effect, dueAt, now)];
    if (isSlaKind(effect.kind)) {
      const remindAt = this.time.reminderBefore(row, dueAt, now);
      if (remindAt) rows.push(this.pending(row, reminderKind(effect.kind), 'reminder', effect, remindAt, now));
    }
    await this.repo.schedule(tx, rows, {
      caseId: row.id,
      kind: effect.kind,
      at: now,
      outcome: `replaced by revision ${effect.revision} of stage ${effect.stageSeq}`,
    });
  }

  /** The pending deadlines of these kinds (and their reminders) cancelled; held with a batch of closes. */
  async cancel(tx: EntityManager, row: CaseEntity, effect: Cancel, now: Date, outcome: string): Promise<void> {
    const kinds =
      effect.kinds === 'all' ? null : effect.kinds.flatMap((k: DeadlineKind) => [k as string, reminderKind(k)]);
    await this.repo.cancelPendingOfCase(tx, row.id, kinds, now, outcome);
  }

  private pending(
    row: CaseEntity,
    kind: string,
    purpose: DeadlinePurpose,
    effect: Schedule,
    dueAt: Date,
    now: Date,
  ): ScheduledDeadline {
    const id = randomUUID();
    const payload: JobPayloads[typeof JOBS.fireDeadline] = { deadlineId: id, caseId: row.id };
    return {
      id,
      caseId: row.id,
      kind,
      purpose,
      stageSeq: effect.stageSeq,
      revision: effect.revision,
      dueAt,
      jobId: deadlineJobId(row.id, kind, effect.stageSeq, effect.revision),
      createdAt: now,
      // the `deadline.fire` job's outbox row, as OutboxWriter writes it (the relay publishes it after commit)
      job: { topic: JOBS.fireDeadline, payload: { ...payload } },
    };
  }
}
