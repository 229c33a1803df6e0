import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import type { CriterionKey } from '@makebuy/domain';
import { BidEntity, BidStatus, QuestionEntity, ScoreEntity } from './tendering.entities';

/** A bid as other features see it (no responses: those stay with tendering). */
export interface BidSummary {
  id: string;
  caseId: string;
  providerId: string;
  /** annual price */
  price: number;
  status: BidStatus;
  submittedAt: string;
}

export interface ScoreSheetSummary {
  bidId: string;
  evaluatorId: string;
  scores: Partial<Record<CriterionKey, number>>;
  scoredAt: string;
}

const summary = (b: BidEntity): BidSummary => ({
  id: b.id,
  caseId: b.caseId,
  providerId: b.providerId,
  price: b.priceAmount,
  status: b.status,
  submittedAt: b.submittedAt.toISOString(),
});

/**
 * Read-only queries over bids, scores and questions. Exported for other features (the award checks
 * read bids and score sheets through it); pass the command's transaction when inside one.
 */
@Injectable()
export class TenderingQueries {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Live bids (submitted, not withdrawn or closed), oldest first. */
  async liveBids(caseId: string, tx: EntityManager = this.ds.manager): Promise<BidSummary[]> {
    return (await this.liveBidRows(caseId, tx)).map(summary);
  }

  /** Bids received when tendering closed: live ones, and those closed by a cancellation or an unsuccessful close. */
  async receivedBids(caseId: string, tx: EntityManager = this.ds.manager): Promise<BidSummary[]> {
    return (await this.receivedBidRows(caseId, tx)).map(summary);
  }

  async bid(bidId: string, tx: EntityManager = this.ds.manager): Promise<BidSummary | null> {
    const b = await tx.findOneBy(BidEntity, { id: bidId });
    return b ? summary(b) : null;
  }

  /** Providers with a live or closed bid on the case (the bidders). */
  async bidderProviderIds(caseId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    return [...new Set((await this.receivedBidRows(caseId, tx)).map((b) => b.providerId))].sort();
  }

  /** Every score sheet recorded on the case (one per evaluator and bid). */
  async scoreSheets(caseId: string, tx: EntityManager = this.ds.manager): Promise<ScoreSheetSummary[]> {
    const rows = await tx.find(ScoreEntity, { where: { caseId }, order: { scoredAt: 'ASC', id: 'ASC' } });
    return rows.map((s) => ({
      bidId: s.bidId,
      evaluatorId: s.evaluatorId,
      scores: s.scores,
      scoredAt: s.scoredAt.toISOString(),
    }));
  }

  /** Providers that asked a clarification question on the case. */
  async askerProviderIds(caseId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    const rows = await tx.find(QuestionEntity, { where: { caseId }, select: { providerId: true } });
    return [...new Set(rows.map((q) => q.providerId))].sort();
  }

  unansweredQuestions(caseId: string, tx: EntityManager = this.ds.manager): Promise<number> {
    return tx.countBy(QuestionEntity, { caseId, answer: IsNull() });
  }

  /** Ids of the case's unanswered clarification questions, oldest first. */
  async unansweredQuestionIds(caseId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    const rows = await tx.find(QuestionEntity, {
      select: { id: true },
      where: { caseId, answer: IsNull() },
      order: { askedAt: 'ASC', id: 'ASC' },
    });
    return rows.map((q) => q.id);
  }

  // ---- rows, for tendering's own services ----

  liveBidRows(caseId: string, tx: EntityManager = this.ds.manager): Promise<BidEntity[]> {
    return tx.find(BidEntity, { where: { caseId, status: 'submitted' }, order: { submittedAt: 'ASC', id: 'ASC' } });
  }

  receivedBidRows(caseId: string, tx: EntityManager = this.ds.manager): Promise<BidEntity[]> {
    return tx.find(BidEntity, {
      where: { caseId, status: In(['submitted', 'closed']) },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
  }
}
