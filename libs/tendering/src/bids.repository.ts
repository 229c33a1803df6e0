import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { preparedQuery } from '@makebuy/queue';
import type { CursorKey } from '@makebuy/database';
import { CaseEntity } from '@makebuy/cases';
import { BidEntity, BidResponses, BidRevisionEntity, BidStatus, RepresentationEntity } from './tendering.entities';

/** A received bid (live or closed) as a tender close reads it, with what its receipt and its notices need. */
export interface ClosingBid {
  id: string;
  providerId: string;
  priceAmount: number;
  responses: BidResponses;
  status: BidStatus;
  submittedAt: Date;
  updatedAt: Date;
  /** the sha256 of each current attachment (the latest version of each) */
  documentSha256s: string[];
  /** the provider's users (people with its providerId) */
  providerUsers: string[];
}

/** Everything a tender close reads of its case's tendering, in one statement. */
export interface TenderCloseRead {
  unansweredQuestions: number;
  /** received bids (live and closed), oldest first */
  bids: ClosingBid[];
}

interface TenderCloseRow {
  unanswered: number;
  id: string | null;
  provider_id: string;
  price_amount: string;
  responses: BidResponses;
  status: BidStatus;
  submitted_at: Date;
  updated_at: Date;
  document_sha256s: string[];
  provider_users: string[];
}

/** The SQL of bids and their revisions. Pass the command's `tx` when inside one. */
@Injectable()
export class BidsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * What a tender close needs, read once under the case lock: the unanswered questions, the
   * received bids with their current attachments' hashes (receipts) and their providers' users
   * (notices). One row per bid (one row with a null id when there is none). Raw SQL: this runs
   * for every close of a deadline storm, where it replaced seven TypeORM reads.
   */
  async tenderClose(tx: EntityManager, caseId: string): Promise<TenderCloseRead> {
    return (await this.tenderCloses(tx, [caseId])).get(caseId)!;
  }

  /** The same for several cases in one statement (a batch of tender closes, under their cases' locks). */
  async tenderCloses(tx: EntityManager, caseIds: string[]): Promise<Map<string, TenderCloseRead>> {
    const rows = await preparedQuery<TenderCloseRow & { case_id: string }>(
      tx,
      'tender-close-read',
      `SELECT c.id AS case_id, q.unanswered, b.id, b.provider_id, b.price_amount, b.responses, b.status,
              b.submitted_at, b.updated_at,
              ARRAY(SELECT d.sha256 FROM documents d
                     WHERE d.bid_id = b.id
                       AND NOT EXISTS (SELECT 1 FROM documents r WHERE r.bid_id = b.id AND r.replaces_id = d.id)
                     ORDER BY d.sha256) AS document_sha256s,
              ARRAY(SELECT p.id FROM people p WHERE p.provider_id = b.provider_id ORDER BY p.id) AS provider_users
         FROM unnest($1::uuid[]) WITH ORDINALITY AS c(id, i)
        CROSS JOIN LATERAL (SELECT count(*)::int AS unanswered FROM questions
                             WHERE case_id = c.id AND answer IS NULL) q
         -- per case through its index, whatever the plan guesses of the array's length
         LEFT JOIN LATERAL (SELECT * FROM bids
                             WHERE case_id = c.id AND status IN ('submitted', 'closed')
                             ORDER BY submitted_at, id) b ON true
        ORDER BY c.i, b.submitted_at, b.id`,
      [caseIds],
    );
    const out = new Map<string, TenderCloseRead>();
    for (const r of rows) {
      let read = out.get(r.case_id);
      if (!read) out.set(r.case_id, (read = { unansweredQuestions: r.unanswered, bids: [] }));
      if (r.id === null) continue;
      read.bids.push({
        id: r.id,
        providerId: r.provider_id,
        priceAmount: Number(r.price_amount),
        responses: r.responses,
        status: r.status,
        submittedAt: r.submitted_at,
        updatedAt: r.updated_at,
        documentSha256s: r.document_sha256s,
        providerUsers: r.provider_users,
      });
    }
    return out;
  }

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

  /** The provider's current bid (live, or closed with the case) on each of these cases that has one (one statement). */
  async currentOfCases(caseIds: string[], providerId: string): Promise<Map<string, BidEntity>> {
    const out = new Map<string, BidEntity>();
    if (!caseIds.length) return out;
    const bids = await this.ds.manager.find(BidEntity, {
      where: { caseId: In(caseIds), providerId, status: In(['submitted', 'closed']) },
      order: { submittedAt: 'DESC' },
    });
    for (const b of bids) if (!out.has(b.caseId)) out.set(b.caseId, b);
    return out;
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
