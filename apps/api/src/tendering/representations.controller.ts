import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@makebuy/auth';
import { RepresentationsService } from '@makebuy/tendering';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { IdPipe } from '../http/uuid.pipe';
import { callerOf } from '../http/caller';
import { parseIfMatch } from '../http/if-match';
import { PublicProcurementGuard } from './public-procurement.guard';
import {
  PageQuery,
  RepresentationChangeDto,
  RepresentationPageDto,
  ResolveRepresentationDto,
  TextDto,
} from './tendering.dto';

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'the case version you saw, as "<version>"; stale: 412',
});
const CASE_ID = new IdPipe('case');

/**
 * Standstill representations. Providers cannot see cases, so the case guard is not used here: a case
 * whose tender (buy) or intention to award (make) was never published is 404 for everyone, and each
 * action says who may take it.
 */
@ApiTags('cases')
@Controller('cases/:id/representations')
@UseGuards(PublicProcurementGuard)
export class RepresentationsController {
  constructor(private readonly representations: RepresentationsService) {}

  @Get()
  @ApiOperation({
    summary: "Representations on a case: the case's people see all; a bidder its own",
  })
  @ApiOkResponse({ type: RepresentationPageDto })
  @ApiSignedIn('NOT_FOUND', 'VALIDATION_FAILED')
  list(@CurrentPrincipal() p: Principal, @Param('id', CASE_ID) id: string, @Query() q: PageQuery) {
    return this.representations.list(callerOf(p), id, { limit: q.limit ?? 50, cursor: q.cursor });
  }

  @Post()
  @Roles('provider')
  @IF_MATCH
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({
    summary:
      'Lodge a written representation (buy route: a provider that bid; make route: any provider user); pauses the standstill',
    description:
      'Only during standstill and before it ends (while paused, further representations are accepted), else 422 WINDOW_CLOSED. On the buy route a provider that did not bid gets 403; on the make route (no tender) any provider user may make one. Audited as REPRESENTATION_LODGED; `stateValue` becomes {"standstill":"paused"}.',
  })
  @ApiCreatedResponse({ type: RepresentationChangeDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'VERSION_MISMATCH', 'WINDOW_CLOSED')
  lodge(
    @CurrentPrincipal() p: Principal,
    @Param('id', CASE_ID) id: string,
    @Body() dto: TextDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.representations.lodge(callerOf(p), id, dto.text, parseIfMatch(ifMatch));
  }

  @Post(':representationId/resolve')
  @HttpCode(200)
  @Roles('governance')
  @IF_MATCH
  @ApiOperation({
    summary: 'Resolve a representation (governance); audited as REPRESENTATION_RESOLVED',
    description:
      'upheld: back to evaluation (the bids and scores are kept). not_upheld: once none is open, a further standstill runs from now. A resolved representation: 409 CONFLICT.',
  })
  @ApiOkResponse({ type: RepresentationChangeDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'VERSION_MISMATCH', 'EVENT_NOT_ALLOWED', 'CONFLICT')
  resolve(
    @CurrentPrincipal() p: Principal,
    @Param('id', CASE_ID) id: string,
    @Param('representationId', new IdPipe('representation')) representationId: string,
    @Body() dto: ResolveRepresentationDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.representations.resolve(callerOf(p), id, representationId, dto, parseIfMatch(ifMatch));
  }
}
