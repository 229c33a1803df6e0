import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { pgCode, PG_UNIQUE_VIOLATION } from '@makebuy/database';
import { DocumentEntity } from './document.entities';
import { DocumentStore } from './document-store';
import { ReceivedFile } from './document-uploads.service';

export interface DocumentView {
  id: string;
  title: string;
  documentType: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  version: number;
  /** the version this one replaces, else null */
  replacesId: string | null;
  uploadedAt: string;
}

export interface NewDocument {
  /** chosen by the caller when it must name the document before it is recorded */
  id?: string;
  caseId: string;
  /** null: a case's (tender) document */
  bidId: string | null;
  title: string;
  documentType: string;
  replacesId?: string | null;
  uploadedBy: string;
  file: ReceivedFile;
}

export const documentView = (d: DocumentEntity): DocumentView => ({
  id: d.id,
  title: d.title,
  documentType: d.documentType,
  fileName: d.fileName,
  mediaType: d.mediaType,
  size: d.size,
  sha256: d.sha256,
  version: d.version,
  replacesId: d.replacesId,
  uploadedAt: d.uploadedAt.toISOString(),
});

/**
 * Document records over the store. Who may write or read a document is the caller's to decide (the
 * tendering feature, which knows cases, bids and sealing); this only keeps records and bytes right.
 */
@Injectable()
export class DocumentsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly store: DocumentStore,
  ) {}

  /**
   * Records a received file as a document (a new version when `replacesId` names the latest version
   * of one of the same owner's documents), claiming its bytes, in the caller's transaction.
   */
  async record(tx: EntityManager, input: NewDocument, now: Date): Promise<DocumentEntity> {
    let lineageId: string;
    let version = 1;
    const id = input.id ?? randomUUID();
    if (input.replacesId) {
      const old = await tx.findOneBy(DocumentEntity, {
        id: input.replacesId,
        caseId: input.caseId,
        bidId: input.bidId ?? IsNull(),
      });
      if (!old) {
        throw new DomainError('VALIDATION_FAILED', `replacesId: no document ${input.replacesId} here to replace`, {
          errors: [{ field: 'replacesId', message: 'unknown document' }],
        });
      }
      if (await tx.existsBy(DocumentEntity, { replacesId: old.id })) {
        throw new DomainError('CONFLICT', `document ${old.id} was already replaced; replace its latest version`);
      }
      lineageId = old.lineageId;
      version = old.version + 1;
    } else {
      lineageId = id;
    }
    await this.store.claim(tx, input.file.blobId);
    const row = tx.create(DocumentEntity, {
      id,
      caseId: input.caseId,
      bidId: input.bidId,
      lineageId,
      replacesId: input.replacesId ?? null,
      version,
      title: input.title,
      documentType: input.documentType,
      fileName: input.file.fileName,
      mediaType: input.file.mediaType,
      size: input.file.size,
      sha256: input.file.sha256,
      blobId: input.file.blobId,
      uploadedBy: input.uploadedBy,
      uploadedAt: now,
    });
    try {
      await tx.insert(DocumentEntity, row);
    } catch (e) {
      if (pgCode(e) === PG_UNIQUE_VIOLATION)
        throw new DomainError(
          'CONFLICT',
          `document ${input.replacesId} was replaced meanwhile; replace its latest version`,
        );
      throw e;
    }
    return row;
  }

  byId(id: string, tx: EntityManager = this.ds.manager): Promise<DocumentEntity | null> {
    return tx.findOneBy(DocumentEntity, { id });
  }

  /** A case's own documents, every version, oldest first. */
  ofCase(caseId: string, tx: EntityManager = this.ds.manager): Promise<DocumentEntity[]> {
    return this.ofCases([caseId], tx);
  }

  /** The own documents of each of these cases, every version, oldest first (one statement). */
  ofCases(caseIds: string[], tx: EntityManager = this.ds.manager): Promise<DocumentEntity[]> {
    if (!caseIds.length) return Promise.resolve([]);
    return tx.find(DocumentEntity, {
      where: { caseId: In(caseIds), bidId: IsNull() },
      order: { uploadedAt: 'ASC', id: 'ASC' },
    });
  }

  /** A bid's attachments, every version, oldest first. */
  ofBid(bidId: string, tx: EntityManager = this.ds.manager): Promise<DocumentEntity[]> {
    return tx.find(DocumentEntity, { where: { bidId }, order: { uploadedAt: 'ASC', id: 'ASC' } });
  }

  /** The latest version of each document among `docs`. */
  latest(docs: DocumentEntity[]): DocumentEntity[] {
    const replaced = new Set(docs.map((d) => d.replacesId).filter((x): x is string => !!x));
    return docs.filter((d) => !replaced.has(d.id));
  }

  /** The document's bytes, streamed from the store. */
  content(doc: DocumentEntity): Readable {
    return this.store.read(doc.blobId);
  }
}
