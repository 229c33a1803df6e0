import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@makebuy/auth';
import { BidQueries } from '@makebuy/tendering';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { callerOf } from '../http/caller';
import { MyBidPageDto, PageQuery } from './tendering.dto';

@ApiTags('tenders')
@Controller('bids')
export class MyBidsController {
  constructor(private readonly bids: BidQueries) {}

  @Get()
  @Roles('provider')
  @ApiOperation({
    summary: "Your organisation's bids across tenders (provider), newest first",
    description:
      'Each with the case state and the outcome, your representations, and from the intention to award on your own scores and the winning score.',
  })
  @ApiOkResponse({ type: MyBidPageDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery) {
    return this.bids.myBids(callerOf(p), { limit: q.limit ?? 50, cursor: q.cursor });
  }
}
