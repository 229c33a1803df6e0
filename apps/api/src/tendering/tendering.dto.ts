import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { CASE_STATES, CRITERION_KEYS } from '@makebuy/domain';
import {
  BID_ACTIONS,
  BID_OUTCOMES,
  BID_STATUSES,
  REPRESENTATION_STATUSES,
  RepresentationOutcome,
  TENDER_STATUSES,
  TenderStatus,
} from '@makebuy/tendering';
import { CriterionDto, MoneyDto } from '../cases/case.dto';
import { PageQuery } from '../http/page-query.dto';
import { ApiNullableRef } from '../http/api-schema';
import { BidReceiptDto, DocumentDto } from '../documents/documents.dto';

const MAX_RESPONSE = 20000;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCriterionKey = (k: string) => (CRITERION_KEYS as readonly string[]).includes(k);

@ValidatorConstraint({ name: 'criterionResponses' })
class CriterionResponses implements ValidatorConstraintInterface {
  validate(v: unknown) {
    return (
      isPlainObject(v) &&
      Object.entries(v).every(
        ([k, x]) => isCriterionKey(k) && typeof x === 'string' && x.trim() !== '' && x.length <= MAX_RESPONSE,
      )
    );
  }
  defaultMessage() {
    return `responses must map criterion keys (${CRITERION_KEYS.join(', ')}) to non-empty text of at most ${MAX_RESPONSE} characters`;
  }
}

@ValidatorConstraint({ name: 'criterionScores' })
class CriterionScores implements ValidatorConstraintInterface {
  validate(v: unknown) {
    return (
      isPlainObject(v) &&
      Object.entries(v).every(
        ([k, x]) => isCriterionKey(k) && typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 10,
      )
    );
  }
  defaultMessage() {
    return `scores must map criterion keys (${CRITERION_KEYS.join(', ')}) to numbers from 0 to 10`;
  }
}

const criterionMap = (valueType: 'string' | 'number', description: string) =>
  ApiProperty({
    type: 'object',
    description,
    properties: Object.fromEntries(
      CRITERION_KEYS.map((k) => [
        k,
        valueType === 'number' ? { type: 'number', minimum: 0, maximum: 10 } : { type: 'string' },
      ]),
    ),
    additionalProperties: false,
  });

// ---- queries ----

export { PageQuery };

export class ListTendersQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: TENDER_STATUSES,
    description: 'OCDS tender status: active (published, not final), complete (awarded), cancelled, unsuccessful',
  })
  @IsOptional()
  @IsIn(TENDER_STATUSES)
  status?: TenderStatus;
}

// ---- requests ----

export class TextDto {
  @ApiProperty({ example: 'Is a weekend clinic expected?' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  text: string;
}

export class BidInputDto {
  @ApiProperty({ type: MoneyDto, description: 'the annual price' })
  @ValidateNested()
  @Type(() => MoneyDto)
  price: MoneyDto;
  @criterionMap('string', 'a response for every criterion of the tender, and no other')
  @IsObject()
  @Validate(CriterionResponses)
  responses: Record<string, string>;
}

export class ScoreInputDto {
  @criterionMap('number', 'a score from 0 to 10 for every criterion of the tender, and no other')
  @IsObject()
  @Validate(CriterionScores)
  scores: Record<string, number>;
  @ApiPropertyOptional({ example: 'Strong clinical model; pricing is high.' })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  comment?: string;
}

export class ResolveRepresentationDto {
  @ApiProperty({ enum: ['upheld', 'not_upheld'] }) @IsIn(['upheld', 'not_upheld']) outcome: RepresentationOutcome;
  @ApiProperty({ example: 'The evaluation followed the published criteria.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  response: string;
}

// ---- responses ----

export class TenderPeriodDto {
  @ApiProperty({ format: 'date-time', description: 'publication (DECIDE_BUY)' }) startDate: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'the closing instant; moves on while a question is unanswered',
  })
  endDate: string | null;
}

export class QuestionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() text: string;
  @ApiProperty({ format: 'date-time' }) askedAt: string;
  @ApiProperty({ nullable: true, type: String }) answer: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) answeredAt: string | null;
  @ApiProperty({ description: "true only for the asking provider's own users; nobody else learns who asked" })
  yours: boolean;
}

