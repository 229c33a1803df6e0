import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import type { AuthedRequest } from '@makebuy/auth';
import { BidDocumentsService, TenderDocumentsService } from '@makebuy/tendering';
import { isUuid } from '../http/uuid.pipe';
import { callerOf } from '../http/caller';

/**
 * Who may upload is decided before multer reads a byte of the file (guards run before
 * interceptors): a refused caller never streams anything into storage.
 */
@Injectable()
export class CaseDocumentUploadGuard implements CanActivate {
  constructor(private readonly documents: TenderDocumentsService) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const id = req.params.id;
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `case ${JSON.stringify(id)} not found`);
    await this.documents.requireMayUpload(callerOf(req.principal!), id.toLowerCase());
    return true;
  }
}

@Injectable()
export class BidDocumentUploadGuard implements CanActivate {
  constructor(private readonly documents: BidDocumentsService) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const { caseId, bidId } = req.params;
    if (!isUuid(caseId)) throw new DomainError('NOT_FOUND', `tender ${JSON.stringify(caseId)} not found`);
    if (!isUuid(bidId)) throw new DomainError('NOT_FOUND', `bid ${JSON.stringify(bidId)} not found`);
    await this.documents.requireMayUpload(callerOf(req.principal!), caseId.toLowerCase(), bidId.toLowerCase());
    return true;
  }
}
