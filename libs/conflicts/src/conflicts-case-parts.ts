import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseFacts, PolicyBook } from '@makebuy/domain';
import { Clock, POLICY_BOOK } from '@makebuy/settings';
import { CaseEntity, CaseViewSql } from '@makebuy/cases';
import { endedInterestCutoff } from './conflict.rules';
import { ConflictDetection } from './conflict-detection.service';
import { ConflictsService } from './conflicts.service';
import { conflictsView, conflictsViewSql, ConflictsViewRows } from './conflicts-case-view';

export type { ConflictsViewRows } from './conflicts-case-view';

/**
 * The conflicts feature's parts of a case, called by the case workflow: the facts the
 * statechart's guards read (in the command's transaction), recording the links to the providers a
 * make decision names, the caller's exclusion (for allowedEvents) and the case view's panel,
 * declarations, detectedConflicts and conflictCheck.
 */
@Injectable()
export class ConflictsCaseParts {
  constructor(
    private readonly conflicts: ConflictsService,
    private readonly detection: ConflictDetection,
    private readonly clock: Clock,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
  ) {}

  /** SUBMIT: how many sit on the panel. */
  async submitFacts(tx: EntityManager, row: CaseEntity): Promise<CaseFacts> {
    return { panelSize: await this.conflicts.panelSize(row.id, tx) };
  }

  /** COMPLETE_CONFLICT_CHECK: every declaration made and reviewed, and the decision makers left. */
  async conflictCheckFacts(tx: EntityManager, row: CaseEntity): Promise<CaseFacts> {
    const status = await this.conflicts.conflictCheck(row, tx);
    return {
      declarationsComplete: status.declarationsComplete,
      unexcludedDecisionMakers: status.unexcludedDecisionMakers,
    };
  }

  /** DECIDE_MAKE, DECIDE_BUY, PROPOSE_AWARD: a decision needs a reviewed declaration that does not
   * exclude the sender from decisions. */
  async decisionFacts(tx: EntityManager, row: CaseEntity, actorId: string): Promise<CaseFacts> {
    const e = await this.conflicts.exclusionOf(row.id, actorId, tx);
    return { actorExcludedFromDecision: e.mitigation === null || e.fromDecision };
  }

  /** CANCEL: a panel member excluded from decisions (or entirely) may not cancel either. */
  async cancelFacts(tx: EntityManager, row: CaseEntity, actorId: string): Promise<CaseFacts> {
    return { actorExcludedFromDecision: (await this.conflicts.exclusionOf(row.id, actorId, tx)).fromDecision };
  }

  /** Effect recordMakeProviderConflicts: the panel's links to the providers the make decision names. */
  async recordMakeProviderConflicts(tx: EntityManager, row: CaseEntity, now: Date): Promise<void> {
    await this.detection.recordDetectedConflicts(
      tx,
      row.id,
      row.context.proposal?.providerIds ?? [],
      'make_providers',
      {
        now,
      },
    );
  }

  /** The viewer's exclusion on the case (none for a caller who is not a person; `reviewed`: its
   * declaration was reviewed). */
  async exclusionOf(
    caseId: string,
    personId: string | null,
  ): Promise<{ reviewed: boolean; fromDecision: boolean; fromEvaluation: boolean }> {
    if (!personId) return { reviewed: false, fromDecision: false, fromEvaluation: false };
    const e = await this.conflicts.exclusionOf(caseId, personId);
    return { reviewed: e.mitigation !== null, fromDecision: e.fromDecision, fromEvaluation: e.fromEvaluation };
  }

  /** The case view's conflicts part: what it reads, in the view's one statement... */
  viewSql(q: CaseViewSql): string {
    return conflictsViewSql(q, endedInterestCutoff(this.clock.now(), this.policy.register.endedInterestVisibleMonths));
  }

  /** ...and its panel, declarations, detectedConflicts and conflictCheck from those rows. */
  view(row: CaseEntity, rows: ConflictsViewRows): Record<string, unknown> {
    return conflictsView(row, rows, this.conflicts.quorumOf(row));
  }
}
