import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@makebuy/domain';
import { AuthGuard, carriesCredentials, CurrentPrincipal, Principal, Public } from '@makebuy/auth';
import { DocumentUploads, type ReceivedFile } from '@makebuy/documents';
import { validateBody } from '../http/validation';
import { BidDocumentsService, DocumentAccess, TenderDocumentsService } from '@makebuy/tendering';
import { ApiProblems, ApiSignedIn } from '../http/api-problems.decorator';
import { IdPipe } from '../http/uuid.pipe';
import { callerOf } from '../http/caller';
import { etagOf, parseIfMatch } from '../http/if-match';
import { BidDocumentDto, DocumentDto, DocumentListDto, UploadDocumentDto, UPLOAD_BODY_SCHEMA } from './documents.dto';
import { BidDocumentUploadGuard, CaseDocumentUploadGuard } from './document-upload.guards';

const FILE = FileInterceptor('file');

/**
 * The form: the file multer's storage engine received (stored, every content check passed) and the
 * fields, validated here rather than by a pipe so that a bad field removes the stored bytes before
 * the answer goes out.
 */
async function formOf(
  uploads: DocumentUploads,
  file: ReceivedFile | undefined,
  body: unknown,
): Promise<{ file: ReceivedFile; fields: UploadDocumentDto }> {
  if (!file?.blobId) {
    throw new DomainError('VALIDATION_FAILED', 'file: a multipart part named "file" is required', {
      errors: [{ field: 'file', message: 'required' }],
    });
  }
  try {
    return { file, fields: await validateBody(UploadDocumentDto, body) };
  } catch (e) {
    await uploads.discard(file);
    throw e;
  }
}

/** Public reads: credentials (a token or the console's session), when sent, must be valid and widen what may be seen. */
async function optionalCaller(auth: AuthGuard, req: Request) {
  return carriesCredentials(req) ? callerOf(await auth.authenticateRequest(req)) : null;
}

@ApiTags('documents')
@Controller('cases/:id/documents')
export class CaseDocumentsController {
  constructor(
    private readonly documents: TenderDocumentsService,
    private readonly uploads: DocumentUploads,
    private readonly auth: AuthGuard,
  ) {}

  @Post()
  @UseGuards(CaseDocumentUploadGuard)
  @UseInterceptors(FILE)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_BODY_SCHEMA })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the case version you saw, as "<version>"' })
  @ApiOperation({
    summary: "Add a case's document, or a new version of one (the case's creator or a panel commissioner)",
    description:
      'From draft until tendering closes; a panel member excluded entirely gets 422 EXCLUDED_BY_CONFLICT. Streamed into storage and checked while it arrives (size, type, signature, UTF-8 text); a refused file gets 422 DOCUMENT_REJECTED with a `reason` and nothing is stored. Audited as CASE_DOCUMENT_ADDED (the case version moves); once the tender is published, providers that asked a question or bid are notified (tender_document_changed). The close does not move.',
  })
  @ApiCreatedResponse({
    type: DocumentDto,
    headers: { ETag: { description: 'the case version "<version>"', schema: { type: 'string' } } },
  })
  @ApiSignedIn(
    'NOT_FOUND',
    'FORBIDDEN',
    'VALIDATION_FAILED',
    'VERSION_MISMATCH',
    'CONFLICT',
    'EXCLUDED_BY_CONFLICT',
    'WINDOW_CLOSED',
    'DOCUMENT_REJECTED',
  )
  async upload(
    @CurrentPrincipal() p: Principal,
    @Param('id', new IdPipe('case')) caseId: string,
    @UploadedFile() received: ReceivedFile | undefined,
    @Body() body: Record<string, unknown>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { file, fields } = await formOf(this.uploads, received, body);
    const { document, caseVersion } = await this.documents.upload(
      callerOf(p),
      caseId,
      fields,
      file,
      parseIfMatch(ifMatch),
    );
    res.setHeader('ETag', etagOf(caseVersion));
    res.setHeader('Location', `/api/v1/documents/${document.id}`);
    return document;
  }

  @Get()
  @Public()
  @ApiSecurity({})
  @ApiOperation({
    summary: "A case's documents, every version (public once the tender is published; before, the case's readers)",
  })
  @ApiOkResponse({ type: DocumentListDto })
  @ApiProblems('UNAUTHENTICATED', 'NOT_FOUND')
  async list(@Req() req: Request, @Param('id', new IdPipe('case')) caseId: string) {
    return { items: await this.documents.list(await optionalCaller(this.auth, req), caseId), nextCursor: null };
  }
}