export class AnsweredQuestionDto extends QuestionDto {
  @ApiProperty({ description: 'the case version after the answer (use it in If-Match)' }) caseVersion: number;
}

export class BidRevisionDto {
  @ApiProperty() revision: number;
  @ApiProperty({ enum: BID_ACTIONS }) action: string;
  @ApiProperty({ type: MoneyDto }) price: MoneyDto;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class BidDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty() providerName: string;
  @ApiProperty({
    enum: BID_STATUSES,
    description: 'submitted: live; withdrawn; closed: the tender was cancelled or unsuccessful',
  })
  status: string;
  @ApiProperty({ type: MoneyDto, description: 'the annual price' }) price: MoneyDto;
  @criterionMap('string', 'the response to each criterion') responses: Record<string, string>;
  @ApiProperty({ description: 'grows with every revision and the withdrawal' }) revision: number;
  @ApiProperty({ format: 'date-time' }) submittedAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) withdrawnAt: string | null;
  @ApiProperty({ type: [DocumentDto], description: "the bid's attachments, every version (sealed like the bid)" })
  documents: DocumentDto[];
  @ApiPropertyOptional({ type: [BidRevisionDto], description: "the bidder's own view only" })
  revisions?: BidRevisionDto[];
  @ApiPropertyOptional({
    type: BidReceiptDto,
    description: "the bidder's own view only: the receipt of the sealed bid as it stands now",
  })
  receipt?: BidReceiptDto;
}

export class BidPageDto {
  @ApiProperty({ type: [BidDto] }) items: BidDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class TenderDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() ocid: string;
  @ApiProperty() title: string;
  @ApiProperty() serviceName: string;
  @ApiProperty({ nullable: true, type: String, description: 'what is being bought' }) description: string | null;
  @ApiProperty({ nullable: true, type: String, example: '85121200-5' }) cpvCode: string | null;
  @ApiProperty({ type: MoneyDto }) estimatedAnnualValue: MoneyDto;
  @ApiProperty() termMonths: number;
  @ApiProperty({
    type: [DocumentDto],
    description: 'the current version of each tender document (GET /cases/{id}/documents lists every version)',
  })
  documents: DocumentDto[];
  @ApiProperty({ type: [CriterionDto] }) criteria: CriterionDto[];
  @ApiProperty({ type: TenderPeriodDto }) tenderPeriod: TenderPeriodDto;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'questions close at this instant' })
  clarificationDeadline: string | null;
  @ApiProperty({ enum: TENDER_STATUSES, description: 'OCDS tender status' }) status: string;
  @ApiProperty({ description: 'bids may be submitted, revised or withdrawn now' }) acceptingBids: boolean;
  @ApiProperty({
    type: [QuestionDto],
    description:
      "answered questions; a provider also sees its own unanswered ones, the case's commissioners all of them",
  })
  questions: QuestionDto[];
  @ApiNullableRef(BidDto, { description: "the caller's organisation's current bid (provider users), else null" })
  myBid: BidDto | null;
}

export class TenderPageDto {
  @ApiProperty({ type: [TenderDto] }) items: TenderDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ScoreDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) bidId: string;
  @ApiProperty({ format: 'uuid' }) evaluatorId: string;
  @criterionMap('number', 'the score for each criterion') scores: Record<string, number>;
  @ApiProperty() comment: string;
  @ApiProperty({ nullable: true, type: Number, description: "this sheet's weighted score, 0..10" }) weightedScore:
    number | null;
  @ApiProperty({ format: 'date-time' }) scoredAt: string;
  @ApiProperty({ description: 'the case version after recording (use it in If-Match)' }) caseVersion: number;
}

export class ScoreSheetDto {
  @ApiProperty({ format: 'uuid' }) evaluatorId: string;
  @ApiProperty({ nullable: true, type: String }) evaluatorName: string | null;
  @criterionMap('number', 'the score for each criterion') scores: Record<string, number>;
  @ApiProperty() comment: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}
