import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'consortia' })
export class ConsortiumEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export const PROVIDER_KINDS = ['gp_practice', 'nhs_trust', 'independent', 'social_enterprise'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** A provider's registered or principal address (OCDS Address fields), as notices name it. */
export interface PostalAddress {
  streetAddress: string;
  locality: string;
  region?: string;
  postalCode: string;
  countryName: string;
}

/** NHS Organisation Data Service code: 3 to 10 upper-case letters and digits (e.g. `Y01234`, `RJ1`). */
export const ODS_CODE = /^[A-Z0-9]{3,10}$/;
/** Companies House number: 8 digits, or 2 letters and 6 digits (`SC123456`, `OC301234`). */
export const COMPANIES_HOUSE_NUMBER = /^([0-9]{8}|[A-Z]{2}[0-9]{6})$/;
/** A UK postcode (outward and inward code, the space optional). */
export const UK_POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i;

@Entity({ name: 'providers' })
export class ProviderEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: ProviderKind;
  @Column({ name: 'member_of_consortium_id', type: 'uuid', nullable: true }) memberOfConsortiumId: string | null;
  @Column({ type: 'jsonb', nullable: true }) address: PostalAddress | null;
  @Column({ name: 'ods_code', type: 'text', nullable: true }) odsCode: string | null;
  @Column({ name: 'companies_house_number', type: 'text', nullable: true }) companiesHouseNumber: string | null;
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
