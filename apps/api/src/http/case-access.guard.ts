import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import type { AuthedRequest } from '@makebuy/auth';
import { CaseAccess, CaseEntity } from '@makebuy/cases';
import { isUuid } from './uuid.pipe';

/** `caseOnPanel`: whether the caller sits on the case's panel (read with the row, in the same statement). */
export type CaseRequest = AuthedRequest & { caseRow?: CaseEntity; caseOnPanel?: boolean };

/** 404 before 403: the case must exist and be visible to the caller (`:id` or `:caseId` param). */
@Injectable()
export class CaseAccessGuard implements CanActivate {
  constructor(private readonly access: CaseAccess) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<CaseRequest>();
    const id = req.params.id ?? req.params.caseId;
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `case ${JSON.stringify(id)} not found`);
    const p = req.principal!;
    const { row, onPanel } = await this.access.visible(
      { personId: p.personId, roles: p.roles, consortiumId: p.consortiumId },
      id.toLowerCase(),
    );
    req.caseRow = row;
    req.caseOnPanel = onPanel;
    return true;
  }
}
