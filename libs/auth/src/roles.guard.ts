import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, Role } from '@makebuy/domain';
import type { AuthedRequest } from './auth.guard';

const ROLES_KEY = 'makebuy:roles';

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(ctx: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!roles?.length) return true;
    const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
    if (!p || !roles.some((r) => p.roles.includes(r))) {
      throw new DomainError('FORBIDDEN', `this action needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}

/** Role check (403). Method-level, so it runs after class-level visibility guards (404 first). */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(ROLES_KEY, roles), UseGuards(RolesGuard));
