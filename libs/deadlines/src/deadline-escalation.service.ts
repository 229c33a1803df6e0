import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseEntity } from '@makebuy/cases';
import { NotificationsService } from '@makebuy/notifications';
import { FlagsService } from '@makebuy/flags';
import { AwaitedRegistry } from './awaited.registry';
import type { DeadlineEntity } from './deadline.entity';
import { DeadlinesRepository } from './deadlines.repository';
import { SLA_STAGE, SlaKind } from './deadline-kinds';

const humanStage = (s: string) => s.replace(/_/g, ' ');

/**
 * A human stage ran past its service level: an advisory DEADLINE_BREACH flag naming who was
 * waited on, an escalation record, and a notification to governance and the case's creator.
 * All in the transaction that applied the deadline, so a breach is recorded exactly once.
 */
@Injectable()
export class DeadlineEscalation {
  constructor(
    private readonly repo: DeadlinesRepository,
    private readonly awaited: AwaitedRegistry,
    private readonly notifications: NotificationsService,
    private readonly flags: FlagsService,
  ) {}

  async breach(tx: EntityManager, row: CaseEntity, d: DeadlineEntity, kind: SlaKind, firedAt: Date): Promise<void> {
    const stage = SLA_STAGE[kind];
    const waitingOn = await this.awaited.resolve(tx, row, kind);
    const escalatedTo = await this.awaited.escalationTargets(tx, row);
    const evidence = {
      stage,
      deadlineKind: kind,
      deadlineId: d.id,
      stageSeq: d.stageSeq,
      dueAt: d.dueAt.toISOString(),
      firedAt: firedAt.toISOString(),
      waitingOn,
      escalatedTo,
    };
    // advisory; idempotent on (case, dedupe key)
    await this.flags.raise(tx, {
      caseId: row.id,
      consortiumId: row.consortiumId,
      proposalSeq: row.context.proposalSeq,
      code: 'DEADLINE_BREACH',
      summary: `The ${humanStage(stage)} stage ran past its service-level deadline (${d.dueAt.toISOString()})`,
      evidence,
      dedupeKey: `DEADLINE_BREACH:${d.id}`,
    });
    await this.repo.insertEscalation(tx, {
      caseId: row.id,
      deadlineId: d.id,
      stage,
      dueAt: d.dueAt,
      breachedAt: firedAt,
      escalatedTo: escalatedTo.filter((p) => /^[0-9a-f-]{36}$/i.test(p)),
    });
    await this.notifications.notify(
      tx,
      escalatedTo,
      {
        kind: 'deadline_escalation',
        caseId: row.id,
        title: `Overdue: ${humanStage(stage)} on ${row.title}`,
        body: `The ${humanStage(stage)} stage of "${row.title}" passed its service-level deadline at ${d.dueAt.toISOString()}${waitingOn.length ? ` while waiting on ${waitingOn.length} ${waitingOn.length === 1 ? 'person' : 'people'}` : ''}.`,
        data: evidence,
        dedupeKey: `escalation:${d.id}`,
      },
      firedAt,
    );
  }
}
