import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseEvent, CaseFacts, NoticeKind } from '@makebuy/domain';
import { CaseEntity, CaseTimePolicy, CaseViewer, CaseViewSql } from '@makebuy/cases';
import { DirectoryService } from '@makebuy/directory';
import { ConflictsService } from '@makebuy/conflicts';
import { BidEntity, RepresentationEntity } from './tendering.entities';
import { TenderingQueries } from './tendering-queries.service';
import { EvaluationService } from './evaluation.service';
import { RepresentationsService } from './representations.service';
import { BidReceipts } from './bid-receipts.service';
import { BidsRepository, TenderCloseRead } from './bids.repository';
import { tenderingView, tenderingViewSql, TenderingViewRows } from './tendering-case-view';

export type { TenderingViewRows } from './tendering-case-view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Notices for the bidders of a case (providers with a live or closed bid). */
export const BIDDER_NOTICES: readonly NoticeKind[] = [
  'tender_closed',
  'tender_unsuccessful',
  'intention_to_award',
  'standstill_paused',
  'standstill_resumed',
  'awarded',
  'cancelled',
  'award_rejected',
];
/** Notices for the providers that asked a question or bid: the tender they engaged with changed. */
export const ENGAGED_PROVIDER_NOTICES: readonly NoticeKind[] = ['tender_amended', 'tender_document_changed'];
/** Notices for every provider user: the tender is public, and so is a change to its closing instant. */
export const ALL_PROVIDERS_NOTICES: readonly NoticeKind[] = ['tender_published', 'tender_extended'];

type EventOf<T extends CaseEvent['type']> = Omit<Extract<CaseEvent, { type: T }>, 'facts' | 'now'>;

/**
 * Tendering's parts of a case, called by the case workflow: the facts its guards read (tender
 * period, bids, questions, scoring, representations), closing bids and revealing the bidders to
 * the conflict detection, its fields in GET /cases/{id}, and the providers a notice goes to.
 * Everything that runs inside a command reads only through the command's `tx`.
 */
@Injectable()
export class TenderingCaseParts {
  /**
   * What a tender close read under the case lock, kept on the locked row for the rest of that one
   * command (the engine hands the same row to the facts and to every effect): the bids read for the
   * facts are the ones opened, receipted, notified and checked for conflicts, read once.
   */
  private readonly closing = new WeakMap<CaseEntity, TenderCloseRead>();
  /** What `prepareTenderCloses` read ahead for a batch's transaction, each until its case's close takes it. */
  private readonly prepared = new WeakMap<EntityManager, Map<string, TenderCloseRead>>();

  constructor(
    private readonly time: CaseTimePolicy,
    private readonly directory: DirectoryService,
    private readonly conflicts: ConflictsService,
    private readonly queries: TenderingQueries,
    private readonly evaluation: EvaluationService,
    private readonly representations: RepresentationsService,
    private readonly receipts: BidReceipts,
    private readonly bids: BidsRepository,
  ) {}

  /** DECIDE_BUY: the closing instant (client-supplied, never scaled; else the policy minimum, scaled). */
  tenderPeriodFacts(row: CaseEntity, event: EventOf<'DECIDE_BUY'>, now: Date): CaseFacts {
    const minimum = this.time.minimumTenderClose(row, now, 'competitive');
    const supplied = event.tenderClosesAt;
    const suppliedAt = supplied ? new Date(supplied) : null;
    return {
      minimumTenderClosesAt: minimum.toISOString(),
      tenderClosesAt: (suppliedAt && !Number.isNaN(suppliedAt.getTime()) ? suppliedAt : minimum).toISOString(),
    };
  }

  /** DECIDE_MAKE: requested providers that are not member practices of the case's consortium (unknown ones too). */
  async makeFacts(tx: EntityManager, row: CaseEntity, event: EventOf<'DECIDE_MAKE'>): Promise<CaseFacts> {
    const requested: unknown = event.providerIds;
    const ids = Array.isArray(requested) ? requested.filter((p): p is string => typeof p === 'string') : [];
    const known = await this.directory.findProviders(
      ids.filter((id) => UUID.test(id)),
      tx,
    );
    const members = new Set(known.filter((p) => p.memberOfConsortiumId === row.consortiumId).map((p) => p.id));
    return { nonMemberProviderIds: ids.filter((id) => !members.has(id.toLowerCase())) };
  }

  /** DEADLINE_DUE tender_close: close, extend (a question is unanswered) or end unsuccessful. */
  async tenderCloseFacts(tx: EntityManager, row: CaseEntity, now: Date): Promise<CaseFacts> {
    const ahead = this.prepared.get(tx);
    const read = ahead?.get(row.id) ?? (await this.bids.tenderClose(tx, row.id));
    ahead?.delete(row.id);
    this.closing.set(row, read);
    return {
      unansweredQuestions: read.unansweredQuestions,
      bidCount: read.bids.filter((b) => b.status === 'submitted').length,
      extendedTenderClosesAt: this.time.dueFor('unansweredQuestionExtension', row, now).toISOString(),
    };
  }

  /**
   * A batch of tender closes: what each close reads under its case's lock, read for all of them in
   * one statement once the batch holds their locks (bids and questions change only under the case
   * lock). Each case's next close takes its part; a later close of the same case reads again.
   */
  async prepareTenderCloses(tx: EntityManager, caseIds: string[]): Promise<void> {
    if (caseIds.length) this.prepared.set(tx, await this.bids.tenderCloses(tx, caseIds));
  }

