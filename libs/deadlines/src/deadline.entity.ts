import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const DEADLINE_STATUSES = ['pending', 'fired', 'cancelled', 'superseded'] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];
export type DeadlinePurpose = 'transition' | 'reminder';

/** The source of truth for every timer: BullMQ only carries a wake-up call for a row here. */
@Entity({ name: 'deadlines' })
export class DeadlineEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  /** a DeadlineKind, or `<kind>.reminder` for a reminder before a human stage's deadline */
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text' }) purpose: DeadlinePurpose;
  @Column({ name: 'stage_seq', type: 'int' }) stageSeq: number;
  @Column({ type: 'int', default: 0 }) revision: number;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt: Date;
  @Column({ type: 'text' }) status: DeadlineStatus;
  @Column({ name: 'job_id', type: 'text' }) jobId: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true }) settledAt: Date | null;
  /** last time the reconciler put the job (back) into Redis */
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true }) enqueuedAt: Date | null;
  /** how it settled (transition taken, why superseded, who cancelled it) */
  @Column({ type: 'text', nullable: true }) outcome: string | null;
  /** a reconciler's short claim on a due row, so several workers share the work */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true }) claimedUntil: Date | null;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
}

/** A human stage that ran past its service level, and who it was escalated to. */
@Entity({ name: 'escalations' })
export class EscalationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'deadline_id', type: 'uuid' }) deadlineId: string;
  @Column({ type: 'text' }) stage: string;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt: Date;
  @Column({ name: 'breached_at', type: 'timestamptz' }) breachedAt: Date;
  @Column({ name: 'escalated_to', type: 'uuid', array: true, default: () => `'{}'` }) escalatedTo: string[];
}
