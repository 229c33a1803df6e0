import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { CaseCaller, CaseEngine, CaseEntity } from '@makebuy/cases';
import { FeedService } from '@makebuy/feed';
import { pgCode, PG_UNIQUE_VIOLATION } from '@makebuy/database';
import { BidAction, BidEntity, BidResponses } from './tendering.entities';
import { TenderAccess } from './tender-access.service';
import { BidsRepository } from './bids.repository';
import { BidInput, requireLive, requireOpen, requireResponses } from './bid-rules';
import { BidView, BidViews } from './bid-views';

/**
 * Sealed bids. Bids are not case events: no audit row, no case version change, nothing in case views
 * or logs. Writes run under the case lock so they are checked against the closing instant in the same
 * transaction that the closing deadline would need.
 */
@Injectable()
export class BidsService {
  constructor(
    private readonly engine: CaseEngine,
    private readonly repo: BidsRepository,
    private readonly views: BidViews,
    private readonly access: TenderAccess,
    private readonly feed: FeedService,
  ) {}

  /** One live bid per provider: a second POST is 409 CONFLICT (revise with PUT instead). */
  async submitBid(caller: CaseCaller, caseId: string, input: BidInput): Promise<BidView> {
    const tender = await this.access.publishedTender(caseId);
    const { providerId, personId } = this.access.requireProviderUser(caller);
    requireResponses(tender, input.responses);
    const bid = await this.engine.withCaseLock(caseId, async (tx, row, now) => {
      const existing = await this.repo.liveOf(tx, caseId, providerId);
      if (existing) {
        throw new DomainError('CONFLICT', 'your organisation already has a live bid on this tender; revise it', {
          bidId: existing.id,
        });
      }
      requireOpen(row, now);
      const created = tx.create(BidEntity, {
        caseId,
        providerId,
        submittedBy: personId,
        priceAmount: input.price.amount,
        currency: 'GBP',
        responses: input.responses as BidResponses,
        status: 'submitted',
        revision: 1,
        submittedAt: now,
        updatedAt: now,
        withdrawnAt: null,
      });
      try {
        await this.repo.save(tx, created);
      } catch (e) {
        if (pgCode(e) === PG_UNIQUE_VIOLATION)
          throw new DomainError('CONFLICT', 'your organisation already has a live bid on this tender');
        throw e;
      }
      await this.appendRevision(tx, row, created, 'submitted', personId, now);
      return created;
    });
    return this.views.ownView(bid);
  }

  async reviseBid(caller: CaseCaller, caseId: string, bidId: string, input: BidInput): Promise<BidView> {
    const tender = await this.access.publishedTender(caseId);
    const { providerId, personId } = this.access.requireProviderUser(caller);
    await this.ownBid(caseId, bidId, providerId);
    requireResponses(tender, input.responses);
    const bid = await this.engine.withCaseLock(caseId, async (tx, row, now) => {
      const b = await this.ownBid(caseId, bidId, providerId, tx);
      requireLive(b);
      requireOpen(row, now);
      b.priceAmount = input.price.amount;
      b.responses = input.responses as BidResponses;
      b.revision += 1;
      b.updatedAt = now;
      await this.repo.save(tx, b);
      await this.appendRevision(tx, row, b, 'revised', personId, now);
      return b;
    });
    return this.views.ownView(bid);
  }

  async withdrawBid(caller: CaseCaller, caseId: string, bidId: string): Promise<BidView> {
    await this.access.publishedTender(caseId);
    const { providerId, personId } = this.access.requireProviderUser(caller);
    await this.ownBid(caseId, bidId, providerId);
    const bid = await this.engine.withCaseLock(caseId, async (tx, row, now) => {
      const b = await this.ownBid(caseId, bidId, providerId, tx);
      requireLive(b);
      requireOpen(row, now);
      b.status = 'withdrawn';
      b.withdrawnAt = now;
      b.revision += 1;
      b.updatedAt = now;
      await this.repo.save(tx, b);
      await this.appendRevision(tx, row, b, 'withdrawn', personId, now);
      return b;
    });
    return this.views.ownView(bid);
  }

  /** The caller's own bid; anyone else's is NOT_FOUND. */
  private async ownBid(caseId: string, bidId: string, providerId: string, tx?: EntityManager): Promise<BidEntity> {
    const b = await this.repo.ofProvider(caseId, bidId, providerId, tx);
    if (!b) throw new DomainError('NOT_FOUND', `bid ${bidId} not found`);
    return b;
  }

  /** Every bid change is kept as a revision, and told to the bidder alone through the change feed. */
  private async appendRevision(
    tx: EntityManager,
    row: CaseEntity,
    b: BidEntity,
    action: BidAction,
    personId: string,
    at: Date,
  ): Promise<void> {
    await this.feed.append(tx, {
      type: 'bid.received',
      caseId: row.id,
      ocid: row.ocid,
      consortiumId: row.consortiumId,
      providerId: b.providerId,
      at,
      data: { bidId: b.id, action, revision: b.revision },
    });
    await this.repo.appendRevision(tx, {
      bidId: b.id,
      revision: b.revision,
      action,
      priceAmount: b.priceAmount,
      responses: b.responses,
      at,
      byPerson: personId,
    });
  }
}
