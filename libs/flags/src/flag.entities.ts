import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { FlagCode, FlagSeverity } from '@makebuy/domain';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v == null ? null : Number(v)) };

/** `superseded`: open when its proposal stopped standing, its case reached a final state, or (a
 * DEADLINE_BREACH) its stage was left; it blocks nothing and needs no resolution. */
export const FLAG_STATUSES = ['open', 'accepted', 'upheld', 'superseded'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];
export const FLAG_RESOLUTIONS = ['accepted', 'upheld'] as const;
export type FlagResolution = (typeof FLAG_RESOLUTIONS)[number];

/** A favouritism flag on one proposal of a case (or a deadline breach). */
@Entity({ name: 'flags' })
export class FlagEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'consortium_id', type: 'uuid' }) consortiumId: string;
  @Column({ name: 'proposal_seq', type: 'int' }) proposalSeq: number;
  @Column({ type: 'text' }) code: FlagCode;
  @Column({ type: 'text' }) severity: FlagSeverity;
  @Column({ type: 'text' }) status: FlagStatus;
  @Column({ type: 'text' }) summary: string;
  @Column({ type: 'jsonb' }) evidence: Record<string, unknown>;
  /** unique per case: raising the same finding twice is a no-op */
  @Column({ name: 'dedupe_key', type: 'text' }) dedupeKey: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'text', nullable: true }) resolution: FlagResolution | null;
  @Column({ type: 'text', nullable: true }) justification: string | null;
  @Column({ name: 'resolved_by', type: 'uuid', nullable: true }) resolvedBy: string | null;
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
}

export const AWARD_CHECK_RUN_STATUSES = ['running', 'failed', 'done', 'superseded'] as const;
export type AwardCheckRunStatus = (typeof AWARD_CHECK_RUN_STATUSES)[number];

/** One run of the award checks per entry to `award_checks` (its stageSeq). */
@Entity({ name: 'award_check_runs' })
export class AwardCheckRunEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' }) caseId: string;
  @PrimaryColumn({ name: 'stage_seq', type: 'int' }) stageSeq: number;
  @Column({ name: 'proposal_seq', type: 'int' }) proposalSeq: number;
  @Column({ type: 'text' }) status: AwardCheckRunStatus;
  /** attempts started by the worker */
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'blocking_flags', type: 'int', nullable: true }) blockingFlags: number | null;
  @Column({ name: 'advisory_flags', type: 'int', nullable: true }) advisoryFlags: number | null;
}

/** An award made (the case reached `awarded`): the history AWARD_CONCENTRATION looks back over. */
@Entity({ name: 'awards' })
export class AwardEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'consortium_id', type: 'uuid' }) consortiumId: string;
  @Column({ name: 'provider_ids', type: 'uuid', array: true }) providerIds: string[];
  @Column({ name: 'bid_id', type: 'uuid', nullable: true }) bidId: string | null;
  /** annual value: the bid's price (buy) or the case's estimated annual value (make) */
  @Column({ name: 'value_amount', type: 'numeric', transformer: numeric }) valueAmount: number;
  @Column({ type: 'text' }) route: string;
  @Column({ name: 'awarded_at', type: 'timestamptz' }) awardedAt: Date;
}