  /** PROPOSE_AWARD: the bid is a live bid of this tender, and scoring is complete. */
  async proposalFacts(tx: EntityManager, row: CaseEntity, event: EventOf<'PROPOSE_AWARD'>): Promise<CaseFacts> {
    const bidId: unknown = event.bidId;
    const bid =
      typeof bidId === 'string' && UUID.test(bidId)
        ? await tx.findOneBy(BidEntity, { id: bidId.toLowerCase(), caseId: row.id, status: 'submitted' })
        : null;
    return {
      bidExists: !!bid,
      ...(bid ? { bidProviderId: bid.providerId } : {}),
      scoringComplete: await this.evaluation.scoringComplete(row, tx),
    };
  }

  /** REPRESENTATION_RESOLVED: representations still open after this one. */
  async representationFacts(
    tx: EntityManager,
    row: CaseEntity,
    event: EventOf<'REPRESENTATION_RESOLVED'>,
  ): Promise<CaseFacts> {
    return { openRepresentations: await this.representations.openRepresentations(tx, row, event.representationId) };
  }

  /** Effect openBids: tendering closed; one BIDS_OPENED audit row lists every live bid's receipt. */
  openBids(tx: EntityManager, row: CaseEntity, now: Date): Promise<void> {
    return this.receipts.openBids(tx, row, now, this.closing.get(row)?.bids);
  }

  /** Effect closeBids: live bids are closed (a cancellation or an unsuccessful close). */
  async closeBids(tx: EntityManager, row: CaseEntity, now: Date): Promise<void> {
    await tx.update(BidEntity, { caseId: row.id, status: 'submitted' }, { status: 'closed', updatedAt: now });
  }

  /** Effect recordBidderConflicts: tendering closed, the panel's links to the bidders are recorded. */
  async recordBidderConflicts(tx: EntityManager, row: CaseEntity, now: Date): Promise<void> {
    const bidders = await this.bidderProviderIds(tx, row);
    if (bidders.length) await this.conflicts.recordDetectedConflicts(tx, row.id, bidders, 'bidders_revealed', now);
  }

  /** The case view's tendering part: what it reads for `viewer`, in the view's one statement... */
  viewSql(q: CaseViewSql, viewer: CaseViewer): string {
    return tenderingViewSql(q, viewer);
  }

  /**
   * ...and from those rows, after tendering closed, a `tenderSummary` (how many bids) and, once
   * every unexcluded evaluator scored every live bid, the `ranking`. Nothing at all before the close.
   */
  view(row: CaseEntity, viewer: CaseViewer, rows: TenderingViewRows | null): Record<string, unknown> {
    return tenderingView(row, viewer, rows);
  }

  /** The provider users a notice goes to: the bidders, those that asked or bid, or every provider for a public tender change. */
  async noticeAudience(tx: EntityManager, row: CaseEntity, notice: NoticeKind): Promise<string[]> {
    const out: string[] = [];
    if (BIDDER_NOTICES.includes(notice)) out.push(...(await this.bidderUsers(tx, row)));
    if (ENGAGED_PROVIDER_NOTICES.includes(notice)) out.push(...(await this.engagedProviderUsers(tx, row)));
    if (
      ALL_PROVIDERS_NOTICES.includes(notice) &&
      (row.context.tenderPublishedAt || row.context.route === 'competitive')
    )
      out.push(...(await this.directory.allProviderUsers(tx)).map((p) => p.id));
    return out;
  }

  /** Provider users of the providers that asked a question or bid (any bid, withdrawn too). */
  private async engagedProviderUsers(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    if (!row.context.tenderPublishedAt) return [];
    const bidders = (await tx.find(BidEntity, { where: { caseId: row.id }, select: { providerId: true } })).map(
      (b) => b.providerId,
    );
    const providers = [...new Set([...bidders, ...(await this.queries.askerProviderIds(row.id, tx))])];
    return (await this.directory.providerUsers(providers, tx)).map((p) => p.id);
  }

  /** The providers that bid (a live or closed bid): each gets its debrief. */
  bidderProviders(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    return row.context.tenderPublishedAt ? this.bidderProviderIds(tx, row) : Promise.resolve([]);
  }

  /** Providers with a live or closed bid: from the close's read when this command is a close. */
  private async bidderProviderIds(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    const read = this.closing.get(row);
    if (!read) return this.queries.bidderProviderIds(row.id, tx);
    return [...new Set(read.bids.map((b) => b.providerId))].sort();
  }

  /** The provider that lodged a representation. */
  async representationProvider(tx: EntityManager, representationId: string): Promise<string | null> {
    const rep = await tx.findOneBy(RepresentationEntity, { id: representationId });
    return rep?.providerId ?? null;
  }

  /** Provider users of the providers that bid (a live or closed bid). */
  private async bidderUsers(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    if (!row.context.tenderPublishedAt) return [];
    const read = this.closing.get(row);
    if (read) return [...new Set(read.bids.flatMap((b) => b.providerUsers))];
    const providers = await this.queries.bidderProviderIds(row.id, tx);
    return (await this.directory.providerUsers(providers, tx)).map((p) => p.id);
  }
}
