import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DataSource, EntityManager } from 'typeorm';
import { CaseEngine, CaseEntity, CaseEventEntity, CaseHistory, VerifyResult } from '@makebuy/cases';
import { DocumentsService } from '@makebuy/documents';
import { BidEntity, BidResponses } from './tendering.entities';
import { TenderingQueries } from './tendering-queries.service';
import type { ClosingBid } from './bids.repository';

/** What a bidder keeps to check later that the bid opened is the bid it sealed. */
export interface BidReceipt {
  sha256: string;
  /** the instant of the sealed change this receipt is for */
  submittedAt: string;
}

/** One line of the BIDS_OPENED audit row. */
export interface OpenedBid {
  bidId: string;
  providerId: string;
  submittedAt: string;
  sha256: string;
}

export interface ReceiptMismatch {
  bidId: string;
  providerId: string;
  /** as recorded when the bids were opened */
  openedSha256: string;
  /** recomputed now from the stored bid and its documents; null: the bid is gone */
  storedSha256: string | null;
}

export interface ReceiptsCheck {
  /** a BIDS_OPENED row exists (tendering closed) */
  opened: boolean;
  checked: number;
  valid: boolean;
  mismatches: ReceiptMismatch[];
}

export const BIDS_OPENED = 'BIDS_OPENED';

/**
 * The receipt of a bid: SHA-256 of the RFC 8785 canonical JSON of
 * `{ bidId, providerId, price, responses, documents: [sha256 of each current attachment, sorted] }`.
 */
export function bidReceiptHash(input: {
  bidId: string;
  providerId: string;
  priceAmount: number;
  responses: BidResponses;
  documentSha256s: string[];
}): string {
  const body = {
    bidId: input.bidId,
    providerId: input.providerId,
    price: { amount: input.priceAmount, currency: 'GBP' },
    responses: input.responses,
    documents: [...input.documentSha256s].sort(),
  };
  return createHash('sha256')
    .update(canonicalize(body) ?? '')
    .digest('hex');
}

/** The receipt of a bid whose current attachments have these hashes. */
function receiptOf(
  bid: Pick<BidEntity, 'id' | 'providerId' | 'priceAmount' | 'responses' | 'updatedAt'>,
  documentSha256s: string[],
): BidReceipt {
  return {
    sha256: bidReceiptHash({
      bidId: bid.id,
      providerId: bid.providerId,
      priceAmount: bid.priceAmount,
      responses: bid.responses,
      documentSha256s,
    }),
    submittedAt: bid.updatedAt.toISOString(),
  };
}

/** Receipts for sealed bids, the BIDS_OPENED row written when tendering closes, and its check. */
@Injectable()
export class BidReceipts {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly documents: DocumentsService,
    private readonly engine: CaseEngine,
    private readonly queries: TenderingQueries,
    private readonly history: CaseHistory,
  ) {}

  /** GET /cases/{id}/history/verify: the hash chain, and the opened bids against what is stored now. */
  async verifyHistory(caseId: string): Promise<VerifyResult & { bidReceipts: ReceiptsCheck }> {
    return { ...(await this.history.verify(caseId)), bidReceipts: await this.verifyOpened(caseId) };
  }

  async receiptOf(bid: BidEntity, tx: EntityManager = this.ds.manager): Promise<BidReceipt> {
    const docs = this.documents.latest(await this.documents.ofBid(bid.id, tx));
    return receiptOf(
      bid,
      docs.map((d) => d.sha256),
    );
  }

  /**
   * Tendering closed: one audit row lists every live bid's receipt (in the close's transaction).
   * `received`: the bids the close already read under the case lock (else read here).
   */
  async openBids(tx: EntityManager, row: CaseEntity, now: Date, received?: ClosingBid[]): Promise<void> {
    const bids: OpenedBid[] = [];
    const live: {
      bid: Pick<BidEntity, 'id' | 'providerId' | 'priceAmount' | 'responses' | 'updatedAt'>;
      docs: string[];
    }[] = [];
    if (received) {
      for (const b of received) if (b.status === 'submitted') live.push({ bid: b, docs: b.documentSha256s });
    } else {
      for (const b of await this.queries.liveBidRows(row.id, tx))
        live.push({ bid: b, docs: this.documents.latest(await this.documents.ofBid(b.id, tx)).map((d) => d.sha256) });
    }
    for (const { bid: b, docs } of live) {
      const r = receiptOf(b, docs);
      bids.push({ bidId: b.id, providerId: b.providerId, submittedAt: r.submittedAt, sha256: r.sha256 });
    }
    await this.engine.appendAuditInHand(tx, row, {
      at: now,
      actor: { id: 'system:tendering', roles: [] },
      type: BIDS_OPENED,
      // a record written by the close, not a transition of its own: it stays in the state closed into
      fromState: row.state,
      toState: row.state,
      payload: { bids },
    });
  }

  /** The BIDS_OPENED line of a bid, with the instant of the row, else null (not opened yet). */
  async openedOf(caseId: string, bidId: string): Promise<{ sha256: string; at: string } | null> {
    const row = await this.openedRow(caseId);
    const line = (row?.payload.bids as OpenedBid[] | undefined)?.find((b) => b.bidId === bidId);
    return row && line ? { sha256: line.sha256, at: row.at.toISOString() } : null;
  }

  /** Recomputes each opened bid's receipt from the stored bid and documents; reports any that differ. */
  async verifyOpened(caseId: string): Promise<ReceiptsCheck> {
    const row = await this.openedRow(caseId);
    if (!row) return { opened: false, checked: 0, valid: true, mismatches: [] };
    const lines = (row.payload.bids as OpenedBid[] | undefined) ?? [];
    const mismatches: ReceiptMismatch[] = [];
    for (const line of lines) {
      const bid = await this.ds.manager.findOneBy(BidEntity, { id: line.bidId, caseId });
      const stored = bid ? await this.storedReceiptHash(bid) : null;
      if (stored !== line.sha256)
        mismatches.push({
          bidId: line.bidId,
          providerId: line.providerId,
          openedSha256: line.sha256,
          storedSha256: stored,
        });
    }
    return { opened: true, checked: lines.length, valid: mismatches.length === 0, mismatches };
  }

  /** The receipt recomputed from what is stored: the bid row and each current document's bytes (not its recorded sha256). */
  private async storedReceiptHash(bid: BidEntity): Promise<string> {
    const docs = this.documents.latest(await this.documents.ofBid(bid.id));
    const hashes: string[] = [];
    for (const d of docs) {
      const h = createHash('sha256');
      for await (const chunk of this.documents.content(d)) h.update(chunk as Buffer);
      hashes.push(h.digest('hex'));
    }
    return bidReceiptHash({
      bidId: bid.id,
      providerId: bid.providerId,
      priceAmount: bid.priceAmount,
      responses: bid.responses,
      documentSha256s: hashes,
    });
  }

  private openedRow(caseId: string): Promise<CaseEventEntity | null> {
    return this.ds.manager.findOne(CaseEventEntity, {
      where: { caseId, type: BIDS_OPENED },
      order: { seq: 'DESC' },
    });
  }
}
