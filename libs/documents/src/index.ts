export * from './documents.module';
export * from './document-store';
export { CHUNK_BYTES } from './pg-document-store';
export * from './document-uploads.service';
export * from './document-upload.engine';
export * from './documents.service';
export * from './document-types';
export { DocumentEntity } from './document.entities';
export {
  MEDIA_TYPES,
  ALLOWED_MEDIA_TYPES,
  TEXT_MEDIA_TYPES,
  type MediaType,
  type RejectionReason,
} from './content-policy';
