import { Injectable, Logger } from '@nestjs/common';
import { DeadlineKind, isDomainError } from '@makebuy/domain';
import { CaseEngine } from '@makebuy/cases';
import { Clock } from '@makebuy/settings';
import { londonInstant, NotificationsService } from '@makebuy/notifications';
import { Metrics } from '@makebuy/metrics';
import { DeadlinesRepository } from './deadlines.repository';
import { DeadlineEntity, DeadlineStatus } from './deadline.entity';
import { fenceDeadline, FenceVerdict } from './deadline-fencing';
import { DEADLINE_ACTOR, isSlaKind, remindedKind, SLA_STAGE } from './deadline-kinds';

export type FireOutcome =
  | { outcome: 'fired'; deadlineId: string; fromState?: string; toState?: string }
  /** not due yet by this process's clock: try again in waitMs */
  | { outcome: 'early'; deadlineId: string; dueAt: Date; waitMs: number }
  | { outcome: 'superseded'; deadlineId: string; reason: string }
  | { outcome: 'settled'; deadlineId: string; status: DeadlineStatus }
  | { outcome: 'missing'; deadlineId: string };

/** Thrown inside the command's transaction to roll it back when the fence says no. */
class Fenced extends Error {
  constructor(readonly verdict: Exclude<FenceVerdict, { action: 'fire' }>) {
    super(`deadline fenced: ${verdict.action}`);
  }
}

/** Back-off for a deadline whose firing failed (the reconciler retries it after this). */
export const retryDelayMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);

/**
 * Applies a due deadline. One path for the BullMQ job and the reconciler; safe to run any
 * number of times: under the case lock the deadline row is locked and acted on only while it
 * is pending and belongs to the case's current stage entry, and it is marked fired in the same
 * transaction as the transition it causes.
 */
@Injectable()
export class DeadlineFiring {
  private readonly log = new Logger(DeadlineFiring.name);

  constructor(
    private readonly engine: CaseEngine,
    private readonly clock: Clock,
    private readonly repo: DeadlinesRepository,
    private readonly notifications: NotificationsService,
    private readonly metrics: Metrics,
  ) {}

  /** `via`: what woke it (the BullMQ job, or the reconciler reading PostgreSQL), for the lag figures. */
  async fire(deadlineId: string, via: 'job' | 'reconciler' = 'job'): Promise<FireOutcome> {
    const d = await this.repo.find(deadlineId);
    if (!d) return { outcome: 'missing', deadlineId };
    if (d.status !== 'pending') return { outcome: 'settled', deadlineId, status: d.status };
    const now = this.clock.now();
    if (d.dueAt.getTime() > now.getTime()) return this.early(d, now);
    try {
      const r = d.purpose === 'reminder' ? await this.remind(d) : await this.transition(d);
      this.metrics.deadlineLag.observe({ kind: d.kind, via }, (this.clock.now().getTime() - d.dueAt.getTime()) / 1000);
      return r;
    } catch (e) {
      if (e instanceof Fenced) return this.fenced(d, e.verdict);
      if (isDomainError(e) && e.code === 'EVENT_NOT_ALLOWED') {
        // the machine says the deadline is stale or foreign to the case's state
        return this.supersede(d, `refused by the case: ${e.message}`);
      }
      const attempts = d.attempts + 1;
      await this.repo
        .recordFailure(d.id, (e as Error)?.message ?? String(e), new Date(now.getTime() + retryDelayMs(attempts)))
        .catch(() => undefined);
      this.log.warn(
        `deadline ${d.id} (${d.kind}, case ${d.caseId}) failed, attempt ${attempts}: ${(e as Error)?.message}`,
      );
      throw e;
    }
  }

