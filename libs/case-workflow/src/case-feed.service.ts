import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseEffect, Decision, NoticeKind } from '@makebuy/domain';
import type { CaseEntity, FactEvent } from '@makebuy/cases';
import { FeedService, type ConsortiumFeedType, type PublicFeedType } from '@makebuy/feed';
import { TenderingCaseParts } from '@makebuy/tendering';
import { FlagsService } from '@makebuy/flags';

/**
 * What each change publishes to the change feed, written in the change's transaction through
 * `tx` (docs/feed.md). Public events follow the notices (an exhaustive switch over notice kinds);
 * the consortium's events follow transitions, flags and breaches; provider events go to the one
 * provider they concern. Nothing about bids is published here: a bid event goes to its bidder
 * only, from the bid's own transaction (tendering).
 */
@Injectable()
export class CaseFeed {
  constructor(
    private readonly feed: FeedService,
    private readonly tendering: TenderingCaseParts,
    private readonly flags: FlagsService,
  ) {}

  /** The public event a notice announces (and, with the intention to award, each bidder's debrief). */
  async forNotice(tx: EntityManager, row: CaseEntity, notice: NoticeKind, now: Date): Promise<void> {
    const c = row.context;
    switch (notice) {
      case 'tender_published':
        return this.publish(tx, row, 'tender.published', now, {
          title: row.title,
          serviceName: row.serviceName,
          tenderClosesAt: c.tenderClosesAt,
        });
      case 'tender_extended':
        return this.publish(tx, row, 'tender.updated', now, { tenderClosesAt: c.tenderClosesAt, reason: 'extension' });
      case 'tender_amended':
        return this.publish(tx, row, 'tender.updated', now, { tenderClosesAt: c.tenderClosesAt, reason: 'amendment' });
      case 'tender_document_changed':
        return this.publish(tx, row, 'tender.updated', now, { tenderClosesAt: c.tenderClosesAt, reason: 'document' });
      case 'tender_closed':
        return this.publish(tx, row, 'tender.closed', now, { status: 'evaluation' });
      case 'tender_unsuccessful':
        return this.publish(tx, row, 'tender.closed', now, { status: 'unsuccessful' });
      case 'intention_to_award': {
        await this.publish(tx, row, 'award.intended', now, {
          route: c.route,
          awardeeProviderIds: c.proposal?.providerIds ?? [],
        });
        for (const providerId of await this.tendering.bidderProviders(tx, row)) {
          await this.feed.append(tx, { ...this.base(row), type: 'debrief.published', providerId, at: now, data: {} });
        }
        return;
      }
      case 'awarded':
        return this.publish(tx, row, 'award.confirmed', now, {
          route: c.route,
          awardeeProviderIds: c.proposal?.providerIds ?? [],
        });
      case 'cancelled':
        // public only for a case that had published something (a tender or an intention)
        if (!c.tenderPublishedAt && !c.intentionPublishedAt) return;
        return this.publish(tx, row, 'case.cancelled', now, { reasonCode: c.cancellation?.reasonCode ?? null });
      case 'standstill_paused':
      case 'standstill_resumed':
      case 'award_rejected':
      case 'governance_review_needed':
        return;
      default:
        return unhandled(notice);
    }
  }

  /** After a transition: the consortium's `case.transitioned`, and what its event says of flags and representations. */
  async forChange(tx: EntityManager, row: CaseEntity, decision: Decision, event: FactEvent, now: Date): Promise<void> {
    if (decision.fromState !== null && decision.fromState !== decision.toState) {
      await this.internal(tx, row, 'case.transitioned', now, {
        event: event.type,
        fromState: decision.fromState,
        toState: decision.toState,
      });
    }
    switch (event.type) {
      case 'CHECKS_COMPLETED':
        for (const f of await this.flags.checkFlags(tx, row.id, event.proposalSeq))
          await this.internal(tx, row, 'flag.raised', now, { flagId: f.id, code: f.code, severity: f.severity });
        return;
      case 'FLAG_RESOLVED':
        return this.internal(tx, row, 'flag.resolved', now, {
          flagId: event.flagId,
          code: event.code,
          severity: event.severity,
          resolution: event.resolution,
        });
      case 'REPRESENTATION_RESOLVED': {
        const providerId = await this.tendering.representationProvider(tx, event.representationId);
        if (!providerId) return;
        await this.feed.append(tx, {
          ...this.base(row),
          type: 'representation.resolved',
          providerId,
          at: now,
          data: { representationId: event.representationId, outcome: event.outcome },
        });
        return;
      }
      case 'SUBMIT':
      case 'COMPLETE_CONFLICT_CHECK':
      case 'DECIDE_MAKE':
      case 'DECIDE_BUY':
      case 'PROPOSE_AWARD':
      case 'APPROVE_AWARD':
      case 'REJECT_AWARD':
      case 'CANCEL':
      case 'PANEL_MEMBER_ADDED':
      case 'PANEL_MEMBER_REMOVED':
      case 'DECLARATION_MADE':
      case 'DECLARATION_REVIEWED':
      case 'SCORE_RECORDED':
      case 'QUESTION_ANSWERED':
      case 'DEADLINE_DUE':
      case 'REPRESENTATION_LODGED':
      case 'AMEND_TENDER':
      case 'CASE_DOCUMENT_ADDED':
        return;
      default:
        return unhandled(event);
    }
  }

  /** A human stage ran past its service level: `deadline.breached` and its advisory flag. */
  async forBreach(
    tx: EntityManager,
    row: CaseEntity,
    effect: Extract<CaseEffect, { type: 'escalateBreach' }>,
    flag: { id: string; code: string; severity: string },
    now: Date,
  ): Promise<void> {
    await this.internal(tx, row, 'flag.raised', now, { flagId: flag.id, code: flag.code, severity: flag.severity });
    await this.internal(tx, row, 'deadline.breached', now, { kind: effect.kind, deadlineId: effect.deadlineId });
  }

  private base(row: CaseEntity) {
    return { caseId: row.id, ocid: row.ocid, consortiumId: row.consortiumId };
  }

  private async publish(
    tx: EntityManager,
    row: CaseEntity,
    type: PublicFeedType,
    at: Date,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.feed.append(tx, { ...this.base(row), type, at, data });
  }

  private async internal(
    tx: EntityManager,
    row: CaseEntity,
    type: ConsortiumFeedType,
    at: Date,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.feed.append(tx, { ...this.base(row), type, at, data });
  }
}

function unhandled(x: never): never {
  throw new Error(`the case feed has no case for ${JSON.stringify(x)}`);
}
