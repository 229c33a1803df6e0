import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseEntity } from '@makebuy/cases';
import { ConflictsService } from '@makebuy/conflicts';
import { EvaluationService } from '@makebuy/tendering';
import { CaseGovernance } from '@makebuy/notifications';
import type { SlaKind } from './deadline-kinds';

/** The people a human stage is waiting on (reminded before its deadline, named in a breach). */
export type AwaitedProvider = (tx: EntityManager, row: CaseEntity, kind: SlaKind) => Promise<string[]>;

/**
 * Who a human stage waits on, read in the caller's transaction:
 * - conflict check: panel members without a declaration; governance officers while a
 *   declaration is unreviewed or the quorum is not met;
 * - evaluation: unexcluded evaluators with a live bid left to score; once scoring is complete,
 *   the case's creator (the award is to be proposed);
 * - governance review: the case's governance officers.
 * Other features may add people for a kind with `register`.
 */
@Injectable()
export class AwaitedRegistry {
  private readonly extra = new Map<SlaKind, AwaitedProvider[]>();

  constructor(
    private readonly conflicts: ConflictsService,
    private readonly evaluation: EvaluationService,
    private readonly governance: CaseGovernance,
  ) {}

  register(kinds: SlaKind[], provider: AwaitedProvider): void {
    for (const k of kinds) this.extra.set(k, [...(this.extra.get(k) ?? []), provider]);
  }

  async resolve(tx: EntityManager, row: CaseEntity, kind: SlaKind): Promise<string[]> {
    const out = new Set(await this.builtIn(tx, row, kind));
    for (const p of this.extra.get(kind) ?? []) for (const id of await p(tx, row, kind)) out.add(id);
    return [...out];
  }

  /** Governance officers and the case's creator: whom a breach is escalated to. */
  async escalationTargets(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    return [...new Set([...(await this.governance.officers(tx, row.id)), row.createdBy])];
  }

  private async builtIn(tx: EntityManager, row: CaseEntity, kind: SlaKind): Promise<string[]> {
    switch (kind) {
      case 'conflict_check_sla': {
        const status = await this.conflicts.conflictCheck(row, tx);
        const governance =
          status.unreviewed.length > 0 || !status.quorumMet ? await this.governance.officers(tx, row.id) : [];
        return [...status.missingDeclarations, ...governance];
      }
      case 'evaluation_sla': {
        const s = await this.evaluation.scoringState(row, tx);
        if (s.complete) return [row.createdBy];
        const scored = new Set(s.sheets.map((x) => `${x.evaluatorId}|${x.bidId}`));
        return s.evaluators.filter((e) => s.bids.some((b) => !scored.has(`${e}|${b.id}`)));
      }
      case 'governance_review_sla':
        return this.governance.officers(tx, row.id);
    }
  }
}
