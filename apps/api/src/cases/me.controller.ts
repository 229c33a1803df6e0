import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@makebuy/auth';
import { CaseTasks } from '@makebuy/case-workflow';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { PageQuery } from '../http/page-query.dto';
import { TaskPageDto } from './case.dto';

@ApiTags('cases')
@Controller('me')
export class MeController {
  constructor(private readonly tasks: CaseTasks) {}

  @Get('tasks')
  @ApiOperation({
    summary: 'What waits for the caller: its tasks across cases, soonest due first (none last)',
    description:
      "Kinds: `declare` (a panel member without a declaration, in conflict_check); `review_declaration` (governance, per unreviewed declaration); `complete_conflict_check` (governance, once every declaration is reviewed); `decide_route` (panel commissioners not excluded from decisions, in route_decision); `answer_question` (the creator and the panel, per unanswered question); `score_bids` (an unexcluded evaluator with a live bid it has not scored); `propose_award` (panel commissioners not excluded from decisions, once scoring is complete); `resolve_flag` (governance, per open blocking flag of the current proposal); `approve_award` (governance, in governance_review once no blocking flag is open); `resolve_representation` (governance, per open representation). A governance officer with a consortiumId gets only its consortium's. Providers have none. `ref` is the declaration, question, flag or representation id. A task disappears once done.",
  })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiSignedIn('VALIDATION_FAILED')
  list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery): Promise<TaskPageDto> {
    return this.tasks.page(p, { limit: q.limit ?? 50, cursor: q.cursor });
  }
}
