import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'consortia' })
export class ConsortiumEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export const PROVIDER_KINDS = ['gp_practice', 'nhs_trust', 'independent', 'social_enterprise'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

@Entity({ name: 'providers' })
export class ProviderEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: ProviderKind;
  @Column({ name: 'member_of_consortium_id', type: 'uuid', nullable: true }) memberOfConsortiumId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** Roles the directory grants; `admin` is never stored (an admin token needs no directory entry). */
export const DIRECTORY_ROLES = ['commissioner', 'governance', 'provider'] as const;
export type DirectoryRole = (typeof DIRECTORY_ROLES)[number];

@Entity({ name: 'people' })
export class PersonEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) email: string;
  @Column({ name: 'consortium_id', type: 'uuid', nullable: true }) consortiumId: string | null;
  @Column({ name: 'provider_id', type: 'uuid', nullable: true }) providerId: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) roles: DirectoryRole[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export const RELATIONSHIPS = ['partner', 'salaried_gp', 'director', 'shareholder', 'employee', 'family'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

@Entity({ name: 'affiliations' })
export class AffiliationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ name: 'provider_id', type: 'uuid' }) providerId: string;
  @Column({ type: 'text' }) relationship: Relationship;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
