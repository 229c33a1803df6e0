import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { STATE_DEADLINE, type SlaDeadlineKind } from '@makebuy/domain';
import { CaseEntity, CasePanel } from '@makebuy/cases';
import { ConflictsService } from '@makebuy/conflicts';
import { EvaluationService, RepresentationsService, TenderingQueries } from '@makebuy/tendering';
import { FlagsService } from '@makebuy/flags';
import { DeadlineQueries, SLA_STAGE } from '@makebuy/deadlines';
import { CaseGovernance } from '@makebuy/notifications';
import { Obligation, ObligationInputs, obligationsOf } from './obligations.rules';

/**
 * The obligations of a case, read through the caller's transaction, and the people behind them.
 * A case's governance officers are the people the directory grants `governance` who serve its
 * consortium (CaseGovernance).
 */
@Injectable()
export class CaseObligations {
  constructor(
    private readonly panel: CasePanel,
    private readonly conflicts: ConflictsService,
    private readonly evaluation: EvaluationService,
    private readonly representations: RepresentationsService,
    private readonly tendering: TenderingQueries,
    private readonly flags: FlagsService,
    private readonly deadlines: DeadlineQueries,
    private readonly governance: CaseGovernance,
  ) {}

  /** Who the case waits on now, for what, by when. */
  async of(tx: EntityManager, row: CaseEntity): Promise<Obligation[]> {
    return obligationsOf(await this.inputs(tx, row));
  }

  /** The people behind obligations: named people, and the case's governance officers for the governance role. */
  async people(tx: EntityManager, row: CaseEntity, obligations: readonly Obligation[]): Promise<string[]> {
    const out = new Set<string>();
    for (const o of obligations) if (o.personId) out.add(o.personId);
    if (obligations.some((o) => o.role === 'governance'))
      for (const p of await this.governance.officers(tx, row.id)) out.add(p);
    return [...out];
  }

  /** The people a human stage waits on (reminders, a breach's `waitingOn`); none once the case left the stage. */
  async waitingOn(tx: EntityManager, row: CaseEntity, kind: SlaDeadlineKind): Promise<string[]> {
    if (row.state !== SLA_STAGE[kind]) return [];
    return this.people(tx, row, await this.of(tx, row));
  }

  /** Whom a breach is escalated to: the case's governance officers and its creator. */
  async escalationTargets(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    return [...new Set([...(await this.governance.officers(tx, row.id)), row.createdBy])];
  }

  /** Reads only what the case's state needs, through `tx`. */
  private async inputs(tx: EntityManager, row: CaseEntity): Promise<ObligationInputs> {
    const base: ObligationInputs = {
      caseId: row.id,
      consortiumId: row.consortiumId,
      createdBy: row.createdBy,
      state: row.state,
      dueAt: await this.stageDueAt(tx, row),
    };
    switch (row.state) {
      case 'conflict_check': {
        const c = await this.conflicts.conflictCheck(row, tx);
        return { ...base, conflictCheck: { missingDeclarations: c.missingDeclarations, unreviewed: c.unreviewed } };
      }
      case 'route_decision':
        return { ...base, decisionMakers: await this.conflicts.unexcludedDecisionMakers(row.id, tx) };
      case 'tendering':
        return {
          ...base,
          panel: (await this.panel.members(row.id, tx)).map((m) => m.personId),
          unansweredQuestionIds: await this.tendering.unansweredQuestionIds(row.id, tx),
        };
      case 'evaluation': {
        const s = await this.evaluation.scoringState(row, tx);
        return {
          ...base,
          decisionMakers: s.complete ? await this.conflicts.unexcludedDecisionMakers(row.id, tx) : [],
          scoring: {
            evaluators: s.evaluators,
            bidIds: s.bids.map((b) => b.id),
            scored: s.sheets.map((x) => `${x.evaluatorId}|${x.bidId}`),
            complete: s.complete,
          },
        };
      }
      case 'governance_review':
        return {
          ...base,
          openBlockingFlagIds: await this.flags.openBlockingFlagIds(tx, row.id, row.context.proposalSeq),
        };
      case 'standstill':
        return { ...base, openRepresentationIds: await this.representations.openRepresentationIds(tx, row) };
      default:
        return base;
    }
  }

  private async stageDueAt(tx: EntityManager, row: CaseEntity): Promise<string | null> {
    const kind = STATE_DEADLINE[row.state];
    if (!kind) return null;
    const pending = (await this.deadlines.forCase(row.id, tx)).filter((d) => d.kind === kind && d.status === 'pending');
    return pending.length ? pending[pending.length - 1].dueAt.toISOString() : null;
  }
}
