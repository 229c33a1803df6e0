import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import {
  CANCEL_REASON_CODES,
  CancelReasonCode,
  CASE_STATES,
  CaseState,
  CLIENT_EVENT_TYPES,
  CRITERION_KEYS,
  CriterionKey,
  cpvProblem,
  PSR_MAKE_PROCESSES,
  PsrMakeProcess,
  TRACKS,
  Track,
} from '@makebuy/domain';

import { ConflictCheckDto, DeclarationDto, DetectedConflictDto, PanelMemberViewDto } from '../conflicts/conflicts.dto';
import { AwardChecksViewDto, FlagDto } from '../flags/flag.dto';
import { PageQuery } from '../http/page-query.dto';
import { TASK_KINDS, type TaskKind } from '@makebuy/case-workflow';
import { HasAtMostTwoDecimals } from '../http/validation';
import { ApiNullableEnum, ApiNullableRef } from '../http/api-schema';

export const SETTINGS = ['secondary', 'community', 'primary'] as const;

export class MoneyDto {
  @ApiProperty({ example: 250000 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @HasAtMostTwoDecimals()
  @Min(0)
  @Max(1e12)
  amount: number;
  @ApiProperty({ enum: ['GBP'] }) @Equals('GBP', { message: 'currency must be GBP' }) currency: 'GBP';
}

@ValidatorConstraint({ name: 'cpvCode' })
class CpvCode implements ValidatorConstraintInterface {
  validate(v: unknown) {
    return cpvProblem(v) === null;
  }
  defaultMessage(args?: { value: unknown }) {
    return `cpvCode: ${cpvProblem(args?.value) ?? 'invalid'}`;
  }
}

export class CreateCaseDto {
  @ApiProperty({ example: 'Community dermatology redesign' }) @IsString() @IsNotEmpty() @MaxLength(300) title: string;
  @ApiProperty({ example: 'Dermatology' }) @IsString() @IsNotEmpty() @MaxLength(200) serviceName: string;
  @ApiPropertyOptional({ description: 'what is being bought, shown in the tender', maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;
  @ApiPropertyOptional({
    example: '85121200-5',
    pattern: '^\\d{8}-\\d$',
    description: 'Common Procurement Vocabulary code; the check digit is verified',
  })
  @IsOptional()
  @Validate(CpvCode)
  cpvCode?: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() consortiumId: string;
  @ApiProperty({ enum: SETTINGS }) @IsIn(SETTINGS) fromSetting: string;
  @ApiProperty({ enum: SETTINGS }) @IsIn(SETTINGS) toSetting: string;
  @ApiProperty({ type: MoneyDto }) @ValidateNested() @Type(() => MoneyDto) estimatedAnnualValue: MoneyDto;
  @ApiProperty({ example: 36 }) @IsInt() @Min(1) @Max(240) termMonths: number;
  @ApiProperty({ enum: TRACKS }) @IsIn(TRACKS) track: Track;
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  panelPersonIds: string[];
}

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CASE_STATES }) @IsOptional() @IsIn(CASE_STATES) state?: CaseState;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() consortiumId?: string;
  @ApiPropertyOptional({ enum: ['me'], description: 'only cases with a task of the caller (GET /me/tasks)' })
  @IsOptional()
  @IsIn(['me'])
  awaiting?: 'me';
  @ApiPropertyOptional({ description: 'words in the title or service name (each word a prefix)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class NextDeadlineDto {
  @ApiProperty() kind: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
}
/** One entry of GET /cases (the full view is GET /cases/{id}). */
export class CaseSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() ocid: string;
  @ApiProperty() title: string;
  @ApiProperty() serviceName: string;
  @ApiProperty({ format: 'uuid' }) consortiumId: string;
  @ApiProperty({ enum: CASE_STATES }) state: CaseState;
  @ApiProperty({ enum: ['fast', 'standard'] }) track: string;
  @ApiNullableEnum(['competitive', 'direct_award_c', 'most_suitable_provider']) route: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiNullableRef(NextDeadlineDto, { description: 'the next pending stage deadline' })
  nextDeadline: NextDeadlineDto | null;
}
export class CaseSummaryPageDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items: CaseSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class TaskDto {
  @ApiProperty({ enum: TASK_KINDS }) kind: TaskKind;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() caseTitle: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) dueAt: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the declaration, question, flag or representation the task is about',
  })
  ref: string | null;
}
export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) items: TaskDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class PanelMemberDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() personId: string;
}

