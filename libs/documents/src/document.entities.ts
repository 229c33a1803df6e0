import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigint = { to: (v: number) => v, from: (v: string | null) => (v == null ? null : Number(v)) };

/**
 * A document record: one version of a case's document (bidId null) or of a bid's attachment.
 * Versions of one document share a lineage (the first version's id); `replacesId` names the version
 * a new one replaces. The bytes are the blob's.
 */
@Entity({ name: 'documents' })
export class DocumentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'bid_id', type: 'uuid', nullable: true }) bidId: string | null;
  @Column({ name: 'lineage_id', type: 'uuid' }) lineageId: string;
  @Column({ name: 'replaces_id', type: 'uuid', nullable: true }) replacesId: string | null;
  @Column({ type: 'int' }) version: number;
  @Column({ type: 'text' }) title: string;
  @Column({ name: 'document_type', type: 'text' }) documentType: string;
  @Column({ name: 'file_name', type: 'text' }) fileName: string;
  @Column({ name: 'media_type', type: 'text' }) mediaType: string;
  @Column({ type: 'bigint', transformer: bigint }) size: number;
  @Column({ type: 'text' }) sha256: string;
  @Column({ name: 'blob_id', type: 'uuid' }) blobId: string;
  @Column({ name: 'uploaded_by', type: 'uuid' }) uploadedBy: string;
  @Column({ name: 'uploaded_at', type: 'timestamptz' }) uploadedAt: Date;
}
