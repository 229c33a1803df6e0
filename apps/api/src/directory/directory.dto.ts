import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PROVIDER_KINDS, ProviderKind, RELATIONSHIPS, Relationship } from '@makebuy/directory';
import { PageQuery } from '../http/page-query.dto';

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
  @ApiProperty({ format: 'uuid', nullable: true }) memberOfConsortiumId: string | null;
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
}
export class PersonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ format: 'uuid', nullable: true }) consortiumId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) providerId: string | null;
  @ApiProperty({ type: () => [AffiliationDto] }) affiliations: AffiliationDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
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
