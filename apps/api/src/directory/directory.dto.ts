import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import {
  DIRECTORY_ROLES,
  DirectoryRole,
  PROVIDER_KINDS,
  ProviderKind,
  RELATIONSHIPS,
  Relationship,
} from '@makebuy/directory';
import { PageQuery } from '../http/page-query.dto';
import { ApiUuid } from '../http/api-schema';

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
}
export class ProviderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PROVIDER_KINDS }) kind: ProviderKind;
  @ApiUuid({ nullable: true }) memberOfConsortiumId: string | null;
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
