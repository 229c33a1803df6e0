import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationsRepository } from './notifications.repository';

/**
 * The governance officers of a case: people the directory grants `governance`, serving the case's
 * consortium (an officer with a consortiumId serves only that consortium; one without, every one).
 */
@Injectable()
export class CaseGovernance {
  constructor(private readonly repo: NotificationsRepository) {}

  officers(tx: EntityManager, caseId: string): Promise<string[]> {
    // read-only query in the caller's transaction (no second pool connection)
    return this.repo.governanceOfCase(tx, caseId);
  }
}