export class ScoreSheetPageDto {
  @ApiProperty({ type: [ScoreSheetDto] }) items: ScoreSheetDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RepresentationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty() text: string;
  @ApiProperty({ enum: REPRESENTATION_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time' }) lodgedAt: string;
  @ApiProperty({ nullable: true, type: String }) response: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolvedAt: string | null;
}

export class RepresentationChangeDto extends RepresentationDto {
  @ApiProperty({ description: 'the case version after the change (use it in If-Match)' }) caseVersion: number;
}

export class AssessmentCriterionDto {
  @ApiProperty({ enum: CRITERION_KEYS }) key: string;
  @ApiProperty() weight: number;
  @ApiProperty({ nullable: true, type: Number, description: "mean of the evaluators' scores, 0..10" }) score:
    number | null;
}

export class AssessmentDto {
  @ApiProperty({ type: [AssessmentCriterionDto] }) criteria: AssessmentCriterionDto[];
  @ApiProperty({ nullable: true, type: Number, description: "this bid's weighted score, 0..10" }) weightedScore:
    number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'the weighted score of the bid intended for (or given) the award',
  })
  winningWeightedScore: number | null;
}

export class DebriefCriterionDto {
  @ApiProperty({ enum: CRITERION_KEYS }) key: string;
  @ApiProperty() weight: number;
  @ApiProperty({ nullable: true, type: Number, description: "mean of the evaluators' scores, 0..10" }) score:
    number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'weight / 100 x score' }) weightedScore: number | null;
}

export class DebriefScoresDto {
  @ApiProperty({ type: [DebriefCriterionDto] }) criteria: DebriefCriterionDto[];
  @ApiProperty({ nullable: true, type: Number, description: 'the weighted total, as in the ranking' })
  weightedScore: number | null;
}

export class DebriefAwardeeDto {
  @ApiProperty() name: string;
}

export class DebriefDto {
  @ApiProperty({ type: [DebriefAwardeeDto] }) awardees: DebriefAwardeeDto[];
  @ApiProperty({ type: DebriefScoresDto }) ownScores: DebriefScoresDto;
  @ApiProperty({ type: DebriefScoresDto }) awardeeScores: DebriefScoresDto;
  @ApiProperty({ nullable: true, type: Number, description: "your bid's rank in the evaluation's ranking" })
  ownRank: number | null;
  @ApiProperty({ description: 'how many bids were evaluated' }) bids: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) standstillEndsAt: string | null;
  @ApiProperty({ description: 'where to make a representation (POST) before the standstill ends' })
  representationsTo: string;
}

export class MyBidTenderDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() ocid: string;
  @ApiProperty() title: string;
  @ApiProperty() serviceName: string;
  @ApiProperty({ enum: TENDER_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closesAt: string | null;
}

export class OpenedReceiptDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256: string;
  @ApiProperty({ format: 'date-time', description: 'when the bids were opened' }) at: string;
}

export class MyBidDto extends BidDto {
  @ApiProperty({ type: MyBidTenderDto }) tender: MyBidTenderDto;
  @ApiProperty({ enum: CASE_STATES }) caseState: string;
  @ApiProperty({
    enum: BID_OUTCOMES,
    description:
      'pending until the case is final; then awarded_to_you, not_awarded, cancelled or unsuccessful; withdrawn bids say so',
  })
  outcome: string;
  @ApiNullableRef(AssessmentDto, {
    description: 'from the intention to award (standstill) on: your scores and the winning score',
  })
  assessment: AssessmentDto | null;
  @ApiNullableRef(DebriefDto, {
    description:
      'from the intention to award on, for a live bid: the awardees, your and the awardee’s scores per criterion ' +
      '(weighted, the figures of the ranking), your rank, the number of bids, and when the standstill ends ' +
      '(make a representation with POST /cases/{caseId}/representations until then)',
  })
  debrief: DebriefDto | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'while the standstill runs: representations are accepted until this instant',
  })
  standstillEndsAt: string | null;
  @ApiProperty({ type: [RepresentationDto], description: 'your representations on this case' })
  representations: RepresentationDto[];
  @ApiProperty({
    type: OpenedReceiptDto,
    nullable: true,
    description: 'once tendering closed: the receipt recorded in BIDS_OPENED, to compare with the one you kept',
  })
  opened: OpenedReceiptDto | null;
}

export class MyBidPageDto {
  @ApiProperty({ type: [MyBidDto] }) items: MyBidDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RepresentationPageDto {
  @ApiProperty({ type: [RepresentationDto] }) items: RepresentationDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
