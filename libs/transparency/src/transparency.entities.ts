import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NoticeType } from './notice-builders';

/** A published notice. Immutable: the database refuses UPDATE and DELETE; a correction is a new row. */
@Entity({ name: 'notices' })
export class NoticeEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'consortium_id', type: 'uuid' }) consortiumId: string;
  @Column({ type: 'text' }) ocid: string;
  @Column({ type: 'text' }) type: NoticeType;
  @Column({ name: 'published_at', type: 'timestamptz' }) publishedAt: Date;
  @Column({ type: 'uuid', nullable: true }) corrects: string | null;
  @Column({ type: 'jsonb' }) content: Record<string, unknown>;
  @Column({ type: 'text' }) text: string;
  /** the case version after the transition that published it */
  @Column({ name: 'case_version', type: 'int' }) caseVersion: number;
}

/** Which cases the register of decisions lists, and when each was last decided (the record itself is
 * computed from the case when read). */
@Entity({ name: 'decision_records' })
export class DecisionRecordEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'consortium_id', type: 'uuid' }) consortiumId: string;
  @Column({ name: 'decided_at', type: 'timestamptz' }) decidedAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

export const TRANSPARENCY_ENTITIES = [NoticeEntity, DecisionRecordEntity];
