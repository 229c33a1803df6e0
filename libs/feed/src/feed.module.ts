import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedItemEntity } from './feed-item.entity';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';
import { FeedSequencer } from './feed-sequencer.service';

/** The change feed: items written with each change, placed after commit, read by scope. */
@Module({
  imports: [TypeOrmModule.forFeature([FeedItemEntity])],
  providers: [FeedRepository, FeedService, FeedSequencer],
  exports: [FeedService, FeedSequencer],
})
export class FeedModule {}
