import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SlaDeadlineKind } from '@makebuy/domain';
import type { CaseEntity } from '@makebuy/cases';
import { londonInstant, NotificationsService } from '@makebuy/notifications';
import { DirectoryService } from '@makebuy/directory';
import { DeadlinesRepository } from './deadlines.repository';
import { SLA_STAGE } from './deadline-kinds';

const humanStage = (s: string) => s.replace(/_/g, ' ');

/** What a breach records: the DEADLINE_BREACH flag's evidence, the escalation row, the notification's data. */
export interface BreachEvidence {
  stage: string;
  deadlineKind: SlaDeadlineKind;
  deadlineId: string;
  stageSeq: number;
  dueAt: string;
  firedAt: string;
  waitingOn: string[];
  escalatedTo: string[];
}

/**
 * A human stage ran past its service level (the statechart's `escalateBreach` effect): an
 * escalation record and a notification to governance and the case's creator, in the transaction
 * that applied the deadline, so a breach is recorded exactly once. The case workflow raises the
 * advisory DEADLINE_BREACH flag with the same evidence.
 */
@Injectable()
export class DeadlineEscalation {
  constructor(
    private readonly repo: DeadlinesRepository,
    private readonly notifications: NotificationsService,
    private readonly directory: DirectoryService,
  ) {}

  /** The evidence of a breach of `deadlineId`, read through the command's transaction. */
  async evidence(
    tx: EntityManager,
    breach: { deadlineId: string; kind: SlaDeadlineKind; stageSeq: number },
    who: { waitingOn: string[]; escalatedTo: string[] },
    firedAt: Date,
  ): Promise<BreachEvidence> {
    const d = await this.repo.identity(breach.deadlineId, tx);
    if (!d) throw new Error(`deadline ${breach.deadlineId} is not on record`);
    return {
      stage: SLA_STAGE[breach.kind],
      deadlineKind: breach.kind,
      deadlineId: d.id,
      stageSeq: d.stageSeq,
      dueAt: d.dueAt.toISOString(),
      firedAt: firedAt.toISOString(),
      waitingOn: who.waitingOn,
      escalatedTo: who.escalatedTo,
    };
  }

  /** The flag's one-line summary. */
  summary(e: BreachEvidence): string {
    return `The ${humanStage(e.stage)} stage ran past its service-level deadline (${e.dueAt})`;
  }

  /** The escalation row and the notification to whom it is escalated. */
  async escalate(tx: EntityManager, row: CaseEntity, e: BreachEvidence, firedAt: Date): Promise<void> {
    await this.repo.insertEscalation(tx, {
      caseId: row.id,
      deadlineId: e.deadlineId,
      stage: e.stage,
      dueAt: new Date(e.dueAt),
      breachedAt: firedAt,
      escalatedTo: e.escalatedTo.filter((p) => /^[0-9a-f-]{36}$/i.test(p)),
    });
    const stage = humanStage(e.stage);
    const names = (await this.directory.findPeople(e.waitingOn, tx)).map((p) => p.name).sort();
    await this.notifications.deliver(
      tx,
      e.escalatedTo,
      {
        kind: 'deadline_escalation',
        caseId: row.id,
        title: `Overdue: ${stage} on ${row.title}`,
        body: `The ${stage} stage of "${row.title}" passed its service-level deadline at ${londonInstant(e.dueAt)}${names.length ? ` while waiting on ${names.join(', ')}` : ''}.`,
        data: { ...e },
        dedupeKey: `escalation:${e.deadlineId}`,
      },
      firedAt,
    );
  }
}
