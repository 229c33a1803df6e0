import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { NOTICE_TYPES, NoticeType } from '@makebuy/transparency';
import { PageQuery } from '../http/page-query.dto';
import { ApiNullableEnum, ApiNullableRef, ApiUuid } from '../http/api-schema';

export class NoticeRegisterQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() consortiumId?: string;
  @ApiPropertyOptional({ enum: NOTICE_TYPES }) @IsOptional() @IsIn(NOTICE_TYPES) type?: NoticeType;
}

export class DecisionRegisterQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() consortiumId?: string;
  @ApiPropertyOptional({ description: 'calendar year (Europe/London) of the latest decision', example: 2026 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2999)
  year?: number;
}

export class SummaryQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() consortiumId?: string;
  @ApiProperty({ description: 'calendar year (Europe/London)', example: 2026 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2999)
  year: number;
}

class MoneyDto {
  @ApiProperty() amount: number;
  @ApiProperty({ enum: ['GBP'] }) currency: 'GBP';
}

export class NoticeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() ocid: string;
  @ApiProperty({ enum: NOTICE_TYPES }) type: string;
  @ApiProperty({ format: 'date-time' }) publishedAt: string;
  @ApiUuid({ nullable: true, description: 'the notice this one corrects' })
  corrects: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'structured content by type. intention_to_award: title, reference (the ocid), awardees [{name, address, odsCode, ' +
      'companiesHouseNumber}], serviceDescription, cpvCode, lifetimeValue (Money), decisionMakers [{name, role, decisions}], ' +
      'reasons {justification, routeRationale, criteria?[{key, weight, awardeeWeightedScore}], awardeeWeightedScore?}, ' +
      'conflicts [{person, kind, interest, organisation, mitigation, reviewedBy}], route, standstillEndsAt, standstillPaused?, ' +
      'representationsTo {route, consortium}. tender_notice: title, reference, buyer, serviceName, serviceDescription, cpvCode, ' +
      'estimatedAnnualValue, termMonths, lifetimeValue, criteria, tenderPeriod {startDate, endDate}, reason?, bidsTo, questionsTo. ' +
      'award_confirmation: title, reference, awardees, route, lifetimeValue, awardedAt, contractPeriod {startDate, endDate}, ' +
      'intentionNoticeId. cancellation: title, reference, reasonCode, note, cancelledAt, stage.',
  })
  content: Record<string, unknown>;
  @ApiProperty({ description: 'the notice as a person reads it: Europe/London times, names, amounts in pounds' })
  text: string;
}

