import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { FeedRepository, FeedRow } from './feed.repository';
import { FeedCursorCodec } from './feed-cursor';
import { audienceOf, FeedItemView, FeedReader, NewFeedItem, scopeOf } from './feed.types';

export interface FeedPage {
  items: FeedItemView[];
  /** always set: the feed goes on; pass it as `after` to read what comes next */
  nextCursor: string;
}

export function feedItemView(r: FeedRow): FeedItemView {
  return { id: r.id, at: r.at.toISOString(), type: r.type, caseId: r.caseId, ocid: r.ocid, data: r.data };
}

/** The change feed: written in the transaction of each change, read in commit-visible order. */
@Injectable()
export class FeedService {
  private readonly cursors: FeedCursorCodec;

  constructor(
    private readonly repo: FeedRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new FeedCursorCodec(config.jwtSecret);
  }

  /** Appends an item in the caller's transaction: a rolled-back change leaves no item. */
  async append(tx: EntityManager, item: NewFeedItem): Promise<string> {
    const id = randomUUID();
    const audience = audienceOf(item.type);
    await this.repo.insert(tx, {
      id,
      at: item.at ?? this.clock.now(),
      type: item.type,
      caseId: item.caseId,
      ocid: item.ocid,
      audience,
      consortiumId: item.consortiumId,
      providerId: 'providerId' in item ? item.providerId : null,
      data: item.data ?? {},
    });
    return id;
  }

  /** Placed items after a position, for a consumer inside its own transaction (webhook fan-out). */
  placedAfter(tx: EntityManager, after: bigint, limit: number): Promise<FeedRow[]> {
    return this.repo.placedAfter(tx, after, limit);
  }

  /** One page of what this reader may see, after a cursor (or from the start). */
  async read(reader: FeedReader | null, after: string | undefined, limit: number): Promise<FeedPage> {
    const from = after ? this.cursors.decode(after) : 0n;
    const { rows, top } = await this.repo.page(scopeOf(reader), from, limit);
    // a full page ends at its last item; a short one read everything placed up to `top`
    const last = rows.length === limit ? rows[rows.length - 1].position : top > from ? top : from;
    return { items: rows.map(feedItemView), nextCursor: this.cursors.encode(last) };
  }
}
