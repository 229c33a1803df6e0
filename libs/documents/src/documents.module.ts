import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DocumentEntity } from './document.entities';
import { DocumentStore } from './document-store';
import { PgDocumentStore } from './pg-document-store';
import { DocumentUploads } from './document-uploads.service';
import { DocumentUploadEngine } from './document-upload.engine';
import { DocumentsService } from './documents.service';

/** Documents: storage behind DocumentStore (PostgreSQL today), content checks, uploads, records. */
@Module({
  imports: [TypeOrmModule.forFeature([DocumentEntity])],
  providers: [
    { provide: DocumentStore, useClass: PgDocumentStore },
    DocumentUploads,
    DocumentUploadEngine,
    DocumentsService,
  ],
  exports: [DocumentStore, DocumentUploads, DocumentUploadEngine, DocumentsService],
})
export class DocumentsModule {}
