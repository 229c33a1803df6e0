import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { CriterionKey } from '@makebuy/domain';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v == null ? null : Number(v)) };

/** A clarification question on a published tender; the asker is never shown to others. */
@Entity({ name: 'questions' })
export class QuestionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'provider_id', type: 'uuid' }) providerId: string;
  @Column({ name: 'asked_by', type: 'uuid' }) askedBy: string;
  @Column({ type: 'text' }) text: string;
  @Column({ name: 'asked_at', type: 'timestamptz' }) askedAt: Date;
  @Column({ type: 'text', nullable: true }) answer: string | null;
  @Column({ name: 'answered_by', type: 'uuid', nullable: true }) answeredBy: string | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt: Date | null;
}

export const BID_STATUSES = ['submitted', 'withdrawn', 'closed'] as const;
/** `submitted`: live; `withdrawn` by the bidder while tendering; `closed` when the case was cancelled or unsuccessful. */
export type BidStatus = (typeof BID_STATUSES)[number];

export type BidResponses = Partial<Record<CriterionKey, string>>;

/** A sealed bid: read by nobody but its bidder until tendering closes. */
@Entity({ name: 'bids' })
export class BidEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'provider_id', type: 'uuid' }) providerId: string;
  @Column({ name: 'submitted_by', type: 'uuid' }) submittedBy: string;
  @Column({ name: 'price_amount', type: 'numeric', transformer: numeric }) priceAmount: number;
  @Column({ type: 'text' }) currency: string;
  @Column({ type: 'jsonb' }) responses: BidResponses;
  @Column({ type: 'text' }) status: BidStatus;
  @Column({ type: 'int' }) revision: number;
  @Column({ name: 'submitted_at', type: 'timestamptz' }) submittedAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
}

export const BID_ACTIONS = ['submitted', 'revised', 'withdrawn'] as const;
export type BidAction = (typeof BID_ACTIONS)[number];

/** Every change to a bid appends a revision (who, when, what). */
@Entity({ name: 'bid_revisions' })
export class BidRevisionEntity {
  @PrimaryColumn({ name: 'bid_id', type: 'uuid' }) bidId: string;
  @PrimaryColumn({ type: 'int' }) revision: number;
  @Column({ type: 'text' }) action: BidAction;
  @Column({ name: 'price_amount', type: 'numeric', transformer: numeric }) priceAmount: number;
  @Column({ type: 'jsonb' }) responses: BidResponses;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ name: 'by_person', type: 'uuid' }) byPerson: string;
}

/** One evaluator's score sheet for one bid; a second sheet replaces the first. */
@Entity({ name: 'scores' })
export class ScoreEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'bid_id', type: 'uuid' }) bidId: string;
  @Column({ name: 'evaluator_id', type: 'uuid' }) evaluatorId: string;
  @Column({ type: 'jsonb' }) scores: Partial<Record<CriterionKey, number>>;
  @Column({ type: 'text' }) comment: string;
  @Column({ name: 'scored_at', type: 'timestamptz' }) scoredAt: Date;
}

export const REPRESENTATION_STATUSES = ['open', 'upheld', 'not_upheld'] as const;
export type RepresentationStatus = (typeof REPRESENTATION_STATUSES)[number];
export type RepresentationOutcome = Exclude<RepresentationStatus, 'open'>;

/** A written representation lodged by a bidder during standstill. */
@Entity({ name: 'representations' })
export class RepresentationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'provider_id', type: 'uuid' }) providerId: string;
  @Column({ name: 'lodged_by', type: 'uuid' }) lodgedBy: string;
  @Column({ type: 'text' }) text: string;
  @Column({ name: 'lodged_at', type: 'timestamptz' }) lodgedAt: Date;
  @Column({ type: 'text' }) status: RepresentationStatus;
  @Column({ type: 'text', nullable: true }) response: string | null;
  @Column({ name: 'resolved_by', type: 'uuid', nullable: true }) resolvedBy: string | null;
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
}
