import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import { CasePanel } from '@makebuy/cases';
import type { CaseRequest } from '../http/case-access.guard';

/** 403 for a caller who can see the case but is not on its panel (after CaseAccessGuard, before validation). */
@Injectable()
export class PanelMemberGuard implements CanActivate {
  constructor(private readonly panel: CasePanel) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<CaseRequest>();
    const personId = req.principal?.personId;
    const onPanel =
      req.caseOnPanel ?? (!!personId && !!req.caseRow && (await this.panel.isMember(req.caseRow.id, personId)));
    if (!personId || !req.caseRow || !onPanel)
      throw new DomainError('FORBIDDEN', 'only a member of the case panel can do this');
    return true;
  }
}
