import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { DomainError } from '@makebuy/domain';
import type { CaseCaller } from '@makebuy/cases';
import { DocumentsService, documentView, DocumentView } from '@makebuy/documents';
import { TenderDocumentsService } from './tender-documents.service';
import { BidDocumentsService } from './bid-documents.service';

/** GET /documents/{id}: a case's document for its readers (anyone once published), a bid's as sealed. */
@Injectable()
export class DocumentAccess {
  constructor(
    private readonly documents: DocumentsService,
    private readonly tenderDocuments: TenderDocumentsService,
    private readonly bidDocuments: BidDocumentsService,
  ) {}

  async metadata(caller: CaseCaller | null, id: string): Promise<DocumentView> {
    return documentView(await this.readable(caller, id));
  }

  async content(caller: CaseCaller | null, id: string): Promise<{ document: DocumentView; stream: () => Readable }> {
    const doc = await this.readable(caller, id);
    return { document: documentView(doc), stream: () => this.documents.content(doc) };
  }

  private async readable(caller: CaseCaller | null, id: string) {
    const doc = await this.documents.byId(id);
    const notFound = () => new DomainError('NOT_FOUND', `document ${id} not found`);
    if (!doc) throw notFound();
    if (doc.bidId) {
      if (!(await this.bidDocuments.mayRead(caller, doc.bidId))) throw notFound();
    } else {
      await this.tenderDocuments.readableCase(caller, doc.caseId).catch(() => {
        throw notFound();
      });
    }
    return doc;
  }
}
