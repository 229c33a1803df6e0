export * from './feed.types';
export type { FeedRow } from './feed.repository';
export * from './feed.service';
export * from './feed-sequencer.service';
export * from './feed.module';
