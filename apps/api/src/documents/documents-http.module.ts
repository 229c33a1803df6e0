import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AuthModule } from '@makebuy/auth';
import { DocumentsModule, DocumentUploadEngine } from '@makebuy/documents';
import { TenderingModule } from '@makebuy/tendering';
import { BidDocumentsController, CaseDocumentsController, DocumentsController } from './documents.controller';
import { BidDocumentUploadGuard, CaseDocumentUploadGuard } from './document-upload.guards';

/**
 * Document endpoints. Multipart goes through the framework's multer with the documents' storage
 * engine: the file streams into the store as it arrives (one document per request, never whole in
 * memory); the size limit is the engine's (422 DOCUMENT_REJECTED); multer's limits only bound the
 * rest of the form. `preservePath` keeps the name as sent so that a path in it is refused, not stripped.
 */
@Module({
  imports: [
    AuthModule,
    DocumentsModule,
    TenderingModule,
    MulterModule.registerAsync({
      imports: [DocumentsModule],
      inject: [DocumentUploadEngine],
      useFactory: (engine: DocumentUploadEngine) => ({
        storage: engine,
        preservePath: true,
        defParamCharset: 'utf8',
        // no fileSize: the engine counts and refuses at the first byte over DOCUMENT_MAX_BYTES (422)
        limits: { files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
      }),
    }),
  ],
  controllers: [CaseDocumentsController, BidDocumentsController, DocumentsController],
  providers: [CaseDocumentUploadGuard, BidDocumentUploadGuard],
})
export class DocumentsHttpModule {}
