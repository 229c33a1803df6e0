import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@makebuy/auth';
import { FlagResolutionService, FlagsService } from '@makebuy/flags';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { IdPipe } from '../http/uuid.pipe';
import { FlagAccessGuard } from './flag-access.guard';
import { CaseAccessGuard } from '../http/case-access.guard';
import { parseIfMatch } from '../http/if-match';
import {
  AwardChecksViewDto,
  FlagDto,
  FlagPageDto,
  ListCaseFlagsQuery,
  ListFlagsQuery,
  ResolveFlagDto,
} from './flag.dto';

@ApiTags('flags')
@ApiExtraModels(FlagDto, AwardChecksViewDto)
@Controller('flags')
export class FlagsController {
  constructor(private readonly flags: FlagsService) {}

  @Get()
  @Roles('governance')
  @ApiOperation({
    summary: 'Favouritism flags across cases, newest first (governance)',
    description:
      'Filter by `status`, `code`, `severity`, `consortiumId`, `caseId`; paginated with `limit` and `cursor`.',
  })
  @ApiOkResponse({ type: FlagPageDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListFlagsQuery) {
    const page = await this.flags.list({ ...q, servedConsortiumId: p.consortiumId, limit: q.limit ?? 50 });
    return { items: await this.flags.views(page.items), nextCursor: page.nextCursor };
  }
}

@ApiTags('flags')
@Controller('flags/:id')
@UseGuards(FlagAccessGuard)
export class FlagController {
  constructor(
    private readonly flags: FlagsService,
    private readonly resolution: FlagResolutionService,
  ) {}

  @Get()
  @Roles('governance')
  @ApiOperation({ summary: 'One flag with its evidence (governance)' })
  @ApiOkResponse({ type: FlagDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN')
  async get(@Param('id', new IdPipe('flag')) id: string) {
    return (await this.flags.views([await this.flags.get(id)]))[0];
  }

  @Post('resolve')
  @HttpCode(200)
  @Roles('governance')
  @ApiOperation({
    summary: 'Resolve a flag: accepted or upheld (governance); returns the resolved flag',
    description:
      'Sent to the case as FLAG_RESOLVED and recorded in its history. An upheld blocking flag of the current ' +
      'proposal rejects the award (the case goes back to evaluation, or route_decision on the make route). ' +
      'Resolving a flag that is already resolved: 409 CONFLICT. A flag whose case the caller may not see: 404.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'the version of the flag\'s case you saw, as "<version>"; stale: 412',
  })
  @ApiOkResponse({ type: FlagDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'VERSION_MISMATCH', 'CONFLICT', 'CASE_NEEDS_MIGRATION')
  async resolve(
    @CurrentPrincipal() p: Principal,
    @Param('id', new IdPipe('flag')) id: string,
    @Body() dto: ResolveFlagDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    const expected = parseIfMatch(ifMatch);
    return this.resolution.resolve({ sub: p.sub, personId: p.personId, roles: p.roles }, id, dto, expected);
  }
}

@ApiTags('flags')
@Controller('cases/:id/flags')
@UseGuards(CaseAccessGuard)
export class CaseFlagsController {
  constructor(private readonly flags: FlagsService) {}

  @Get()
  @Roles('governance')
  @ApiOperation({ summary: "A case's flags, every proposal's, newest first (governance)" })
  @ApiOkResponse({ type: FlagPageDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED')
  async list(@Param('id') id: string, @Query() q: ListCaseFlagsQuery) {
    const page = await this.flags.list({ ...q, caseId: id.toLowerCase(), limit: q.limit ?? 50 });
    return { items: await this.flags.views(page.items), nextCursor: page.nextCursor };
  }
}
