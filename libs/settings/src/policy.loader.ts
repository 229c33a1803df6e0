import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsNumber, IsObject, Max, Min, ValidateNested, validateSync, ValidationError } from 'class-validator';
import type { PolicyBook } from '@makebuy/domain';
import { ConfigError } from './app-config';

class StagePolicySchema {
  @IsInt() @Min(1) quorum: number;
  @IsInt() @Min(1) declarationWindow: number;
  @IsInt() @Min(1) minimumTenderPeriod: number;
  @IsInt() @Min(0) clarificationCutoff: number;
  @IsInt() @Min(1) unansweredQuestionExtension: number;
  @IsInt() @Min(0) minimumBids: number;
  @IsInt() @Min(1) evaluationSla: number;
  @IsInt() @Min(1) governanceReviewSla: number;
  @IsInt() @Min(1) standstill: number;
  @IsInt() @Min(1) furtherStandstill: number;
  @IsInt() @Min(0) reminderLeadWorkingDays: number;
}
class TracksSchema {
  @ValidateNested() @Type(() => StagePolicySchema) fast: StagePolicySchema;
  @ValidateNested() @Type(() => StagePolicySchema) standard: StagePolicySchema;
}
class FlagSchema {
  @IsNumber() @Min(0) @Max(10) scoringBiasMargin: number;
  @IsNumber() @Min(0) @Max(1) concentrationShare: number;
  @IsInt() @Min(1) concentrationWindowMonths: number;
  @IsInt() @Min(1) concentrationMinimumEarlierAwards: number;
}
class AnnualSchema {
  @IsInt() @Min(1) maxAgeDays: number;
  @IsInt() @Min(1) newInterestDays: number;
}
class RegisterSchema {
  @IsInt() @Min(0) endedInterestVisibleMonths: number;
}
class PolicyBookSchema {
  @ValidateNested() @Type(() => TracksSchema) tracks: TracksSchema;
  @IsObject() routes: PolicyBook['routes'];
  @ValidateNested() @Type(() => FlagSchema) flags: FlagSchema;
  @ValidateNested() @Type(() => AnnualSchema) annualDeclaration: AnnualSchema;
  @ValidateNested() @Type(() => RegisterSchema) register: RegisterSchema;
}

function firstError(errors: ValidationError[], path = ''): string | null {
  for (const e of errors) {
    const p = path ? `${path}.${e.property}` : e.property;
    if (e.constraints) return `${p}: ${Object.values(e.constraints).join('; ')}`;
    const nested = firstError(e.children ?? [], p);
    if (nested) return nested;
  }
  return null;
}

const ROUTE_KEYS = ['competitive', 'direct_award_c', 'most_suitable_provider'] as const;
const STAGE_KEYS = [
  'quorum',
  'declarationWindow',
  'minimumTenderPeriod',
  'clarificationCutoff',
  'unansweredQuestionExtension',
  'minimumBids',
  'evaluationSla',
  'governanceReviewSla',
  'standstill',
  'furtherStandstill',
  'reminderLeadWorkingDays',
];

/** Validates a policy book (data from config/); throws ConfigError naming the bad entry. */
export function validatePolicy(data: unknown, source = 'POLICY_FILE'): PolicyBook {
  const book = plainToInstance(PolicyBookSchema, data);
  const err = firstError(validateSync(book, { forbidUnknownValues: false }));
  if (err) throw new ConfigError(source, err);
  for (const route of ROUTE_KEYS) {
    const r = (book.routes as Record<string, unknown>)?.[route] as Record<string, Record<string, unknown>> | undefined;
    if (!r || typeof r !== 'object') throw new ConfigError(source, `routes.${route} is missing`);
    for (const track of ['fast', 'standard']) {
      const o = r[track] ?? {};
      for (const [k, v] of Object.entries(o)) {
        if (!STAGE_KEYS.includes(k)) throw new ConfigError(source, `routes.${route}.${track}.${k} is not a policy key`);
        if (!Number.isInteger(v) || (v as number) < 0)
          throw new ConfigError(source, `routes.${route}.${track}.${k} must be a non-negative integer`);
      }
      r[track] = o;
    }
  }
  return JSON.parse(JSON.stringify(book)) as PolicyBook;
}

export function loadPolicy(file: string): PolicyBook {
  const path = isAbsolute(file) ? file : resolve(process.cwd(), file);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('POLICY_FILE', `cannot read policy from ${path}: ${(e as Error).message}`);
  }
  return validatePolicy(data);
}

export const POLICY_BOOK = Symbol('POLICY_BOOK');
