import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Public, Roles } from '@makebuy/auth';
import { AnnualDeclarationsService, InterestsService } from '@makebuy/conflicts';
import { ApiProblems, ApiSignedIn } from '../http/api-problems.decorator';
import {
  DeclareInterestDto,
  InterestDto,
  InterestPageDto,
  NilReturnDto,
  OverdueDeclarationPageDto,
  PageQuery,
  PublicInterestPageDto,
  PublicRegisterQuery,
} from './conflicts.dto';

const IDEMPOTENCY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'same key and body within 24h returns the first response',
});

@ApiTags('interests')
@Controller('interests')
export class InterestsController {
  constructor(
    private readonly interests: InterestsService,
    private readonly annual: AnnualDeclarationsService,
  ) {}

  @Post()
  @IDEMPOTENCY
  @ApiOperation({
    summary: 'Declare an interest in the register (for the caller)',
    description:
      'Any signed-in person in the directory. Dates are YYYY-MM-DD; endsOn may not be before startsOn. ' +
      'Counts as the caller’s annual declaration.',
  })
  @ApiCreatedResponse({ type: InterestDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  declare(@CurrentPrincipal() p: Principal, @Body() dto: DeclareInterestDto) {
    return this.interests.declareInterest(p.personId, dto);
  }

  @Get()
  @ApiOperation({ summary: 'The caller’s own register entries, ended ones included' })
  @ApiOkResponse({ type: InterestPageDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  listOwn(@CurrentPrincipal() p: Principal, @Query() q: PageQuery) {
    return this.interests.listOwn(p.personId, { limit: q.limit ?? 50, cursor: q.cursor });
  }

  @Post('nil-returns')
  @IDEMPOTENCY
  @ApiOperation({
    summary: 'Make a nil return: nothing (further) to declare',
    description:
      'Confirms the caller’s register entries are complete. Counts as the caller’s annual declaration ' +
      '(policy annualDeclaration.maxAgeDays) and clears an overdue status.',
  })
  @ApiCreatedResponse({ type: NilReturnDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  nilReturn(@CurrentPrincipal() p: Principal) {
    return this.interests.recordNilReturn(p.personId);
  }

  @Get('overdue')
  @Roles('governance')
  @ApiOperation({
    summary: 'People whose annual declaration is overdue (governance)',
    description:
      'As recorded by the daily annual-declarations check: decision makers (people who do not act for a ' +
      'provider) whose last declaration — an interest, a nil return or a case declaration — is older than ' +
      'annualDeclaration.maxAgeDays, or who never declared within newInterestDays of joining. Longest overdue first.',
  })
  @ApiOkResponse({ type: OverdueDeclarationPageDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  overdue(@Query() q: PageQuery) {
    return this.annual.overdue({ limit: q.limit ?? 50, cursor: q.cursor });
  }
}

@ApiTags('registers')
@Controller('registers')
export class RegistersController {
  constructor(private readonly interests: InterestsService) {}

  @Get('interests')
  @Public()
  @ApiOperation({
    summary: 'The public register of interests (no sign-in)',
    description:
      'Name, role, category, organisation, description and dates of every declared interest; no contact ' +
      'details. An interest that ended more than register.endedInterestVisibleMonths (6) months ago is not shown.',
  })
  @ApiOkResponse({ type: PublicInterestPageDto })
  @ApiProblems('VALIDATION_FAILED')
  register(@Query() q: PublicRegisterQuery) {
    return this.interests.publicRegister({ limit: q.limit ?? 50, cursor: q.cursor, providerId: q.providerId });
  }
}
