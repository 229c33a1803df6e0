import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import type { AuthedRequest } from '@makebuy/auth';
import { TendersService } from '@makebuy/tendering';
import { isUuid } from '../http/uuid.pipe';

/**
 * 404 before 403: the `:caseId` (or `:id`) must name a case whose tender has been published. A
 * published tender is visible to every signed-in person; what they may do with it is decided after.
 */
@Injectable()
export class TenderGuard implements CanActivate {
  constructor(private readonly tenders: TendersService) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const id = req.params.caseId ?? req.params.id;
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `tender ${JSON.stringify(id)} not found`);
    await this.tenders.requirePublished(id.toLowerCase());
    return true;
  }
}
