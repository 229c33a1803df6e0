import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonObject } from '@makebuy/domain';

/** A published OCDS release. Rows are never updated or deleted (a trigger refuses it). */
@Entity({ name: 'ocds_releases' })
export class OcdsReleaseEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text' }) ocid: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  /** 1, 2, 3... within the ocid, in publication order */
  @Column({ type: 'int' }) seq: number;
  /** publication order across every ocid (paging) */
  @Column({ type: 'bigint', insert: false, update: false }) position: string;
  @Column({ type: 'text', array: true }) tags: string[];
  @Column({ type: 'timestamptz' }) date: Date;
  @Column({ type: 'jsonb' }) release: JsonObject;
  @Column({ name: 'published_at', type: 'timestamptz', insert: false, update: false }) publishedAt: Date;
}
