import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import type { AuthedRequest } from '@makebuy/auth';
import { RepresentationsService } from '@makebuy/tendering';
import { isUuid } from '../http/uuid.pipe';

/**
 * 404 before 403: the `:id` must name a case whose tender (buy) or intention to award (make) has
 * been published. What the caller may do with it is decided after.
 */
@Injectable()
export class PublicProcurementGuard implements CanActivate {
  constructor(private readonly representations: RepresentationsService) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const id = req.params.id ?? req.params.caseId;
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `case ${JSON.stringify(id)} not found`);
    await this.representations.requirePublic(id.toLowerCase());
    return true;
  }
}