export class NoticePageDto {
  @ApiProperty({ type: [NoticeDto] }) items: NoticeDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

class DecisionMakerDto {
  @ApiProperty() name: string;
  @ApiProperty({ example: 'panel member' }) role: string;
  @ApiProperty({ type: [String] }) decisions: string[];
}
class ConflictDto {
  @ApiProperty() person: string;
  @ApiProperty({ enum: ['declared_interest', 'detected_conflict', 'nil_return', 'no_declaration'] }) kind: string;
  @ApiProperty({ nullable: true, type: String }) interest: string | null;
  @ApiProperty({ nullable: true, type: String }) organisation: string | null;
  @ApiProperty({ nullable: true, type: String }) mitigation: string | null;
  @ApiProperty({ nullable: true, type: String }) reviewedBy: string | null;
}
class AddressDto {
  @ApiProperty() streetAddress: string;
  @ApiProperty() locality: string;
  @ApiPropertyOptional() region?: string;
  @ApiProperty() postalCode: string;
  @ApiProperty() countryName: string;
}
class PublicProviderDto {
  @ApiProperty() name: string;
  @ApiNullableRef(AddressDto) address: AddressDto | null;
  @ApiProperty({ nullable: true, type: String }) odsCode: string | null;
  @ApiProperty({ nullable: true, type: String }) companiesHouseNumber: string | null;
}
class CriterionDto {
  @ApiProperty() key: string;
  @ApiProperty() weight: number;
}
class DecisionResultDto {
  @ApiProperty({ enum: ['standstill', 'awarded', 'unsuccessful', 'cancelled', 'reconsidering'] }) status: string;
  @ApiPropertyOptional({ type: [PublicProviderDto] }) awardees?: PublicProviderDto[];
  @ApiPropertyOptional({ type: MoneyDto, description: 'lifetime value: annual value x term' }) value?: MoneyDto;
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
}
class RepresentationOutcomeDto {
  @ApiProperty({ format: 'date-time' }) lodgedAt: string;
  @ApiProperty({ enum: ['open', 'upheld', 'not_upheld'] }) outcome: string;
}
class NoticeLinkDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTICE_TYPES }) type: string;
  @ApiProperty({ format: 'date-time' }) publishedAt: string;
  @ApiProperty() href: string;
}
class RecordLinksDto {
  @ApiProperty({ type: [NoticeLinkDto] }) notices: NoticeLinkDto[];
  @ApiProperty({ description: 'public recomputation of the case’s audit hash chain' }) auditVerification: string;
}
class ServiceDto {
  @ApiProperty() title: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) cpvCode: string | null;
}
class BidsReceivedDto {
  @ApiProperty() received: number;
}
class ConsortiumRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class DecisionRecordDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() ocid: string;
  @ApiProperty({ type: ConsortiumRefDto }) consortium: ConsortiumRefDto;
  @ApiProperty({ type: ServiceDto }) service: ServiceDto;
  @ApiNullableEnum(['competitive', 'direct_award_c', 'most_suitable_provider']) route: string | null;
  @ApiProperty({ nullable: true, type: String }) routeRationale: string | null;
  @ApiProperty({ type: [DecisionMakerDto] }) decisionMakers: DecisionMakerDto[];
  @ApiProperty({ type: [ConflictDto] }) conflicts: ConflictDto[];
  @ApiProperty({ type: [CriterionDto] }) criteria: CriterionDto[];
  @ApiPropertyOptional({ type: BidsReceivedDto, description: 'bids received when tendering closed' })
  bids?: BidsReceivedDto;
  @ApiProperty({ type: DecisionResultDto }) result: DecisionResultDto;
  @ApiProperty({ type: [RepresentationOutcomeDto] }) representations: RepresentationOutcomeDto[];
  @ApiProperty({ type: RecordLinksDto }) links: RecordLinksDto;
}

export class DecisionRecordPageDto {
  @ApiProperty({ type: [DecisionRecordDto] }) items: DecisionRecordDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

class NamedDto {
  @ApiProperty() name: string;
}
class PerRouteDto {
  @ApiProperty() competitive: number;
  @ApiProperty() direct_award_c: number;
  @ApiProperty() most_suitable_provider: number;
}
class SummaryRepresentationsDto {
  @ApiProperty() received: number;
  @ApiProperty() upheld: number;
  @ApiProperty() notUpheld: number;
  @ApiProperty() open: number;
}
export class AnnualSummaryDto {
  @ApiUuid({ nullable: true }) consortiumId: string | null;
  @ApiProperty() year: number;
  @ApiProperty({ description: 'contracts awarded in the year' }) contracts: number;
  @ApiProperty({ type: PerRouteDto }) contractsPerRoute: PerRouteDto;
  @ApiProperty({ type: [NamedDto], description: 'awarded a contract this year and none before' })
  newProviders: NamedDto[];
  @ApiProperty({ type: [NamedDto], description: 'held a contract the year before and none this year' })
  providersNoLongerContracted: NamedDto[];
  @ApiProperty({ type: SummaryRepresentationsDto, description: 'representations lodged in the year' })
  representations: SummaryRepresentationsDto;
}

export class AuditVerificationDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() valid: boolean;
  @ApiProperty() length: number;
  @ApiProperty({ nullable: true, type: Number }) firstInvalidSeq: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'hash of the latest audit row' }) headHash: string | null;
}
