import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@makebuy/auth';
import { BidQueries, BidsService, ClarificationsService, EvaluationService, TendersService } from '@makebuy/tendering';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { IdPipe } from '../http/uuid.pipe';
import { callerOf } from '../http/caller';
import { parseIfMatch } from '../http/if-match';
import { TenderGuard } from './tender.guard';
import { TenderPanelGuard } from './tender-panel.guard';
import {
  AnsweredQuestionDto,
  BidDto,
  BidInputDto,
  BidPageDto,
  ListTendersQuery,
  PageQuery,
  QuestionDto,
  ScoreDto,
  ScoreInputDto,
  ScoreSheetPageDto,
  TenderDto,
  TenderPageDto,
  TextDto,
} from './tendering.dto';

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'the case version you saw, as "<version>"; stale: 412',
});
const IDEMPOTENCY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'same key and body within 24h returns the first response',
});
const CASE_ID = new IdPipe('tender');

@ApiTags('tenders')
@Controller('tenders')
export class TendersController {
  constructor(private readonly tenders: TendersService) {}

  @Get()
  @ApiOperation({
    summary: 'Published tenders (any signed-in person), filtered by OCDS status',
    description: 'Never says who bid or how many. A provider user sees its own bid as `myBid`.',
  })
  @ApiOkResponse({ type: TenderPageDto })
  @ApiSignedIn('VALIDATION_FAILED')
  list(@CurrentPrincipal() p: Principal, @Query() q: ListTendersQuery) {
    return this.tenders.list(callerOf(p), { status: q.status, limit: q.limit ?? 50, cursor: q.cursor });
  }
}

