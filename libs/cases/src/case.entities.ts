import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CaseContext, CaseState, Track } from '@makebuy/domain';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v == null ? null : Number(v)) };

@Entity({ name: 'cases' })
export class CaseEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'text' }) ocid: string;
  @Column({ type: 'text' }) title: string;
  @Column({ name: 'service_name', type: 'text' }) serviceName: string;
  /** what is being bought (the tender's specification in words) */
  @Column({ type: 'text', nullable: true }) description: string | null;
  /** Common Procurement Vocabulary code, check digit validated */
  @Column({ name: 'cpv_code', type: 'text', nullable: true }) cpvCode: string | null;
  @Column({ name: 'consortium_id', type: 'uuid' }) consortiumId: string;
  @Column({ name: 'from_setting', type: 'text' }) fromSetting: string;
  @Column({ name: 'to_setting', type: 'text' }) toSetting: string;
  @Column({ name: 'estimated_annual_value', type: 'numeric', transformer: numeric }) estimatedAnnualValue: number;
  @Column({ type: 'text' }) currency: string;
  @Column({ name: 'term_months', type: 'int' }) termMonths: number;
  @Column({ type: 'text' }) track: Track;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ type: 'text' }) state: CaseState;
  @Column({ name: 'state_value', type: 'jsonb' }) stateValue: unknown;
  @Column({ type: 'jsonb' }) context: CaseContext;
  @Column({ type: 'jsonb' }) snapshot: unknown;
  @Column({ name: 'machine_version', type: 'int' }) machineVersion: number;
  @Column({ type: 'int' }) version: number;
  @Column({ name: 'needs_migration', type: 'boolean', default: false }) needsMigration: boolean;
  @Column({ name: 'migration_error', type: 'text', nullable: true }) migrationError: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  /** the audit chain's head: the last case_events row's seq and hash (0 and the genesis hash before the first) */
  @Column({ name: 'audit_seq', type: 'int', default: 0 }) auditSeq: number;
  @Column({ name: 'audit_head_hash', type: 'text' }) auditHeadHash: string;
}

@Entity({ name: 'case_events' })
export class CaseEventEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' }) caseId: string;
  @PrimaryColumn({ type: 'int' }) seq: number;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text' }) actor: string;
  @Column({ type: 'text' }) type: string;
  @Column({ name: 'from_state', type: 'text', nullable: true }) fromState: string | null;
  @Column({ name: 'to_state', type: 'text' }) toState: string;
  @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash: string;
  @Column({ type: 'text' }) hash: string;
}

@Entity({ name: 'case_panel' })
export class CasePanelEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' }) caseId: string;
  @PrimaryColumn({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ name: 'added_at', type: 'timestamptz' }) addedAt: Date;
  /** the case's consortium (a case never changes it): GET /cases finds a person's seats elsewhere by it */
  @Column({ name: 'consortium_id', type: 'uuid' }) consortiumId: string;
}