// ---- events ----

export class EventTypeDto {
  @ApiProperty({ enum: CLIENT_EVENT_TYPES }) @IsIn(CLIENT_EVENT_TYPES) type: string;
}
export class BareEventDto {
  @ApiProperty({ enum: ['SUBMIT', 'COMPLETE_CONFLICT_CHECK'] }) @IsIn(CLIENT_EVENT_TYPES) type: string;
}
export class DecideMakeDto {
  @ApiProperty({ enum: ['DECIDE_MAKE'] }) @IsIn(['DECIDE_MAKE']) type: 'DECIDE_MAKE';
  @ApiProperty({ type: [String], format: 'uuid', description: 'member practices of the case consortium' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  providerIds: string[];
  @ApiProperty({ enum: PSR_MAKE_PROCESSES }) @IsIn(PSR_MAKE_PROCESSES) psrProcess: PsrMakeProcess;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(10000) justification: string;
}

@ValidatorConstraint({ name: 'weightsSumTo100' })
class WeightsSumTo100 implements ValidatorConstraintInterface {
  validate(v: unknown) {
    return Array.isArray(v) && v.reduce((s, c) => s + (typeof c?.weight === 'number' ? c.weight : NaN), 0) === 100;
  }
  defaultMessage() {
    return 'criteria weights must be integers summing to 100';
  }
}
@ValidatorConstraint({ name: 'distinctKeys' })
class DistinctKeys implements ValidatorConstraintInterface {
  validate(v: unknown) {
    return Array.isArray(v) && new Set(v.map((c) => c?.key)).size === v.length;
  }
  defaultMessage() {
    return 'each criterion key may appear once';
  }
}
export class CriterionDto {
  @ApiProperty({ enum: CRITERION_KEYS }) @IsIn(CRITERION_KEYS) key: CriterionKey;
  @ApiProperty({ minimum: 0, maximum: 100 }) @IsInt() @Min(0) @Max(100) weight: number;
}
export class DecideBuyDto {
  @ApiProperty({ enum: ['DECIDE_BUY'] }) @IsIn(['DECIDE_BUY']) type: 'DECIDE_BUY';
  @ApiProperty({ type: [CriterionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  @Validate(WeightsSumTo100)
  @Validate(DistinctKeys)
  criteria: CriterionDto[];
  @ApiPropertyOptional({ format: 'date-time', description: 'not before the policy minimum; default: the minimum' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  tenderClosesAt?: string;
}
export class ProposeAwardDto {
  @ApiProperty({ enum: ['PROPOSE_AWARD'] }) @IsIn(['PROPOSE_AWARD']) type: 'PROPOSE_AWARD';
  @ApiProperty({ format: 'uuid' }) @IsUUID() bidId: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(10000) justification: string;
}
export class ApproveAwardDto {
  @ApiProperty({ enum: ['APPROVE_AWARD'] }) @IsIn(['APPROVE_AWARD']) type: 'APPROVE_AWARD';
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(10000) note: string;
}
export class RejectAwardDto {
  @ApiProperty({ enum: ['REJECT_AWARD'] }) @IsIn(['REJECT_AWARD']) type: 'REJECT_AWARD';
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(10000) reason: string;
}
export class CancelDto {
  @ApiProperty({ enum: ['CANCEL'] }) @IsIn(['CANCEL']) type: 'CANCEL';
  @ApiProperty({ enum: CANCEL_REASON_CODES }) @IsIn(CANCEL_REASON_CODES) reasonCode: CancelReasonCode;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10000) note?: string;
}

export class AmendTenderDto {
  @ApiProperty({ enum: ['AMEND_TENDER'] }) @IsIn(['AMEND_TENDER']) type: 'AMEND_TENDER';
  @ApiProperty({
    format: 'date-time',
    description: 'the new closing instant: later than the current one, never earlier',
  })
  @IsISO8601({ strict: true, strictSeparator: true })
  tenderClosesAt: string;
  @ApiProperty({ description: 'why the tender is amended (published with the change)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  reason: string;
}

/** The payload class for each client event type. */
export const EVENT_DTOS: Record<string, new () => object> = {
  SUBMIT: BareEventDto,
  COMPLETE_CONFLICT_CHECK: BareEventDto,
  DECIDE_MAKE: DecideMakeDto,
  DECIDE_BUY: DecideBuyDto,
  PROPOSE_AWARD: ProposeAwardDto,
  APPROVE_AWARD: ApproveAwardDto,
  REJECT_AWARD: RejectAwardDto,
  CANCEL: CancelDto,
  AMEND_TENDER: AmendTenderDto,
};

export class DeadlineViewDto {
  @ApiProperty() kind: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ enum: ['pending', 'fired', 'cancelled', 'superseded'] }) status: string;
}

export class CaseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ocds-mkbuy1-5f0c...' }) ocid: string;
  @ApiProperty() title: string;
  @ApiProperty() serviceName: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String, example: '85121200-5' }) cpvCode: string | null;
  @ApiProperty({ format: 'uuid' }) consortiumId: string;
  @ApiProperty({ enum: SETTINGS }) fromSetting: string;
  @ApiProperty({ enum: SETTINGS }) toSetting: string;
  @ApiProperty({ type: MoneyDto }) estimatedAnnualValue: MoneyDto;
  @ApiProperty() termMonths: number;
  @ApiProperty({ enum: TRACKS }) track: string;
  @ApiNullableEnum(['competitive', 'direct_award_c', 'most_suitable_provider']) route: string | null;
  @ApiProperty({ enum: CASE_STATES, description: 'top-level state' }) state: string;
  @ApiProperty({
    description: 'full statechart value, e.g. {"standstill":"paused"}',
    oneOf: [{ type: 'string' }, { type: 'object' }],
  })
  stateValue: unknown;
  @ApiProperty({ description: 'optimistic-lock version; the ETag is "<version>"' }) version: number;
  @ApiProperty({ enum: CLIENT_EVENT_TYPES, isArray: true, description: 'events the caller may send now' })
  allowedEvents: string[];
  @ApiProperty({ type: [PanelMemberViewDto] }) panel: PanelMemberViewDto[];
  @ApiProperty({ type: [DeclarationDto] }) declarations: DeclarationDto[];
  @ApiProperty({
    type: [DetectedConflictDto],
    description: '[{ personId, providerId, relationship or interestId, declared }]',
  })
  detectedConflicts: DetectedConflictDto[];
  @ApiProperty({ type: [DeadlineViewDto] }) deadlines: DeadlineViewDto[];
  @ApiProperty({ type: [FlagDto] }) flags: FlagDto[];
  @ApiNullableRef(AwardChecksViewDto) awardChecks: AwardChecksViewDto | null;
  @ApiNullableRef(ConflictCheckDto, { description: 'while in conflict_check: why COMPLETE_CONFLICT_CHECK would fail' })
  conflictCheck: ConflictCheckDto | null;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'present once every unexcluded evaluator scored every bid',
  })
  ranking?: unknown[];
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) proposal: unknown;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) cancellation: unknown;
}

