import { Controller, Get, Headers, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthGuard, Public } from '@makebuy/auth';
import { FeedService } from '@makebuy/feed';
import { ApiProblems } from '../http/api-problems.decorator';
import { FeedPageDto, FeedQuery } from './feed.dto';

@ApiTags('feed')
@Controller('feed')
export class FeedController {
  constructor(
    private readonly feed: FeedService,
    private readonly auth: AuthGuard,
  ) {}

  @Get()
  @Public()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'The change feed, in commit order',
    description:
      "Without a token: public events (tender.published, tender.updated, tender.closed, award.intended, award.confirmed, case.cancelled). A provider user also sees its own bid.received, debrief.published and representation.resolved; commissioners and governance also their consortium's case.transitioned, flag.raised, flag.resolved and deadline.breached. A reader that follows `nextCursor` never misses an item and never sees one twice.",
  })
  @ApiOkResponse({ type: FeedPageDto })
  @ApiProblems('UNAUTHENTICATED', 'VALIDATION_FAILED')
  async read(@Query() q: FeedQuery, @Headers('authorization') authorization?: string) {
    // the token is optional here; one that is sent must be valid
    const reader = authorization ? await this.auth.authenticate(authorization) : null;
    return this.feed.read(reader, q.after, q.limit ?? 50);
  }
}
