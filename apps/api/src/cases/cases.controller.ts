import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from '@makebuy/domain';
import { CurrentPrincipal, Principal, Roles } from '@makebuy/auth';
import { CaseCommands, CaseHistory, EventInput } from '@makebuy/cases';
import { CaseList, CaseViews } from '@makebuy/case-workflow';
import { BidReceipts } from '@makebuy/tendering';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { validateBody } from '../http/validation';
import { InputCheckedAfterAccess, InputCheckedRequest, refuseBadInput } from '../http/input-guard';
import { PageQuery } from '../http/page-query.dto';
import { CaseAccessGuard, CaseRequest } from '../http/case-access.guard';
import { etagOf, parseIfMatch } from '../http/if-match';
import { callerOf } from '../http/caller';
import { isUuid } from '../http/uuid.pipe';
import { committedView } from './committed-view';
import {
  CaseDto,
  CaseSummaryPageDto,
  CreateCaseDto,
  EVENT_DTOS,
  HistoryPageDto,
  HistoryVerifyDto,
  ListCasesQuery,
} from './case.dto';

/** The payload classes of the client events, documented as one discriminated body. */
const EVENT_BODY_MODELS = [...new Set(Object.values(EVENT_DTOS))];

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'the case version you saw, as "<version>"; stale: 412',
});

@ApiTags('cases')
@Controller('cases')
export class CasesController {
  constructor(
    private readonly commands: CaseCommands,
    private readonly views: CaseViews,
    private readonly caseList: CaseList,
  ) {}

  @Post()
  @Roles('commissioner')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Raise a redesign case (commissioner); returns the same body as GET /cases/{id}' })
  @ApiCreatedResponse({ type: CaseDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  async create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateCaseDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const row = await this.commands.createCase(callerOf(p), dto);
    res.setHeader('ETag', etagOf(row.version));
    res.setHeader('Location', `/api/v1/cases/${row.id}`);
    return committedView(row, () => this.views.view(row, callerOf(p)));
  }

  @Get()
  @ApiOperation({
    summary: 'Cases the caller may see, most recently updated first: summaries (the full view is GET /cases/{id})',
    description:
      'Filters: `state`, `consortiumId`, `awaiting=me` (cases with a task of the caller, as GET /me/tasks), `q` (words in the title or service name, each a prefix).',
  })
  @ApiOkResponse({ type: CaseSummaryPageDto })
  @ApiSignedIn('VALIDATION_FAILED')
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListCasesQuery): Promise<CaseSummaryPageDto> {
    return this.caseList.page(callerOf(p), { ...q, limit: q.limit ?? 50 });
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Read a case: state, allowed events for the caller, panel, declarations, deadlines, flags, ranking',
  })
  @ApiOkResponse({
    type: CaseDto,
    headers: { ETag: { description: 'strong tag "<version>"', schema: { type: 'string' } } },
  })
  @ApiSignedIn('NOT_FOUND')
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Res({ passthrough: true }) res: Response) {
    // the access check (404) and the view share one connection: the row is read once
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `case ${JSON.stringify(id)} not found`);
    const { row, view } = await this.views.visibleView(callerOf(p), id.toLowerCase());
    res.setHeader('ETag', etagOf(row.version));
    return view;
  }

  @Post(':id/events')
  @InputCheckedAfterAccess()
  @HttpCode(200)
  @IF_MATCH
  @ApiExtraModels(...EVENT_BODY_MODELS)
  @ApiBody({
    schema: {
      oneOf: EVENT_BODY_MODELS.map((m) => ({ $ref: getSchemaPath(m) })),
      discriminator: { propertyName: 'type' },
    },
  })
  @ApiOperation({ summary: 'Send an event to the case statechart; returns the updated case' })
  @ApiOkResponse({ type: CaseDto })
  @ApiSignedIn(
    'NOT_FOUND',
    'FORBIDDEN',
    'VALIDATION_FAILED',
    'VERSION_MISMATCH',
    'EVENT_NOT_ALLOWED',
    'QUORUM_NOT_MET',
    'DECLARATIONS_INCOMPLETE',
    'EXCLUDED_BY_CONFLICT',
    'SCORING_INCOMPLETE',
    'NOT_MEMBER_PRACTICE',
    'OPEN_BLOCKING_FLAGS',
    'TENDER_PERIOD_TOO_SHORT',
  )
  async event(
    @CurrentPrincipal() p: Principal,
    @Req() req: InputCheckedRequest,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    // the access check (404), the type (400) and the sender (403) run on the row the engine locks:
    // the case is read once per event, and a refusal changes nothing
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `case ${JSON.stringify(id)} not found`);
    const caller = callerOf(p);
    const row = await this.commands.sendClientEvent(caller, id.toLowerCase(), body?.type, async (type) => {
      refuseBadInput(req);
      const dto = await validateBody(EVENT_DTOS[type], body);
      return { event: { ...(dto as object), type } as EventInput, expectedVersion: parseIfMatch(ifMatch) };
    });
    res.setHeader('ETag', etagOf(row.version));
    return committedView(row, () => this.views.view(row, caller));
  }
}

@ApiTags('cases')
@Controller('cases/:id/history')
@UseGuards(CaseAccessGuard)
export class CaseHistoryController {
  constructor(
    private readonly history: CaseHistory,
    private readonly views: CaseViews,
    private readonly receipts: BidReceipts,
  ) {}

  @Get()
  @Roles('commissioner', 'governance')
  @ApiOperation({
    summary: 'Every event on the case, oldest first, with the hash chain',
    description:
      'Paged `{ items, nextCursor }`. For a panel member excluded from evaluation (or entirely), SCORE_RECORDED payloads carry `scoresHidden: true` instead of the scores and comment.',
  })
  @ApiOkResponse({ type: HistoryPageDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED')
  list(@CurrentPrincipal() p: Principal, @Req() req: CaseRequest, @Query() q: PageQuery) {
    return this.views.history(p, req.caseRow!.id, { limit: q.limit ?? 50, cursor: q.cursor });
  }

  @Get('verify')
  @Roles('commissioner', 'governance')
  @ApiOperation({
    summary: "Recompute the hash chain, and each opened bid's receipt from the stored bid and documents",
    description:
      '`valid`/`firstInvalidSeq` are the hash chain; `bidReceipts` recomputes the sha256 of every bid listed in BIDS_OPENED and lists those that differ.',
  })
  @ApiOkResponse({ type: HistoryVerifyDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN')
  verify(@Param('id') id: string) {
    return this.receipts.verifyHistory(id.toLowerCase());
  }
}