/** One published tender: the provider portal (questions, sealed bids) and evaluation. */
@ApiTags('tenders')
@Controller('tenders/:caseId')
@UseGuards(TenderGuard)
export class TenderController {
  constructor(
    private readonly tenders: TendersService,
    private readonly clarifications: ClarificationsService,
    private readonly bids: BidsService,
    private readonly bidQueries: BidQueries,
    private readonly evaluation: EvaluationService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'A published tender (any signed-in person)',
    description:
      'Answered questions without the asker; a provider also sees its own unanswered questions and its own bid (`myBid`). 404 until DECIDE_BUY published the tender.',
  })
  @ApiOkResponse({ type: TenderDto })
  @ApiSignedIn('NOT_FOUND')
  get(@CurrentPrincipal() p: Principal, @Param('caseId', CASE_ID) caseId: string) {
    return this.tenders.get(callerOf(p), caseId);
  }

  @Post('questions')
  @Roles('provider')
  @IDEMPOTENCY
  @ApiOperation({
    summary: 'Ask a clarification question (provider)',
    description:
      'Only while tendering and before the clarification deadline (`clarificationDeadline`), else 422 WINDOW_CLOSED. Answers are shown to every provider without the asker; tendering does not close while a question is unanswered.',
  })
  @ApiCreatedResponse({ type: QuestionDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'WINDOW_CLOSED')
  ask(@CurrentPrincipal() p: Principal, @Param('caseId', CASE_ID) caseId: string, @Body() dto: TextDto) {
    return this.clarifications.ask(callerOf(p), caseId, dto.text);
  }

  @Post('questions/:questionId/answer')
  @HttpCode(200)
  @Roles('commissioner')
  @IF_MATCH
  @ApiOperation({
    summary: 'Answer a clarification question (a commissioner who can see the case); audited as QUESTION_ANSWERED',
    description:
      'While tendering (else 409 EVENT_NOT_ALLOWED); a question is answered once (409 CONFLICT). The audit row records the question and the answer, never who asked.',
  })
  @ApiOkResponse({ type: AnsweredQuestionDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'VERSION_MISMATCH', 'EVENT_NOT_ALLOWED', 'CONFLICT')
  answer(
    @CurrentPrincipal() p: Principal,
    @Param('caseId', CASE_ID) caseId: string,
    @Param('questionId', new IdPipe('question')) questionId: string,
    @Body() dto: TextDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.clarifications.answer(callerOf(p), caseId, questionId, dto.text, parseIfMatch(ifMatch));
  }

  @Get('bids')
  @ApiOperation({
    summary: "Bids on the tender: a provider's own; everyone's for the case's people once tendering closed",
    description:
      "A provider user sees only its organisation's bids (any status). The case's commissioners, governance and panel see every received bid after tendering closed, and get 422 BIDS_SEALED before. Anyone else: 404.",
  })
  @ApiOkResponse({ type: BidPageDto })
  @ApiSignedIn('NOT_FOUND', 'VALIDATION_FAILED', 'BIDS_SEALED')
  listBids(@CurrentPrincipal() p: Principal, @Param('caseId', CASE_ID) caseId: string, @Query() q: PageQuery) {
    return this.bidQueries.bidsForTender(callerOf(p), caseId, { limit: q.limit ?? 50, cursor: q.cursor });
  }

  @Post('bids')
  @Roles('provider')
  @IDEMPOTENCY
  @ApiOperation({
    summary: 'Submit a sealed bid (provider)',
    description:
      'Only while tendering and before the closing instant (server time), else 422 WINDOW_CLOSED. One live bid per provider: a second POST gets 409 CONFLICT (revise it with PUT, or withdraw it first). Bids are not case events: the case, its history and its views do not change.',
  })
  @ApiCreatedResponse({ type: BidDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'CONFLICT', 'WINDOW_CLOSED')
  submit(@CurrentPrincipal() p: Principal, @Param('caseId', CASE_ID) caseId: string, @Body() dto: BidInputDto) {
    return this.bids.submitBid(callerOf(p), caseId, dto);
  }

  @Get('bids/:bidId')
  @ApiOperation({
    summary: 'One bid: its bidder (with its revisions), or the case people after tendering closed',
  })
  @ApiOkResponse({ type: BidDto })
  @ApiSignedIn('NOT_FOUND', 'BIDS_SEALED')
  getBid(
    @CurrentPrincipal() p: Principal,
    @Param('caseId', CASE_ID) caseId: string,
    @Param('bidId', new IdPipe('bid')) bidId: string,
  ) {
    return this.bidQueries.getBid(callerOf(p), caseId, bidId);
  }

  @Put('bids/:bidId')
  @Roles('provider')
  @ApiOperation({
    summary: 'Revise your bid (provider); appends a revision',
    description:
      "Another provider's bid is 404. A withdrawn bid cannot be revised (409 CONFLICT). Only before the closing instant (422 WINDOW_CLOSED).",
  })
  @ApiOkResponse({ type: BidDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'CONFLICT', 'WINDOW_CLOSED')
  revise(
    @CurrentPrincipal() p: Principal,
    @Param('caseId', CASE_ID) caseId: string,
    @Param('bidId', new IdPipe('bid')) bidId: string,
    @Body() dto: BidInputDto,
  ) {
    return this.bids.reviseBid(callerOf(p), caseId, bidId, dto);
  }

  @Post('bids/:bidId/withdraw')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({
    summary: 'Withdraw your bid (provider); you may submit a new one while tendering is open',
  })
  @ApiOkResponse({ type: BidDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'WINDOW_CLOSED')
  withdraw(
    @CurrentPrincipal() p: Principal,
    @Param('caseId', CASE_ID) caseId: string,
    @Param('bidId', new IdPipe('bid')) bidId: string,
  ) {
    return this.bids.withdrawBid(callerOf(p), caseId, bidId);
  }

  @Get('bids/:bidId/scores')
  @ApiOperation({
    summary:
      "A bid's score sheets: a panel member's own; every sheet for the case's other commissioners and governance",
    description:
      'After tendering closed (422 BIDS_SEALED before). Panel members excluded from evaluation (or entirely), providers and anyone outside the case: 404.',
  })
  @ApiOkResponse({ type: ScoreSheetPageDto })
  @ApiSignedIn('NOT_FOUND', 'VALIDATION_FAILED', 'BIDS_SEALED')
  listScores(
    @CurrentPrincipal() p: Principal,
    @Param('caseId', CASE_ID) caseId: string,
    @Param('bidId', new IdPipe('bid')) bidId: string,
    @Query() q: PageQuery,
  ) {
    return this.evaluation.scoresOf(callerOf(p), caseId, bidId, { limit: q.limit ?? 50, cursor: q.cursor });
  }

  @Post('bids/:bidId/scores')
  @UseGuards(TenderPanelGuard)
  @IF_MATCH
  @ApiOperation({
    summary: 'Score a bid (a panel member not excluded from evaluation); audited as SCORE_RECORDED',
    description:
      'Only in evaluation (else 409 EVENT_NOT_ALLOWED). Non-panel callers get 403; panel members excluded from evaluation 422 EXCLUDED_BY_CONFLICT. A second post by the same evaluator replaces the first.',
  })
  @ApiCreatedResponse({ type: ScoreDto })
  @ApiSignedIn(
    'NOT_FOUND',
    'FORBIDDEN',
    'VALIDATION_FAILED',
    'VERSION_MISMATCH',
    'EVENT_NOT_ALLOWED',
    'EXCLUDED_BY_CONFLICT',
  )
  score(
    @CurrentPrincipal() p: Principal,
    @Param('caseId', CASE_ID) caseId: string,
    @Param('bidId', new IdPipe('bid')) bidId: string,
    @Body() dto: ScoreInputDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.evaluation.recordScores(callerOf(p), caseId, bidId, dto, parseIfMatch(ifMatch));
  }
}
