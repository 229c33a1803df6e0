import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { CaseCaller, CaseEngine } from '@makebuy/cases';
import { Clock } from '@makebuy/settings';
import { DocumentsService, documentView, DocumentUploads, DocumentView, ReceivedFile } from '@makebuy/documents';
import { TenderAccess } from './tender-access.service';
import { BidsRepository } from './bids.repository';
import { requireLive, requireOpen } from './bid-rules';
import { BidReceipt, BidReceipts } from './bid-receipts.service';
import { BidEntity } from './tendering.entities';
import type { DocumentMeta } from './tender-documents.service';

export interface BidDocumentView extends DocumentView {
  /** the bid's receipt with this document attached */
  receipt: BidReceipt;
}

/**
 * A bid's attachments (method statement, pricing schedule...). Sealed exactly like the bid: written
 * by the bidder while the bid may be revised, under the case lock like any bid change, and never a
 * case event (no audit row, no case version, no notice). Before close nobody else can list, read
 * or count them; after close the readers of bid contents can.
 */
@Injectable()
export class BidDocumentsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: CaseEngine,
    private readonly access: TenderAccess,
    private readonly bids: BidsRepository,
    private readonly receipts: BidReceipts,
    private readonly documents: DocumentsService,
    private readonly uploads: DocumentUploads,
    private readonly clock: Clock,
  ) {}

  /** Checked before a byte of the upload is read. */
  async requireMayUpload(caller: CaseCaller, caseId: string, bidId: string): Promise<void> {
    const row = await this.access.publishedTender(caseId);
    const { providerId } = this.access.requireProviderUser(caller);
    requireLive(await this.ownBid(caseId, bidId, providerId));
    requireOpen(row, this.clock.now());
  }

  async upload(
    caller: CaseCaller,
    caseId: string,
    bidId: string,
    meta: DocumentMeta,
    file: ReceivedFile,
  ): Promise<BidDocumentView> {
    try {
      await this.requireMayUpload(caller, caseId, bidId);
      const { providerId, personId } = this.access.requireProviderUser(caller);
      return await this.engine.withCaseLock(caseId, async (tx, row, now) => {
        const bid = await this.ownBid(caseId, bidId, providerId, tx);
        requireLive(bid);
        requireOpen(row, now);
        const doc = await this.documents.record(
          tx,
          {
            caseId,
            bidId,
            title: meta.title,
            documentType: meta.documentType,
            replacesId: meta.replacesId ?? null,
            uploadedBy: personId,
            file,
          },
          now,
        );
        bid.updatedAt = now;
        await tx.update(BidEntity, { id: bid.id }, { updatedAt: now });
        return { ...documentView(doc), receipt: await this.receipts.receiptOf(bid, tx) };
      });
    } catch (e) {
      await this.uploads.discard(file);
      throw e;
    }
  }

  /** The bidder's own at any time; the readers of bid contents once tendering closed (before: BIDS_SEALED). */
  async list(caller: CaseCaller, caseId: string, bidId: string): Promise<DocumentView[]> {
    const row = await this.access.publishedTender(caseId);
    if (this.access.isProviderUser(caller)) {
      await this.ownBid(caseId, bidId, caller.providerId!);
    } else {
      await this.access.requireCaseViewer(caller, row);
      if (!(await this.access.evaluationSight(caller, row.id)).bids)
        throw new DomainError('NOT_FOUND', `bid ${bidId} not found`);
      // said before looking at the bid: nothing about which bids exist leaks before close
      if (!(await this.access.hasClosed(row)))
        throw new DomainError('BIDS_SEALED', 'bids are sealed until tendering closes');
      const bid = await this.ds.manager.findOneBy(BidEntity, { id: bidId, caseId });
      if (!bid || bid.status === 'withdrawn' || !(await this.access.mayReadBidContents(caller, row)))
        throw new DomainError('NOT_FOUND', `bid ${bidId} not found`);
    }
    return (await this.documents.ofBid(bidId)).map(documentView);
  }

  /** The caller's own bid; anyone else's is NOT_FOUND. */
  private async ownBid(caseId: string, bidId: string, providerId: string, tx?: EntityManager): Promise<BidEntity> {
    const b = await this.bids.ofProvider(caseId, bidId, providerId, tx);
    if (!b) throw new DomainError('NOT_FOUND', `bid ${bidId} not found`);
    return b;
  }

  /** May the caller read this bid's documents (GET /documents/{id})? */
  async mayRead(caller: CaseCaller | null, bidId: string): Promise<boolean> {
    if (!caller) return false;
    const bid = await this.ds.manager.findOneBy(BidEntity, { id: bidId });
    if (!bid) return false;
    if (this.access.isProviderUser(caller)) return caller.providerId === bid.providerId;
    if (bid.status === 'withdrawn') return false;
    const row = await this.access.publishedTender(bid.caseId).catch(() => null);
    return !!row && this.access.mayReadBidContents(caller, row);
  }
}
