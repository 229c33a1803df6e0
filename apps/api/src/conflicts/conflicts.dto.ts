import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { INTEREST_CATEGORIES, InterestCategory, Mitigation, MITIGATIONS } from '@makebuy/domain';
import { isCalendarDate } from '@makebuy/conflicts';
import { PageQuery } from '../http/page-query.dto';
import { ApiNullableEnum, ApiNullableRef } from '../http/api-schema';

@ValidatorConstraint({ name: 'calendarDate' })
class CalendarDate implements ValidatorConstraintInterface {
  validate(v: unknown) {
    return isCalendarDate(v);
  }
  defaultMessage() {
    return 'must be a calendar date YYYY-MM-DD';
  }
}

export { PageQuery };

export class PublicRegisterQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'only interests naming this provider' })
  @IsOptional()
  @IsUUID()
  providerId?: string;
}

// ---- register of interests ----

export class DeclareInterestDto {
  @ApiProperty({ enum: INTEREST_CATEGORIES }) @IsIn(INTEREST_CATEGORIES) category: InterestCategory;
  @ApiPropertyOptional({ format: 'uuid', description: 'the provider the interest is in, if any' })
  @IsOptional()
  @IsUUID()
  providerId?: string;
  @ApiProperty({ example: 'Partner at Riverside Medical Practice (profit share)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  description: string;
  @ApiProperty({ format: 'date', example: '2024-04-01' }) @Validate(CalendarDate) startsOn: string;
  @ApiPropertyOptional({ format: 'date', example: '2025-03-31', description: 'not before startsOn' })
  @IsOptional()
  @Validate(CalendarDate)
  endsOn?: string;
}

export class InterestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ enum: INTEREST_CATEGORIES }) category: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) providerId: string | null;
  @ApiProperty({ nullable: true, type: String, description: "the provider's name" }) organisation: string | null;
  @ApiProperty() description: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) endsOn: string | null;
  @ApiProperty({ format: 'date-time' }) declaredAt: string;
}
export class InterestPageDto {
  @ApiProperty({ type: [InterestDto] }) items: InterestDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class NilReturnDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ format: 'date-time' }) declaredAt: string;
}

export class PublicInterestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Dr Paul Partner' }) name: string;
  @ApiProperty({
    example: 'commissioner/decision maker',
    description: "from the person's directory record: 'provider representative' or 'commissioner/decision maker'",
  })
  role: string;
  @ApiProperty({ enum: INTEREST_CATEGORIES }) category: string;
  @ApiProperty({ nullable: true, type: String, description: 'the provider the interest is in' }) organisation:
    string | null;
  @ApiProperty() description: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) endsOn: string | null;
  @ApiProperty({ format: 'date-time' }) declaredAt: string;
}
export class PublicInterestPageDto {
  @ApiProperty({ type: [PublicInterestDto] }) items: PublicInterestDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class OverdueDeclarationDto {
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'null: never declared' })
  lastDeclaredAt: string | null;
  @ApiProperty({ format: 'date-time', description: 'when the declaration fell due' }) overdueSince: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) remindedAt: string | null;
  @ApiProperty({ format: 'date-time', description: 'when the annual check last ran for this person' })
  checkedAt: string;
}
export class OverdueDeclarationPageDto {
  @ApiProperty({ type: [OverdueDeclarationDto] }) items: OverdueDeclarationDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

// ---- case panel ----

export class AddPanelMemberDto {
  @ApiProperty({ format: 'uuid', description: 'a person in the directory who does not act for a provider' })
  @IsUUID()
  personId: string;
}

// ---- case declarations ----

export class MakeDeclarationDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'your own register interests relevant to the case; empty for a nil return',
  })
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  interestIds: string[];
  @ApiProperty({ description: 'true: nothing to declare for this case (then interestIds must be empty)' })
  @IsBoolean()
  nilReturn: boolean;
}

export class ReviewDeclarationDto {
  @ApiProperty({ enum: MITIGATIONS, description: 'allowed on nil returns too' })
  @IsIn(MITIGATIONS)
  mitigation: Mitigation;
  @ApiProperty({ example: 'Partner in a member practice: excluded from evaluation' })
  @IsString()
  @MaxLength(10000)
  note: string;
}

