import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import { DomainError, Role } from '@makebuy/domain';
import {
  AuthedRequest,
  AuthGuard,
  CSRF_COOKIE,
  csrfTokenFor,
  CurrentPrincipal,
  Principal,
  Public,
  SESSION_COOKIE,
  TokenService,
} from '@makebuy/auth';
import { DirectoryService, PersonEntity } from '@makebuy/directory';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { ApiProblems, ApiSignedIn } from '../http/api-problems.decorator';
import { ConsoleConfigView, ConsoleSessionView, ConsoleSignInDto, DevPeoplePage } from './console.dto';

/** How long a development sign-in lasts. */
const DEV_SESSION = '8h';

/** The roles the directory grants (a development sign-in acts with exactly these). */
export const directoryRolesOf = (p: PersonEntity): Role[] => [...p.roles];

/**
 * The console's session, exchanged by the API so the browser never holds a token in script:
 * an httpOnly, SameSite=Strict cookie plus a CSRF token bound to it for writes.
 */
@ApiTags('console')
@Controller('console')
export class ConsoleSessionController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly auth: AuthGuard,
    private readonly directory: DirectoryService,
  ) {}

  @Get('config')
  @Public()
  @ApiOperation({ summary: 'What the console offers here (public)', security: [] })
  @ApiOkResponse({ type: ConsoleConfigView })
  configView(): ConsoleConfigView {
    return { devSignIn: this.config.consoleDevSignIn };
  }

  @Get('dev-people')
  @Public()
  @ApiOperation({
    summary: 'Directory people for the "sign in as" page; exists only where CONSOLE_DEV_SIGNIN is on',
    security: [],
  })
  @ApiOkResponse({ type: DevPeoplePage })
  @ApiProblems('NOT_FOUND')
  async devPeople(): Promise<DevPeoplePage> {
    this.requireDevSignIn();
    const people = await this.directory.everyone();
    const orgs = await this.directory.organisationNames(people);
    return {
      items: people.map((p) => ({
        id: p.id,
        name: p.name,
        roles: directoryRolesOf(p),
        organisation: orgs.get(p.providerId ?? p.consortiumId ?? '') ?? null,
      })),
      nextCursor: null,
    };
  }

  @Post('session')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in to the console: exchange a token (or, in development, a directory person) for a session cookie',
    security: [],
  })
  @ApiOkResponse({ type: ConsoleSessionView })
  @ApiProblems('UNAUTHENTICATED', 'NOT_FOUND', 'VALIDATION_FAILED')
  async signIn(
    @Body() body: ConsoleSignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConsoleSessionView> {
    const given = [body.token !== undefined, body.personId !== undefined, body.admin === true].filter(Boolean).length;
    if (given !== 1) {
      throw new DomainError('VALIDATION_FAILED', 'give exactly one of token, personId or admin', {
        errors: [{ field: 'token', message: 'give exactly one of token, personId or admin' }],
      });
    }
    let token: string;
    if (body.token !== undefined) {
      token = body.token;
    } else {
      this.requireDevSignIn();
      if (body.admin) token = await this.tokens.sign('console-admin', ['admin'], DEV_SESSION);
      else {
        const person = await this.directory.getPerson(body.personId!);
        token = await this.tokens.sign(person.id, directoryRolesOf(person), DEV_SESSION);
      }
    }
    const principal = await this.auth.authenticate(`Bearer ${token}`);
    const expiresAt = expiryOf(token);
    const secure = this.config.nodeEnv === 'production' || req.secure;
    const common = { sameSite: 'strict' as const, secure, path: '/', expires: new Date(expiresAt) };
    res.cookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
    res.cookie(CSRF_COOKIE, csrfTokenFor(this.config.jwtSecret, token), { ...common, httpOnly: false });
    return sessionView(principal, expiresAt);
  }

  @Get('session')
  @ApiOperation({ summary: 'Who the console session (or bearer token) belongs to' })
  @ApiOkResponse({ type: ConsoleSessionView })
  @ApiSignedIn()
  session(@CurrentPrincipal() principal: Principal, @Req() req: AuthedRequest): ConsoleSessionView {
    const cookies = (req as AuthedRequest & { cookies?: Record<string, string> }).cookies ?? {};
    const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    return sessionView(principal, expiryOf(bearer ?? cookies[SESSION_COOKIE]));
  }

  @Delete('session')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign out of the console (clears the session cookies)', security: [] })
  @ApiOkResponse({ schema: { type: 'object', properties: { signedOut: { type: 'boolean' } } } })
  signOut(@Res({ passthrough: true }) res: Response): { signedOut: true } {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.clearCookie(CSRF_COOKIE, { path: '/' });
    return { signedOut: true };
  }

  private requireDevSignIn(): void {
    // answered as if the route did not exist
    if (!this.config.consoleDevSignIn) throw new DomainError('NOT_FOUND', 'no such route');
  }
}

function expiryOf(token: string | undefined): string {
  const exp = token ? decodeJwt(token).exp : undefined;
  return new Date((exp ?? 0) * 1000).toISOString();
}

function sessionView(p: Principal, expiresAt: string): ConsoleSessionView {
  return {
    sub: p.sub,
    personId: p.personId,
    name: p.name,
    roles: p.roles,
    consortiumId: p.consortiumId,
    providerId: p.providerId,
    expiresAt,
  };
}
