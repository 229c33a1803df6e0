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

  /**
   * GET /cases summaries: a case's next pending stage deadline as a LATERAL subquery over the case
   * id expression `caseId` (columns `kind`, `due_at`; no row when none is pending), so a page and
   * its deadlines are one statement.
   */
  nextDueSql(caseId: string): string {
    return `SELECT d.kind, d.due_at FROM deadlines d
             WHERE d.case_id = ${caseId} AND d.status = 'pending' AND d.purpose = 'transition'
             ORDER BY d.due_at LIMIT 1`;
  }

  escalations(caseId: string): Promise<EscalationEntity[]> {
    return this.repo.escalationsOf(caseId);
  }
}
