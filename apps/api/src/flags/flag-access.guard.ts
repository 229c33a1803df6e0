import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import type { AuthedRequest } from '@makebuy/auth';
import { CaseAccess } from '@makebuy/cases';
import { FlagsService } from '@makebuy/flags';
import { isUuid } from '../http/uuid.pipe';

/** 404 before 403: the flag must exist and its case be visible to the caller (`:id` param). */
@Injectable()
export class FlagAccessGuard implements CanActivate {
  constructor(
    private readonly flags: FlagsService,
    private readonly access: CaseAccess,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const id = req.params.id;
    const notFound = () => new DomainError('NOT_FOUND', `flag ${JSON.stringify(id)} not found`);
    if (!isUuid(id)) throw notFound();
    const flag = await this.flags.find(id.toLowerCase());
    if (!flag) throw notFound();
    const p = req.principal!;
    await this.access
      .visibleCase({ personId: p.personId, roles: p.roles, consortiumId: p.consortiumId }, flag.caseId)
      .catch(() => {
        throw notFound();
      });
    return true;
  }
}
