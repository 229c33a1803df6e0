import { Injectable } from '@nestjs/common';
import { FeedRepository } from './feed.repository';

const BATCH = 1_000;

/**
 * Places committed feed items (see docs/feed.md). Only committed rows are visible to it, and one
 * pass at a time holds the lock, so an item committed later always gets a larger position than
 * every item a reader could already have seen.
 */
@Injectable()
export class FeedSequencer {
  constructor(private readonly repo: FeedRepository) {}

  /** Places everything committed so far. Returns the count, or null if another pass was running. */
  async placeCommitted(): Promise<number | null> {
    let total = 0;
    for (;;) {
      const n = await this.repo.assignPositions(BATCH);
      if (n === null) return total || null;
      total += n;
      if (n < BATCH) return total;
    }
  }

  unplaced(): Promise<number> {
    return this.repo.unplacedCount();
  }
}