export class HistoryEntryDto {
  @ApiProperty() seq: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() actor: string;
  @ApiProperty() type: string;
  @ApiProperty({ nullable: true, type: String }) fromState: string | null;
  @ApiProperty() toState: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload: Record<string, unknown>;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;
}
export class HistoryPageDto {
  @ApiProperty({ type: [HistoryEntryDto] }) items: HistoryEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
export class ReceiptMismatchDto {
  @ApiProperty({ format: 'uuid' }) bidId: string;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty({ description: 'as recorded in BIDS_OPENED' }) openedSha256: string;
  @ApiProperty({ nullable: true, type: String, description: 'recomputed from the stored bid and its documents' })
  storedSha256: string | null;
}
export class BidReceiptsCheckDto {
  @ApiProperty({ description: 'tendering closed and BIDS_OPENED was written' }) opened: boolean;
  @ApiProperty() checked: number;
  @ApiProperty() valid: boolean;
  @ApiProperty({ type: [ReceiptMismatchDto] }) mismatches: ReceiptMismatchDto[];
}
export class HistoryVerifyDto {
  @ApiProperty({ description: 'the hash chain' }) valid: boolean;
  @ApiProperty() length: number;
  @ApiProperty({ nullable: true, type: Number }) firstInvalidSeq: number | null;
  @ApiProperty({ type: BidReceiptsCheckDto }) bidReceipts: BidReceiptsCheckDto;
}
