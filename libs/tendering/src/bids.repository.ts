import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { CursorKey } from '@makebuy/database';
import { CaseEntity } from '@makebuy/cases';
import { BidEntity, BidRevisionEntity, RepresentationEntity } from './tendering.entities';

/** The SQL of bids and their revisions. Pass the command's `tx` when inside one. */
@Injectable()
export class BidsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The provider's live bid on the case, if any. */
  liveOf(tx: EntityManager, caseId: string, providerId: string): Promise<BidEntity | null> {
    return tx.findOneBy(BidEntity, { caseId, providerId, status: 'submitted' });
  }

  /** A bid of the case by its provider (any status). */
  ofProvider(
    caseId: string,
    bidId: string,
    providerId: string,
    tx: EntityManager = this.ds.manager,
  ): Promise<BidEntity | null> {
    return tx.findOneBy(BidEntity, { id: bidId, caseId, providerId });
  }

  /** A received bid of the case (live, or closed with the tender). */
  received(caseId: string, bidId: string): Promise<BidEntity | null> {
    return this.ds.manager.findOneBy(BidEntity, { id: bidId, caseId, status: In(['submitted', 'closed']) });
  }

  /** The provider's current bid on a tender (live, or closed with the case). */
  currentOf(caseId: string, providerId: string): Promise<BidEntity | null> {
    return this.ds.manager.findOne(BidEntity, {
      where: { caseId, providerId, status: In(['submitted', 'closed']) },
      order: { submittedAt: 'DESC' },
    });
  }

  async save(tx: EntityManager, b: BidEntity): Promise<void> {
    await tx.save(b);
  }

  async appendRevision(tx: EntityManager, r: Omit<BidRevisionEntity, 'id'>): Promise<void> {
    await tx.insert(BidRevisionEntity, r as never);
  }

  revisionsOf(bidId: string): Promise<BidRevisionEntity[]> {
    return this.ds.manager.find(BidRevisionEntity, { where: { bidId }, order: { revision: 'ASC' } });
  }

  /** A page of a tender's bids, oldest first: one provider's (any status) or every received one (limit + 1 rows). */
  tenderPage(
    caseId: string,
    q: { limit: number; after: CursorKey | null; providerId?: string | null },
  ): Promise<BidEntity[]> {
    const qb = this.ds
      .getRepository(BidEntity)
      .createQueryBuilder('b')
      .where('b.case_id = :caseId', { caseId })
      .orderBy('b.submitted_at', 'ASC')
      .addOrderBy('b.id', 'ASC')
      .limit(q.limit + 1);
    if (q.providerId) qb.andWhere('b.provider_id = :providerId', { providerId: q.providerId });
    else qb.andWhere(`b.status IN ('submitted', 'closed')`);
    if (q.after) qb.andWhere('(b.submitted_at, b.id) > (:t, :id)', { t: q.after.t, id: q.after.id });
    return qb.getMany();
  }

  /** A page of one provider's bids across tenders, newest first (limit + 1 rows). */
  providerPage(providerId: string, q: { limit: number; after: CursorKey | null }): Promise<BidEntity[]> {
    const qb = this.ds
      .getRepository(BidEntity)
      .createQueryBuilder('b')
      .where('b.provider_id = :providerId', { providerId })
      .orderBy('b.submitted_at', 'DESC')
      .addOrderBy('b.id', 'DESC')
      .limit(q.limit + 1);
    if (q.after) qb.andWhere('(b.submitted_at, b.id) < (:t, :id)', { t: q.after.t, id: q.after.id });
    return qb.getMany();
  }

  cases(caseIds: string[]): Promise<CaseEntity[]> {
    return caseIds.length ? this.ds.manager.findBy(CaseEntity, { id: In(caseIds) }) : Promise.resolve([]);
  }

  /** The provider's representations on the given cases, oldest first. */
  representationsOf(caseIds: string[], providerId: string): Promise<RepresentationEntity[]> {
    return caseIds.length
      ? this.ds.manager.find(RepresentationEntity, {
          where: { caseId: In(caseIds), providerId },
          order: { lodgedAt: 'ASC', id: 'ASC' },
        })
      : Promise.resolve([]);
  }
}
