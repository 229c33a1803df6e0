import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import {
  CASE_STATES,
  type CaseState,
  FLAG_CODES,
  FLAG_SEVERITIES,
  type FlagCode,
  type FlagSeverity,
} from '@makebuy/domain';
import {
  AWARD_CHECK_RUN_STATUSES,
  FLAG_RESOLUTIONS,
  FLAG_STATUSES,
  type FlagResolution,
  type FlagStatus,
} from '@makebuy/flags';
import { PageQuery } from '../http/page-query.dto';
import { ApiNullableEnum } from '../http/api-schema';

export class FlagDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) consortiumId: string;
  @ApiProperty({
    description: "the proposal of the case the flag is about; only the current proposal's open blocking flags block",
  })
  proposalSeq: number;
  @ApiNullableEnum(CASE_STATES, { description: "the flag's case's state now" }) caseState: CaseState | null;
  @ApiProperty({ enum: FLAG_CODES }) code: FlagCode;
  @ApiProperty({ enum: FLAG_SEVERITIES }) severity: FlagSeverity;
  @ApiProperty({
    enum: FLAG_STATUSES,
    description:
      'superseded: open when its proposal stopped standing (rejected, the case went back), its case reached a final state, or (DEADLINE_BREACH) its stage was left; it blocks nothing and needs no resolution',
  })
  status: FlagStatus;
  @ApiProperty({ description: 'one sentence a governance officer can act on' }) summary: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'what was found, by code: who (personId, personName), which provider (providerId, providerName), ' +
      'which relationship or declared interests, which scores, and the numbers compared (scores, means, margins, shares)',
  })
  evidence: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiNullableEnum(FLAG_RESOLUTIONS) resolution: FlagResolution | null;
  @ApiProperty({ nullable: true, type: String }) justification: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'the governance officer' })
  resolvedBy: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) resolvedAt: string | null;
}

export class FlagPageDto {
  @ApiProperty({ type: [FlagDto] }) items: FlagDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** `awardChecks` on GET /cases/{id}: the latest run of the favouritism checks. */
export class AwardChecksViewDto {
  @ApiProperty() stageSeq: number;
  @ApiProperty() proposalSeq: number;
  @ApiProperty({
    enum: AWARD_CHECK_RUN_STATUSES,
    description:
      '`running` (queued or retrying), `failed` (last attempt failed; retried), `done`, `superseded` (the case left award_checks first)',
  })
  status: string;
  @ApiProperty({ description: 'attempts started by the worker' }) attempts: number;
  @ApiProperty({ nullable: true, type: String, description: 'why the last attempt failed' }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) blockingFlags: number | null;
  @ApiProperty({ nullable: true, type: Number }) advisoryFlags: number | null;
}

export class ListFlagsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: FLAG_STATUSES }) @IsOptional() @IsIn(FLAG_STATUSES) status?: FlagStatus;
  @ApiPropertyOptional({ enum: FLAG_CODES }) @IsOptional() @IsIn(FLAG_CODES) code?: FlagCode;
  @ApiPropertyOptional({ enum: FLAG_SEVERITIES }) @IsOptional() @IsIn(FLAG_SEVERITIES) severity?: FlagSeverity;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() consortiumId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() caseId?: string;
}

export class ListCaseFlagsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: FLAG_STATUSES }) @IsOptional() @IsIn(FLAG_STATUSES) status?: FlagStatus;
  @ApiPropertyOptional({ enum: FLAG_CODES }) @IsOptional() @IsIn(FLAG_CODES) code?: FlagCode;
}

export class ResolveFlagDto {
  @ApiProperty({
    enum: FLAG_RESOLUTIONS,
    description:
      '`accepted`: the finding is noted and the award may go on; `upheld`: the finding stands (an upheld blocking flag of the current proposal rejects the award: back to evaluation, or route_decision on the make route)',
  })
  @IsIn(FLAG_RESOLUTIONS)
  resolution: FlagResolution;
  @ApiProperty({ description: 'why (recorded on the flag and in the case history)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  justification: string;
}
