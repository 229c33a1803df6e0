import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '@makebuy/domain';
import { DirectoryService } from '@makebuy/directory';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { TokenService } from './token.service';
import { Principal } from './auth.types';
import { credentialOf } from './session-cookie';

export const IS_PUBLIC = 'makebuy:public';
/** No token needed (public registers, health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export type AuthedRequest = Request & { principal?: Principal };

/** 401 first: a valid bearer token whose sub is in the directory (an `admin`-only token excepted);
 * the principal's roles are the token's roles that the directory grants. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly directory: DirectoryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (isPublic) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    req.principal = await this.authenticateRequest(req);
    return true;
  }

  /** A bearer header, or the console's session cookie (with its CSRF token on writes). */
  async authenticateRequest(req: Request): Promise<Principal> {
    const credential = credentialOf(req, this.config.jwtSecret);
    if (credential && 'error' in credential) throw new DomainError('UNAUTHENTICATED', credential.error);
    return this.authenticate(credential ? `Bearer ${credential.token}` : req.headers.authorization);
  }

  async authenticate(header: string | undefined): Promise<Principal> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) throw new DomainError('UNAUTHENTICATED', 'a bearer token is required');
    const token = await this.tokens.verify(m[1]);
    const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token.sub);
    const person = uuidLike ? await this.directory.lookupPerson(token.sub.toLowerCase()) : null;
    if (!person) {
      // the first admin creates the directory: `admin` alone needs no entry, nothing else does
      if (token.roles.length === 1 && token.roles[0] === 'admin')
        return { sub: token.sub, roles: ['admin'], personId: null, name: null, consortiumId: null, providerId: null };
      throw new DomainError(
        'UNAUTHENTICATED',
        token.roles.includes('admin')
          ? 'a token whose subject is not in the directory may carry the admin role alone'
          : 'the token subject is not a person in the directory',
      );
    }
    // a token's roles count only where the directory grants them (admin is never stored)
    const granted = new Set<string>(person.roles);
    return {
      sub: token.sub,
      roles: token.roles.filter((r) => granted.has(r)),
      personId: person.id,
      name: person.name,
      consortiumId: person.consortiumId,
      providerId: person.providerId,
    };
  }
}
