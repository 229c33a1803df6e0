import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  COMPANIES_HOUSE_NUMBER,
  DIRECTORY_ROLES,
  DirectoryRole,
  ODS_CODE,
  PROVIDER_KINDS,
  ProviderKind,
  RELATIONSHIPS,
  Relationship,
  UK_POSTCODE,
} from '@makebuy/directory';
import { PageQuery } from '../http/page-query.dto';
import { ApiNullableRef, ApiUuid } from '../http/api-schema';

export class CreateConsortiumDto {
  @ApiProperty({ example: 'North Riverside GP Consortium' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}
export class ConsortiumDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** A registered or principal address (OCDS Address fields). */
export class PostalAddressDto {
  @ApiProperty({ example: '1 Riverside Walk' }) @IsString() @IsNotEmpty() @MaxLength(300) streetAddress: string;
  @ApiProperty({ example: 'Riverton' }) @IsString() @IsNotEmpty() @MaxLength(100) locality: string;
  @ApiPropertyOptional({ example: 'Riversideshire' }) @IsOptional() @IsString() @MaxLength(100) region?: string;
  @ApiProperty({ example: 'RV1 2AB', description: 'a UK postcode' })
  @IsString()
  @Matches(UK_POSTCODE, { message: 'postalCode must be a UK postcode' })
  postalCode: string;
  @ApiProperty({ example: 'United Kingdom' }) @IsString() @IsNotEmpty() @MaxLength(100) countryName: string;
}

export class CreateProviderDto {
  @ApiProperty({ example: 'Riverside Medical Practice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
  @ApiProperty({ enum: PROVIDER_KINDS }) @IsIn(PROVIDER_KINDS) kind: ProviderKind;
  @ApiPropertyOptional({ format: 'uuid', description: 'set for member practices of a consortium' })
  @IsOptional()
  @IsUUID()
  memberOfConsortiumId?: string;
  @ApiPropertyOptional({ type: PostalAddressDto, description: 'registered or principal address (named in notices)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PostalAddressDto)
  address?: PostalAddressDto;
  @ApiPropertyOptional({ example: 'Y01234', description: 'NHS ODS code: 3 to 10 upper-case letters and digits' })
  @IsOptional()
  @IsString()
  @Matches(ODS_CODE, { message: 'odsCode must be 3 to 10 upper-case letters and digits' })
  odsCode?: string;
  @ApiPropertyOptional({
    example: '01234567',
    description: 'Companies House number: 8 digits, or 2 letters and 6 digits',
  })
  @IsOptional()
  @IsString()
  @Matches(COMPANIES_HOUSE_NUMBER, { message: 'companiesHouseNumber must be 8 digits, or 2 letters and 6 digits' })
  companiesHouseNumber?: string;
}
export class ProviderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PROVIDER_KINDS }) kind: ProviderKind;
  @ApiUuid({ nullable: true }) memberOfConsortiumId: string | null;
  @ApiNullableRef(PostalAddressDto) address: PostalAddressDto | null;
  @ApiProperty({ nullable: true, type: String }) odsCode: string | null;
  @ApiProperty({ nullable: true, type: String }) companiesHouseNumber: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
export class ListProvidersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() memberOfConsortiumId?: string;
  @ApiPropertyOptional({ enum: PROVIDER_KINDS }) @IsOptional() @IsIn(PROVIDER_KINDS) kind?: ProviderKind;
}
export class ProviderPageDto {
  @ApiProperty({ type: [ProviderDto] }) items: ProviderDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

const ROLES_DOC = {
  enum: DIRECTORY_ROLES,
  isArray: true,
  description:
    'roles the directory grants (admin is never stored). A person with a providerId may hold only provider; provider needs a providerId.',
} as const;

export class CreatePersonDto {
  @ApiProperty({ example: 'Dr Asha Patel' }) @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiProperty({ example: 'asha.patel@example.nhs.uk' }) @IsEmail() @MaxLength(320) email: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'for commissioners, governance officers and panel members' })
  @IsOptional()
  @IsUUID()
  consortiumId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'for provider users: the provider they act for' })
  @IsOptional()
  @IsUUID()
  providerId?: string;
  @ApiPropertyOptional({
    ...ROLES_DOC,
    description: `${ROLES_DOC.description} Omitted: provider with a providerId, else commissioner with a consortiumId, else none.`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(DIRECTORY_ROLES, { each: true })
  roles?: DirectoryRole[];
}
export class UpdatePersonDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(320) email?: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'null removes it' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID()
  consortiumId?: string | null;
  @ApiPropertyOptional(ROLES_DOC)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(DIRECTORY_ROLES, { each: true })
  roles?: DirectoryRole[];
}
export class ListPeopleQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DIRECTORY_ROLES }) @IsOptional() @IsIn(DIRECTORY_ROLES) role?: DirectoryRole;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() consortiumId?: string;
}
export class PersonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiUuid({ nullable: true }) consortiumId: string | null;
  @ApiUuid({ nullable: true }) providerId: string | null;
  @ApiProperty(ROLES_DOC) roles: DirectoryRole[];
  @ApiProperty({ type: () => [AffiliationDto] }) affiliations: AffiliationDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
export class PersonSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiUuid({ nullable: true }) consortiumId: string | null;
  @ApiUuid({ nullable: true }) providerId: string | null;
  @ApiProperty(ROLES_DOC) roles: DirectoryRole[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
export class PersonPageDto {
  @ApiProperty({ type: [PersonSummaryDto] }) items: PersonSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
export class CreateAffiliationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() providerId: string;
  @ApiProperty({ enum: RELATIONSHIPS }) @IsIn(RELATIONSHIPS) relationship: Relationship;
}
export class AffiliationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship: Relationship;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
