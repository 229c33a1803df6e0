import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DeadlinesRepository } from './deadlines.repository';
import type { DeadlineEntity, EscalationEntity } from './deadline.entity';

/** Read side of deadlines for other features, operators and tests. */
@Injectable()
export class DeadlineQueries {
  constructor(private readonly repo: DeadlinesRepository) {}

  /** Every deadline of a case (transition and reminder rows), by due instant. */
  forCase(caseId: string, tx?: EntityManager): Promise<DeadlineEntity[]> {
    return this.repo.forCase(caseId, tx);
  }

  /** GET /cases summaries: each case's next pending stage deadline. */
  nextDue(caseIds: string[]): Promise<Map<string, { kind: string; dueAt: Date }>> {
    return this.repo.nextDue(caseIds);
  }

  escalations(caseId: string): Promise<EscalationEntity[]> {
    return this.repo.escalationsOf(caseId);
  }
}
