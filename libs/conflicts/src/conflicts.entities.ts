import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InterestCategory, Mitigation } from '@makebuy/domain';

/** A register entry: an interest a person declared (public, see the register of interests). */
@Entity({ name: 'interests' })
export class InterestEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ type: 'text' }) category: InterestCategory;
  @Column({ name: 'provider_id', type: 'uuid', nullable: true }) providerId: string | null;
  @Column({ type: 'text' }) description: string;
  /** YYYY-MM-DD */
  @Column({ name: 'starts_on', type: 'date' }) startsOn: string;
  @Column({ name: 'ends_on', type: 'date', nullable: true }) endsOn: string | null;
  @Column({ name: 'declared_at', type: 'timestamptz' }) declaredAt: Date;
}

/** "Nothing (further) to declare": counts as a person's annual declaration. */
@Entity({ name: 'nil_returns' })
export class NilReturnEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ name: 'declared_at', type: 'timestamptz' }) declaredAt: Date;
}

@Entity({ name: 'annual_declaration_status' })
export class AnnualDeclarationStatusEntity {
  @PrimaryColumn({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ name: 'last_declared_at', type: 'timestamptz', nullable: true }) lastDeclaredAt: Date | null;
  @Column({ name: 'overdue_since', type: 'timestamptz', nullable: true }) overdueSince: Date | null;
  @Column({ name: 'reminded_at', type: 'timestamptz', nullable: true }) remindedAt: Date | null;
  @Column({ name: 'checked_at', type: 'timestamptz' }) checkedAt: Date;
}

/** A panel member's declaration for one case, and governance's review of it. */
@Entity({ name: 'declarations' })
export class DeclarationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ name: 'interest_ids', type: 'uuid', array: true }) interestIds: string[];
  @Column({ name: 'nil_return', type: 'boolean' }) nilReturn: boolean;
  @Column({ name: 'declared_at', type: 'timestamptz' }) declaredAt: Date;
  @Column({ type: 'text', nullable: true }) mitigation: Mitigation | null;
  @Column({ name: 'review_note', type: 'text', nullable: true }) reviewNote: string | null;
  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true }) reviewedBy: string | null;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt: Date | null;
  /** set when a newer declaration, or leaving the panel, replaces it */
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt: Date | null;
}

/** A link between a panel member and a provider relevant to the case, as detected. */
@Entity({ name: 'detected_conflicts' })
export class DetectedConflictEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ name: 'provider_id', type: 'uuid' }) providerId: string;
  @Column({ type: 'text', nullable: true }) relationship: string | null;
  @Column({ name: 'interest_id', type: 'uuid', nullable: true }) interestId: string | null;
  @Column({ type: 'text' }) reason: string;
  @Column({ name: 'detected_at', type: 'timestamptz' }) detectedAt: Date;
}

export const CONFLICTS_ENTITIES = [
  InterestEntity,
  NilReturnEntity,
  AnnualDeclarationStatusEntity,
  DeclarationEntity,
  DetectedConflictEntity,
];
