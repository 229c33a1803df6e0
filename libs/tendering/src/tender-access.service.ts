import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { CaseAccess, CaseCaller, CaseEntity, CaseHistory } from '@makebuy/cases';
import { ConflictsService } from '@makebuy/conflicts';
import { AFTER_CLOSE_STATES } from './tender-status';

/**
 * Who may see what of a tender. A published tender (DECIDE_BUY ran: `context.tenderPublishedAt`) is
 * public to every signed-in person; the case behind it stays visible only to its own people.
 */
@Injectable()
export class TenderAccess {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly cases: CaseAccess,
    private readonly history: CaseHistory,
    private readonly conflicts: ConflictsService,
  ) {}

  /**
   * What a case reader may see of the evaluation. A panel member excluded from evaluation sees the
   * ranking (it may still decide) but no bid contents and no scores; one excluded entirely sees
   * none of it. Everyone else who may read the case sees all of it (once tendering closed).
   */
  async evaluationSight(
    caller: Pick<CaseCaller, 'personId'>,
    caseId: string,
    tx: EntityManager = this.ds.manager,
  ): Promise<{ bids: boolean; scores: boolean; ranking: boolean }> {
    if (!caller.personId) return { bids: true, scores: true, ranking: true };
    const e = await this.conflicts.exclusionOf(caseId, caller.personId, tx);
    return { bids: !e.fromEvaluation, scores: !e.fromEvaluation, ranking: e.mitigation !== 'exclude_entirely' };
  }

  /** The case of a published tender, else NOT_FOUND (unknown case, make route, not yet published). */
  async publishedTender(caseId: string, tx: EntityManager = this.ds.manager): Promise<CaseEntity> {
    const row = await tx.findOneBy(CaseEntity, { id: caseId });
    if (!row || !row.context.tenderPublishedAt) throw new DomainError('NOT_FOUND', `tender ${caseId} not found`);
    return row;
  }

  /**
   * A case whose procurement is public: its tender was published (buy) or an intention to award was
   * (make: there is no tender), else NOT_FOUND.
   */
  async publicProcurement(caseId: string, tx: EntityManager = this.ds.manager): Promise<CaseEntity> {
    const row = await tx.findOneBy(CaseEntity, { id: caseId });
    if (!row || (!row.context.tenderPublishedAt && !row.context.intentionPublishedAt))
      throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    return row;
  }

  /** The caller acts for a provider (provider role and a person record naming the provider). */
  isProviderUser(caller: Pick<CaseCaller, 'roles' | 'providerId'>): boolean {
    return caller.roles.includes('provider') && !!caller.providerId;
  }

  requireProviderUser(caller: Pick<CaseCaller, 'roles' | 'providerId' | 'personId'>): {
    providerId: string;
    personId: string;
  } {
    if (!this.isProviderUser(caller) || !caller.personId) {
      throw new DomainError('FORBIDDEN', 'only a provider user acting for a provider may do this');
    }
    return { providerId: caller.providerId as string, personId: caller.personId };
  }

  /** The ids of those of `rows` whose case the caller may see, the panel seats read in at most one statement. */
  caseViewersAmong(caller: CaseCaller, rows: CaseEntity[], tx?: EntityManager): Promise<Set<string>> {
    return this.cases.visibleAmong(caller, rows, tx);
  }

  /** NOT_FOUND unless the caller may see the case itself (its creator, panel, governance, its commissioners). */
  async requireCaseViewer(caller: CaseCaller, row: CaseEntity, tx?: EntityManager): Promise<void> {
    if (!(await this.cases.canSee(caller, row, tx))) throw new DomainError('NOT_FOUND', `case ${row.id} not found`);
  }

  /**
   * May the caller read bid contents (bid documents) of the case? Its own people once tendering
   * closed, except a panel member excluded from evaluation or entirely. Providers never (their own
   * bid is theirs by ownership, not by this rule).
   */
  async mayReadBidContents(caller: CaseCaller, row: CaseEntity, tx: EntityManager = this.ds.manager): Promise<boolean> {
    if (this.isProviderUser(caller)) return false;
    if (!(await this.cases.canSee(caller, row, tx)) || !(await this.hasClosed(row, tx))) return false;
    return (await this.evaluationSight(caller, row.id, tx)).bids;
  }

  /**
   * Tendering has closed: the deadline moved the case on to evaluation or unsuccessful. A case cancelled
   * while tendering never closed, and its bids stay sealed.
   */
  async hasClosed(row: CaseEntity, tx: EntityManager = this.ds.manager): Promise<boolean> {
    if (!row.context.tenderPublishedAt) return false;
    if (AFTER_CLOSE_STATES.includes(row.state)) return true;
    if (row.state !== 'cancelled') return false;
    const events = await this.history.list(row.id, tx);
    return events.some(
      (e) => e.fromState === 'tendering' && (e.toState === 'evaluation' || e.toState === 'unsuccessful'),
    );
  }
}