  private async transition(d: DeadlineEntity): Promise<FireOutcome> {
    const { decision } = await this.engine.apply({
      caseId: d.caseId,
      actor: DEADLINE_ACTOR,
      event: {
        type: 'DEADLINE_DUE',
        deadlineId: d.id,
        kind: d.kind as DeadlineKind,
        stageSeq: d.stageSeq,
        revision: d.revision,
      },
      // the fence runs under the case lock, before the machine decides
      facts: async (tx, row, now) => {
        const locked = await this.repo.lock(tx, d.id);
        if (!locked) throw new Fenced({ action: 'skip', status: 'cancelled' });
        const verdict = fenceDeadline(locked, row.context, now);
        if (verdict.action !== 'fire') throw new Fenced(verdict);
        return {};
      },
      // a human stage's breach is the statechart's escalateBreach effect, carried out by the case workflow
      within: async (tx, _row, decision, now) => {
        const moved = decision.fromState !== decision.toState;
        await this.repo.settle(
          tx,
          d.id,
          'fired',
          now,
          moved ? `${decision.fromState} -> ${decision.toState}` : `accepted in ${decision.toState}`,
        );
      },
      audit: () => ({
        deadlineId: d.id,
        kind: d.kind,
        stageSeq: d.stageSeq,
        revision: d.revision,
        dueAt: d.dueAt.toISOString(),
      }),
    });
    return {
      outcome: 'fired',
      deadlineId: d.id,
      fromState: decision.fromState ?? undefined,
      toState: decision.toState,
    };
  }

  /** A reminder before a human stage's deadline: notify who is being waited on; no transition. */
  private async remind(d: DeadlineEntity): Promise<FireOutcome> {
    const kind = remindedKind(d.kind);
    if (!kind || !isSlaKind(kind)) return this.supersede(d, `no reminder is defined for ${d.kind}`);
    await this.engine.withCaseLock(d.caseId, async (tx, row, now) => {
      const locked = await this.repo.lock(tx, d.id);
      if (!locked) throw new Fenced({ action: 'skip', status: 'cancelled' });
      const verdict = fenceDeadline(locked, row.context, now);
      if (verdict.action !== 'fire') throw new Fenced(verdict);
      const parent = await this.repo.parentOf(tx, d, kind);
      const people = await this.engine.waitingOn(tx, row, kind);
      const stage = SLA_STAGE[kind].replace(/_/g, ' ');
      const dueAt = parent?.dueAt.toISOString() ?? null;
      const sent = await this.notifications.notify(
        tx,
        people,
        {
          kind: 'deadline_reminder',
          caseId: row.id,
          title: `Reminder: ${stage} on ${row.title}`,
          body: `The ${stage} stage of "${row.title}" is waiting on you${dueAt ? `; its service-level deadline is ${londonInstant(dueAt)}` : ''}.`,
          data: { caseId: row.id, stage: SLA_STAGE[kind], deadlineKind: kind, dueAt },
          dedupeKey: `reminder:${d.id}`,
        },
        now,
      );
      await this.repo.settle(tx, d.id, 'fired', now, `reminded ${sent} of ${people.length}`);
    });
    return { outcome: 'fired', deadlineId: d.id };
  }

  private async fenced(d: DeadlineEntity, v: Exclude<FenceVerdict, { action: 'fire' }>): Promise<FireOutcome> {
    switch (v.action) {
      case 'skip':
        return { outcome: 'settled', deadlineId: d.id, status: v.status };
      case 'wait':
        return this.early(d, this.clock.now());
      case 'supersede':
        return this.supersede(d, v.reason);
    }
  }

  private early(d: DeadlineEntity, now: Date): FireOutcome {
    return { outcome: 'early', deadlineId: d.id, dueAt: d.dueAt, waitMs: d.dueAt.getTime() - now.getTime() };
  }

  private async supersede(d: DeadlineEntity, reason: string): Promise<FireOutcome> {
    // its own short transaction: the refused command's transaction was rolled back
    await this.engine.withCaseLock(d.caseId, (tx, _row, now) => this.repo.settle(tx, d.id, 'superseded', now, reason));
    return { outcome: 'superseded', deadlineId: d.id, reason };
  }
}
