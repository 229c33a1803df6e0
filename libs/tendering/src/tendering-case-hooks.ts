import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NoticeKind } from '@makebuy/domain';
import {
  CaseEntity,
  CaseFactsRegistry,
  CaseTimePolicy,
  CaseViewRegistry,
  EffectRegistry,
  FactEvent,
} from '@makebuy/cases';
import { DirectoryService } from '@makebuy/directory';
import { ConflictsService } from '@makebuy/conflicts';
import { AudienceRegistry } from '@makebuy/notifications';
import { BidEntity } from './tendering.entities';
import { TenderingQueries } from './tendering-queries.service';
import { EvaluationService } from './evaluation.service';
import { RepresentationsService } from './representations.service';
import { TenderAccess } from './tender-access.service';
import { BidReceipts } from './bid-receipts.service';

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

/**
 * Tendering's part in the case engine: the facts its guards read (tender period, bids, questions,
 * scoring, representations), the effects it carries out (closing bids, revealing bidders to the
 * conflict detection), its fields in GET /cases/{id}, and the bidders as a notice audience.
 */
@Injectable()
export class TenderingCaseHooks implements OnModuleInit {
  constructor(
    private readonly facts: CaseFactsRegistry,
    private readonly effects: EffectRegistry,
    private readonly views: CaseViewRegistry,
    private readonly audiences: AudienceRegistry,
    private readonly time: CaseTimePolicy,
    private readonly directory: DirectoryService,
    private readonly conflicts: ConflictsService,
    private readonly queries: TenderingQueries,
    private readonly evaluation: EvaluationService,
    private readonly representations: RepresentationsService,
    private readonly access: TenderAccess,
    private readonly receipts: BidReceipts,
  ) {}

  onModuleInit(): void {
    this.facts.register(['DECIDE_BUY'], async (_tx, row, event, now) => this.tenderPeriodFacts(row, event, now));
    this.facts.register(['DECIDE_MAKE'], async (_tx, row, event) => this.makeFacts(row, event));
    this.facts.register(['DEADLINE_DUE'], async (tx, row, event, now) => this.tenderCloseFacts(tx, row, event, now));
    this.facts.register(['PROPOSE_AWARD'], async (tx, row, event) => this.proposalFacts(tx, row, event));
    this.facts.register(['REPRESENTATION_RESOLVED'], async (tx, row, event) => ({
      openRepresentations: await this.representations.openRepresentations(
        tx,
        row,
        (event as { representationId?: string }).representationId,
      ),
    }));

    this.effects.register('openBids', async (_effect, { tx, row, now }) => this.receipts.openBids(tx, row, now));
    this.effects.register('closeBids', async (_effect, { tx, row, now }) => {
      await tx.update(BidEntity, { caseId: row.id, status: 'submitted' }, { status: 'closed', updatedAt: now });
    });
    this.effects.register('recordDetectedConflicts', async (effect, { tx, row }) => {
      if (effect.reason !== 'bidders_revealed') return; // make_providers is the conflicts feature's own
      const bidders = await this.queries.bidderProviderIds(row.id, tx);
      if (bidders.length) await this.conflicts.recordDetectedConflicts(tx, row.id, bidders, 'bidders_revealed');
    });

    this.views.register('tendering', (row) => this.caseView(row));

    this.audiences.register(BIDDER_NOTICES, (tx, row) => this.bidderUsers(tx, row));
    this.audiences.register(ENGAGED_PROVIDER_NOTICES, (tx, row) => this.engagedProviderUsers(tx, row));
    this.audiences.register(ALL_PROVIDERS_NOTICES, async (_tx, row) =>
      row.context.tenderPublishedAt || row.context.route === 'competitive'
        ? (await this.directory.allProviderUsers()).map((p) => p.id)
        : [],
    );
  }

  /** DECIDE_BUY: the closing instant (client-supplied, never scaled; else the policy minimum, scaled). */
  private async tenderPeriodFacts(row: CaseEntity, event: FactEvent, now: Date) {
    const minimum = this.time.minimumTenderClose(row, now, 'competitive');
    const supplied = (event as { tenderClosesAt?: string }).tenderClosesAt;
    const suppliedAt = supplied ? new Date(supplied) : null;
    return {
      minimumTenderClosesAt: minimum.toISOString(),
      tenderClosesAt: (suppliedAt && !Number.isNaN(suppliedAt.getTime()) ? suppliedAt : minimum).toISOString(),
    };
  }

  /** DECIDE_MAKE: requested providers that are not member practices of the case's consortium (unknown ones too). */
  private async makeFacts(row: CaseEntity, event: FactEvent) {
    const requested = (event as { providerIds?: unknown }).providerIds;
    const ids = Array.isArray(requested) ? requested.filter((p): p is string => typeof p === 'string') : [];
    const known = await this.directory.findProviders(ids.filter((id) => UUID.test(id)));
    const members = new Set(known.filter((p) => p.memberOfConsortiumId === row.consortiumId).map((p) => p.id));
    return { nonMemberProviderIds: ids.filter((id) => !members.has(id.toLowerCase())) };
  }

  /** DEADLINE_DUE tender_close: close, extend (a question is unanswered) or end unsuccessful. */
  private async tenderCloseFacts(tx: EntityManager, row: CaseEntity, event: FactEvent, now: Date) {
    if ((event as { kind?: string }).kind !== 'tender_close') return {};
    return {
      unansweredQuestions: await this.queries.unansweredQuestions(row.id, tx),
      bidCount: (await this.queries.liveBidRows(row.id, tx)).length,
      extendedTenderClosesAt: this.time.dueFor('unansweredQuestionExtension', row, now).toISOString(),
    };
  }

  /** PROPOSE_AWARD: the bid is a live bid of this tender, and scoring is complete. */
  private async proposalFacts(tx: EntityManager, row: CaseEntity, event: FactEvent) {
    const bidId = (event as { bidId?: unknown }).bidId;
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

  /**
   * GET /cases/{id}: after tendering closed, a `tenderSummary` (how many bids) and, once every
   * unexcluded evaluator scored every live bid, the `ranking`. Nothing at all before the close.
   */
  private async caseView(row: CaseEntity): Promise<Record<string, unknown>> {
    if (!row.context.tenderPublishedAt || !(await this.access.hasClosed(row))) return {};
    const received = await this.queries.receivedBidRows(row.id);
    const out: Record<string, unknown> = { tenderSummary: { bidCount: received.length } };
    if (row.state !== 'cancelled' && row.state !== 'unsuccessful') {
      const ranking = await this.evaluation.ranking(row);
      if (ranking) out.ranking = ranking;
    }
    return out;
  }

  /** Provider users of the providers that asked a question or bid (any bid, withdrawn too). */
  private async engagedProviderUsers(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    if (!row.context.tenderPublishedAt) return [];
    const bidders = (await tx.find(BidEntity, { where: { caseId: row.id }, select: { providerId: true } })).map(
      (b) => b.providerId,
    );
    const providers = [...new Set([...bidders, ...(await this.queries.askerProviderIds(row.id, tx))])];
    return (await this.directory.providerUsers(providers)).map((p) => p.id);
  }

  /** Provider users of the providers that bid (a live or closed bid). */
  private async bidderUsers(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    if (!row.context.tenderPublishedAt) return [];
    const providers = await this.queries.bidderProviderIds(row.id, tx);
    return (await this.directory.providerUsers(providers)).map((p) => p.id);
  }
}
