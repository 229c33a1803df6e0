import { Module } from '@nestjs/common';
import { AuthModule } from '@makebuy/auth';
import { FeedModule } from '@makebuy/feed';
import { FeedController } from './feed.controller';

/** GET /feed. */
@Module({
  imports: [FeedModule, AuthModule],
  controllers: [FeedController],
})
export class FeedHttpModule {}