@ApiTags('documents')
@Controller('tenders/:caseId/bids/:bidId/documents')
export class BidDocumentsController {
  constructor(
    private readonly documents: BidDocumentsService,
    private readonly uploads: DocumentUploads,
  ) {}

  @Post()
  @UseGuards(BidDocumentUploadGuard)
  @UseInterceptors(FILE)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_BODY_SCHEMA })
  @ApiOperation({
    summary: 'Attach a document to your bid, or a new version of one (the bidder, while the bid may be revised)',
    description:
      "Sealed like the bid: not a case event, nothing in the case's version, history or notifications. The response carries the bid's new receipt. Checked as for case documents (422 DOCUMENT_REJECTED).",
  })
  @ApiCreatedResponse({ type: BidDocumentDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'CONFLICT', 'WINDOW_CLOSED', 'DOCUMENT_REJECTED')
  async upload(
    @CurrentPrincipal() p: Principal,
    @Param('caseId', new IdPipe('tender')) caseId: string,
    @Param('bidId', new IdPipe('bid')) bidId: string,
    @UploadedFile() received: ReceivedFile | undefined,
    @Body() body: Record<string, unknown>,
  ) {
    const { file, fields } = await formOf(this.uploads, received, body);
    return this.documents.upload(callerOf(p), caseId, bidId, fields, file);
  }

  @Get()
  @ApiOperation({
    summary:
      "A bid's documents: its bidder; the readers of bid contents once tendering closed (before: 422 BIDS_SEALED)",
  })
  @ApiOkResponse({ type: DocumentListDto })
  @ApiSignedIn('NOT_FOUND', 'BIDS_SEALED')
  async list(
    @CurrentPrincipal() p: Principal,
    @Param('caseId', new IdPipe('tender')) caseId: string,
    @Param('bidId', new IdPipe('bid')) bidId: string,
  ) {
    return { items: await this.documents.list(callerOf(p), caseId, bidId), nextCursor: null };
  }
}

@ApiTags('documents')
@Controller('documents/:id')
export class DocumentsController {
  constructor(
    private readonly access: DocumentAccess,
    private readonly auth: AuthGuard,
  ) {}

  @Get()
  @Public()
  @ApiSecurity({})
  @ApiOperation({
    summary: "A document's metadata, for whoever may see it (published tender documents: anyone, no token)",
    description: 'A bid document: its bidder; after tendering closed, the readers of bid contents. Others 404.',
  })
  @ApiOkResponse({ type: DocumentDto })
  @ApiProblems('UNAUTHENTICATED', 'NOT_FOUND')
  async get(@Req() req: Request, @Param('id', new IdPipe('document')) id: string) {
    return this.access.metadata(await optionalCaller(this.auth, req), id);
  }

  @Get('content')
  @HttpCode(200)
  @Public()
  @ApiSecurity({})
  @ApiProduces(
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'text/csv',
    'text/plain',
    'image/png',
    'image/jpeg',
  )
  @ApiOperation({
    summary: "A document's bytes, streamed (Content-Disposition: attachment; ETag: the sha256)",
    description: 'If-None-Match with the ETag answers 304.',
  })
  @ApiOkResponse({
    description: 'the content',
    schema: { type: 'string', format: 'binary' },
    headers: {
      ETag: { description: '"<sha256>"', schema: { type: 'string' } },
      'Content-Disposition': { description: 'attachment; filename=...', schema: { type: 'string' } },
    },
  })
  @ApiProblems('UNAUTHENTICATED', 'NOT_FOUND')
  async content(@Req() req: Request, @Res() res: Response, @Param('id', new IdPipe('document')) id: string) {
    const { document, stream } = await this.access.content(await optionalCaller(this.auth, req), id);
    const etag = `"${document.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.attachment(document.fileName);
    res.setHeader(
      'Content-Type',
      document.mediaType.startsWith('text/') ? `${document.mediaType}; charset=utf-8` : document.mediaType,
    );
    res.setHeader('Content-Length', String(document.size));
    res.status(200);
    // headers are out: a storage failure now can only cut the body short, never become a problem document
    await pipeline(stream(), res).catch(() => res.destroy());
  }
}
