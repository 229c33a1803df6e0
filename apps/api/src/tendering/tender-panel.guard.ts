import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import type { AuthedRequest } from '@makebuy/auth';
import { CasePanel } from '@makebuy/cases';

/** 403 for a caller who is not on the tender's case panel (after TenderGuard, before validation). */
@Injectable()
export class TenderPanelGuard implements CanActivate {
  constructor(private readonly panel: CasePanel) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const personId = req.principal?.personId;
    const caseId = String(req.params.caseId).toLowerCase();
    if (!personId || !(await this.panel.isMember(caseId, personId)))
      throw new DomainError('FORBIDDEN', 'only a panel member of this case may score its bids');
    return true;
  }
}
