import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@makebuy/auth';
import { NoticesService, RegistersService } from '@makebuy/transparency';
import { ApiProblems, ApiSignedIn } from '../http/api-problems.decorator';
import { PageQuery } from '../http/page-query.dto';
import { IdPipe } from '../http/uuid.pipe';
import { CaseAccessGuard } from '../http/case-access.guard';
import {
  AnnualSummaryDto,
  AuditVerificationDto,
  DecisionRecordDto,
  DecisionRecordPageDto,
  DecisionRegisterQuery,
  NoticeDto,
  NoticePageDto,
  NoticeRegisterQuery,
  SummaryQuery,
} from './transparency.dto';

@ApiTags('cases')
@Controller('cases/:id/notices')
@UseGuards(CaseAccessGuard)
export class CaseNoticesController {
  constructor(private readonly notices: NoticesService) {}

  @Get()
  @ApiOperation({
    summary: "A case's published notices, oldest first (the case's readers)",
    description:
      'tender_notice, intention_to_award, award_confirmation, cancellation; a correction names the notice it corrects.',
  })
  @ApiOkResponse({ type: NoticePageDto })
  @ApiSignedIn('NOT_FOUND', 'VALIDATION_FAILED')
  list(@Param('id', new IdPipe('case')) id: string, @Query() q: PageQuery) {
    return this.notices.caseNotices(id, { limit: q.limit ?? 50, cursor: q.cursor });
  }
}

@ApiTags('registers')
@Controller('registers')
export class TransparencyRegistersController {
  constructor(
    private readonly notices: NoticesService,
    private readonly registers: RegistersService,
  ) {}

  @Get('notices')
  @Public()
  @ApiOperation({
    summary: 'Published notices, newest first (public, no sign-in)',
    description: 'Immutable: a changed fact is a new notice whose `corrects` names the one it corrects.',
  })
  @ApiOkResponse({ type: NoticePageDto })
  @ApiProblems('VALIDATION_FAILED')
  publicNotices(@Query() q: NoticeRegisterQuery) {
    return this.notices.publicNotices({
      consortiumId: q.consortiumId,
      type: q.type,
      limit: q.limit ?? 50,
      cursor: q.cursor,
    });
  }

  @Get('notices/:noticeId')
  @Public()
  @ApiOperation({ summary: 'One published notice (public)' })
  @ApiOkResponse({ type: NoticeDto })
  @ApiProblems('NOT_FOUND')
  notice(@Param('noticeId', new IdPipe('notice')) id: string) {
    return this.notices.notice(id);
  }

  @Get('decisions')
  @Public()
  @ApiOperation({
    summary: 'The register of procurement decisions (public, regulation 24)',
    description:
      'One record per case that reached standstill, was awarded, ended unsuccessful, or was cancelled after ' +
      'publication; latest decision first. Computed from the case records when read: who decided, the conflicts ' +
      'and how they were managed, the criteria, the bids received, the result and the representations. Never an ' +
      'e-mail address, a losing price, a bid id or anything sealed.',
  })
  @ApiOkResponse({ type: DecisionRecordPageDto })
  @ApiProblems('VALIDATION_FAILED')
  decisions(@Query() q: DecisionRegisterQuery) {
    return this.registers.decisions({
      consortiumId: q.consortiumId,
      year: q.year,
      limit: q.limit ?? 50,
      cursor: q.cursor,
    });
  }

  @Get('decisions/summary')
  @Public()
  @ApiOperation({
    summary: 'The annual summary (public, regulation 25)',
    description:
      'For a calendar year: contracts awarded per route, new providers, providers who held a contract the year ' +
      'before and none this year, representations received and their outcomes.',
  })
  @ApiOkResponse({ type: AnnualSummaryDto })
  @ApiProblems('VALIDATION_FAILED')
  summary(@Query() q: SummaryQuery) {
    return this.registers.summary({ consortiumId: q.consortiumId, year: q.year });
  }

  @Get('decisions/:caseId')
  @Public()
  @ApiOperation({ summary: "One case's record of decision (public)" })
  @ApiOkResponse({ type: DecisionRecordDto })
  @ApiProblems('NOT_FOUND')
  decision(@Param('caseId', new IdPipe('case')) caseId: string) {
    return this.registers.decision(caseId);
  }

  @Get('decisions/:caseId/verification')
  @Public()
  @ApiOperation({
    summary: "The case's audit chain, recomputed (public)",
    description: 'Whether every audit row still hashes to the next, how many there are, and the latest hash.',
  })
  @ApiOkResponse({ type: AuditVerificationDto })
  @ApiProblems('NOT_FOUND')
  verification(@Param('caseId', new IdPipe('case')) caseId: string) {
    return this.registers.verification(caseId);
  }
}
