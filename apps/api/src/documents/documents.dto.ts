import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ALLOWED_MEDIA_TYPES, DOCUMENT_TYPES } from '@makebuy/documents';

/** The text fields of a multipart document upload (the file is the `file` part). */
export class UploadDocumentDto {
  @ApiProperty({ example: 'Service specification' }) @IsString() @IsNotEmpty() @MaxLength(300) title: string;
  @ApiProperty({ enum: DOCUMENT_TYPES, description: 'OCDS documentType codelist' })
  @IsIn(DOCUMENT_TYPES)
  documentType: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'the latest version of the document this one replaces' })
  @IsOptional()
  @IsUUID()
  replacesId?: string;
}

/** The multipart body, as OpenAPI describes it. */
export const UPLOAD_BODY_SCHEMA = {
  type: 'object' as const,
  required: ['file', 'title', 'documentType'],
  properties: {
    file: {
      type: 'string' as const,
      format: 'binary',
      description: `one file: ${ALLOWED_MEDIA_TYPES.join(', ')}; at most DOCUMENT_MAX_BYTES (default 20971520). The name's extension declares the type; the part's Content-Type must agree (or be application/octet-stream). No path in the name.`,
    },
    title: { type: 'string' as const, maxLength: 300 },
    documentType: { type: 'string' as const, enum: [...DOCUMENT_TYPES] },
    replacesId: { type: 'string' as const, format: 'uuid' },
  },
};

export class DocumentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: DOCUMENT_TYPES }) documentType: string;
  @ApiProperty({ example: 'specification.pdf' }) fileName: string;
  @ApiProperty({ enum: ALLOWED_MEDIA_TYPES }) mediaType: string;
  @ApiProperty({ description: 'bytes' }) size: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the content, also the ETag of its download' })
  sha256: string;
  @ApiProperty({ minimum: 1 }) version: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) replacesId: string | null;
  @ApiProperty({ format: 'date-time' }) uploadedAt: string;
}

export class BidReceiptDto {
  @ApiProperty({
    pattern: '^[0-9a-f]{64}$',
    description:
      'SHA-256 of the RFC 8785 canonical JSON of { bidId, providerId, price, responses, documents: [sha256 of each current attachment, sorted] }',
  })
  sha256: string;
  @ApiProperty({ format: 'date-time', description: 'the instant of the sealed change this receipt is for' })
  submittedAt: string;
}

export class BidDocumentDto extends DocumentDto {
  @ApiProperty({ type: BidReceiptDto, description: "the bid's receipt with this document attached" })
  receipt: BidReceiptDto;
}

export class DocumentListDto {
  @ApiProperty({ type: [DocumentDto] }) items: DocumentDto[];
  @ApiProperty({ nullable: true, type: String, description: 'always null: every version is listed' })
  nextCursor: null;
}
