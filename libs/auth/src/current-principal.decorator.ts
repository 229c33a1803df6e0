import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import type { AuthedRequest } from './auth.guard';
import { Principal } from './auth.types';

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new DomainError('UNAUTHENTICATED', 'a bearer token is required');
  return p;
});
