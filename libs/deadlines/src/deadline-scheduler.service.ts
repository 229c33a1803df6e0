import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseEffect, DeadlineKind } from '@makebuy/domain';
import { CaseEntity, CaseTimePolicy } from '@makebuy/cases';
import { deadlineJobId, JOBS, OutboxWriter } from '@makebuy/queue';
import { DeadlinesRepository } from './deadlines.repository';
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
    private readonly outbox: OutboxWriter,
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

  async schedule(tx: EntityManager, row: CaseEntity, effect: Schedule, now: Date): Promise<void> {
    const dueAt = this.dueAt(row, effect, now);
    const id = await this.add(tx, row, effect.kind, 'transition', effect, dueAt, now);
    // a newer schedule of the same kind replaces any older one still pending
    if (id) {
      await this.repo.settlePendingOfCase(
        tx,
        row.id,
        [effect.kind],
        'superseded',
        now,
        `replaced by revision ${effect.revision} of stage ${effect.stageSeq}`,
        [id],
      );
    }
    if (isSlaKind(effect.kind)) {
      const remindAt = this.time.reminderBefore(row, dueAt, now);
      if (remindAt) await this.add(tx, row, reminderKind(effect.kind), 'reminder', effect, remindAt, now);
    }
  }

  async cancel(tx: EntityManager, row: CaseEntity, effect: Cancel, now: Date, outcome: string): Promise<void> {
    const kinds =
      effect.kinds === 'all' ? null : effect.kinds.flatMap((k: DeadlineKind) => [k as string, reminderKind(k)]);
    await this.repo.settlePendingOfCase(tx, row.id, kinds, 'cancelled', now, outcome);
  }

  private async add(
    tx: EntityManager,
    row: CaseEntity,
    kind: string,
    purpose: DeadlinePurpose,
    effect: Schedule,
    dueAt: Date,
    now: Date,
  ): Promise<string | null> {
    const jobId = deadlineJobId(row.id, kind, effect.stageSeq, effect.revision);
    const id = await this.repo.insertPending(tx, {
      caseId: row.id,
      kind,
      purpose,
      stageSeq: effect.stageSeq,
      revision: effect.revision,
      dueAt,
      jobId,
      createdAt: now,
    });
    if (id) {
      await this.outbox.enqueue(
        tx,
        JOBS.fireDeadline,
        { deadlineId: id, caseId: row.id },
        { jobId, caseId: row.id, delayUntil: dueAt },
      );
    }
    return id;
  }
}