export class DeclarationReviewDto {
  @ApiProperty({ enum: MITIGATIONS }) mitigation: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) reviewedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) reviewedAt: string | null;
  @ApiProperty() excludedFromDecision: boolean;
  @ApiProperty() excludedFromEvaluation: boolean;
}

export class DeclarationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ type: [String], format: 'uuid' }) interestIds: string[];
  @ApiProperty({ type: [InterestDto], description: 'the register entries the declaration names' })
  interests: InterestDto[];
  @ApiProperty() nilReturn: boolean;
  @ApiProperty({ format: 'date-time' }) declaredAt: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'set when a newer declaration, or leaving the panel, replaced it',
  })
  supersededAt: string | null;
  @ApiProperty({ description: "the member's current declaration for the case" }) current: boolean;
  @ApiNullableRef(DeclarationReviewDto, { description: 'null until governance reviews it' })
  review: DeclarationReviewDto | null;
}

// ---- the conflicts part of GET /cases/{id} (documented for clients) ----

export class PanelMemberViewDto {
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ format: 'date-time' }) addedAt: string;
  @ApiNullableEnum(MITIGATIONS, { description: 'from the reviewed current declaration' })
  mitigation: string | null;
  @ApiProperty() excludedFromDecision: boolean;
  @ApiProperty() excludedFromEvaluation: boolean;
  @ApiProperty({ description: 'has a current declaration for the case' }) declared: boolean;
  @ApiProperty({ description: 'the current declaration has been reviewed' }) reviewed: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) declarationId: string | null;
}

export class DetectedConflictDto {
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ nullable: true, type: String }) personName: string | null;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty({ nullable: true, type: String }) providerName: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'source affiliation: the relationship' })
  relationship: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'source interest: the register entry' })
  interestId: string | null;
  @ApiProperty({ enum: ['affiliation', 'interest'] }) source: string;
  @ApiProperty({
    enum: ['member_practices', 'make_providers', 'bidders_revealed'],
    description:
      'why the provider is relevant: a member practice of the consortium (from the start), named by a make decision, or a bidder (once tendering closed)',
  })
  reason: string;
  @ApiProperty({ description: "the member's current declaration names an interest in the provider" })
  declared: boolean;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'null: found now and not recorded yet (recorded on a panel change, declaration or review)',
  })
  detectedAt: string | null;
}

export class ConflictCheckDto {
  @ApiProperty({ description: 'every panel member has a reviewed current declaration' }) declarationsComplete: boolean;
  @ApiProperty({ type: [String], format: 'uuid', description: 'panel members with no current declaration' })
  missingDeclarations: string[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: '[{ personId, declarationId }] not reviewed' })
  unreviewed: { personId: string; declarationId: string }[];
  @ApiProperty() unexcludedDecisionMakers: number;
  @ApiProperty() quorum: number;
  @ApiProperty() quorumMet: boolean;
  @ApiProperty({
    enum: ['DECLARATIONS_INCOMPLETE', 'QUORUM_NOT_MET'],
    isArray: true,
    description: 'what COMPLETE_CONFLICT_CHECK would fail with now, in the order it is checked; empty: it can pass',
  })
  blockers: string[];
  @ApiProperty({ description: 'detected conflicts the member has not declared' }) undeclaredConflicts: number;
}

export class CaseConflictsPartDto {
  @ApiProperty({ type: [PanelMemberViewDto] }) panel: PanelMemberViewDto[];
  @ApiProperty({ type: [DeclarationDto], description: 'every declaration, superseded ones included' })
  declarations: DeclarationDto[];
  @ApiProperty({ type: [DetectedConflictDto] }) detectedConflicts: DetectedConflictDto[];
  @ApiNullableRef(ConflictCheckDto, {
    description: 'while in conflict_check: why COMPLETE_CONFLICT_CHECK would pass or fail',
  })
  conflictCheck: ConflictCheckDto | null;
}
