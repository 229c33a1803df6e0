import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FeedAudience, FeedType } from './feed.types';

/**
 * One change in the feed. Written without a position in the transaction of the change;
 * the sequencer gives it one after commit (see docs/feed.md).
 */
@Entity({ name: 'feed_items' })
export class FeedItemEntity {
  /** insertion order (internal; never shown) */
  @PrimaryGeneratedColumn({ type: 'bigint' }) seq: string;
  @Column({ type: 'uuid' }) id: string;
  /** commit-visible order; null until the sequencer has placed it */
  @Column({ type: 'bigint', nullable: true }) position: string | null;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text' }) type: FeedType;
  @Column({ name: 'case_id', type: 'uuid', nullable: true }) caseId: string | null;
  @Column({ type: 'text', nullable: true }) ocid: string | null;
  @Column({ type: 'text' }) audience: FeedAudience;
  @Column({ name: 'consortium_id', type: 'uuid', nullable: true }) consortiumId: string | null;
  @Column({ name: 'provider_id', type: 'uuid', nullable: true }) providerId: string | null;
  @Column({ type: 'jsonb' }) data: Record<string, unknown>;
}
