import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from '@makebuy/domain';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Codes only the HTTP layer gives (the request never reached the domain). */
export const HTTP_ONLY_CODES = ['PAYLOAD_TOO_LARGE', 'HEADERS_TOO_LARGE', 'INTERNAL'] as const;
export type ProblemCode = ErrorCode | (typeof HTTP_ONLY_CODES)[number];

/** HTTP status for each stable code (contract.md "Conventions"). */
export const STATUS_OF: Record<ProblemCode, number> = {
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  VALIDATION_FAILED: 400,
  VERSION_MISMATCH: 412,
  EVENT_NOT_ALLOWED: 409,
  CONFLICT: 409,
  CASE_NEEDS_MIGRATION: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  QUORUM_NOT_MET: 422,
  DECLARATIONS_INCOMPLETE: 422,
  EXCLUDED_BY_CONFLICT: 422,
  BIDS_SEALED: 422,
  SCORING_INCOMPLETE: 422,
  WINDOW_CLOSED: 422,
  NOT_MEMBER_PRACTICE: 422,
  OPEN_BLOCKING_FLAGS: 422,
  TENDER_PERIOD_TOO_SHORT: 422,
  DOCUMENT_REJECTED: 422,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  OVERLOADED: 503,
  INTERNAL: 500,
};

export const TITLE_OF: Record<ProblemCode, string> = {
  UNAUTHENTICATED: 'Authentication required',
  NOT_FOUND: 'Not found',
  FORBIDDEN: 'Forbidden',
  VALIDATION_FAILED: 'Validation failed',
  VERSION_MISMATCH: 'Version mismatch',
  EVENT_NOT_ALLOWED: 'Event not allowed in the current state',
  CONFLICT: 'Conflict',
  CASE_NEEDS_MIGRATION: 'Case needs migration',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused with a different request',
  QUORUM_NOT_MET: 'Quorum not met',
  DECLARATIONS_INCOMPLETE: 'Declarations incomplete',
  EXCLUDED_BY_CONFLICT: 'Excluded by a conflict of interest',
  BIDS_SEALED: 'Bids are sealed',
  SCORING_INCOMPLETE: 'Scoring incomplete',
  WINDOW_CLOSED: 'Window closed',
  NOT_MEMBER_PRACTICE: 'Not a member practice',
  OPEN_BLOCKING_FLAGS: 'Open blocking flags',
  TENDER_PERIOD_TOO_SHORT: 'Tender period too short',
  DOCUMENT_REJECTED: 'Document rejected',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  HEADERS_TOO_LARGE: 'Request headers too large',
  OVERLOADED: 'Overloaded; retry later',
  INTERNAL: 'Internal error',
};

export const problemType = (code: string) => `urn:makebuy:problem:${code.toLowerCase().replace(/_/g, '-')}`;

export class ProblemFieldError {
  @ApiProperty({ example: 'title' }) field: string;
  @ApiProperty({ example: 'title must be a string' }) message: string;
}

/** RFC 9457 problem details, with the contract's stable `code`. */
export class ProblemDetails {
  @ApiProperty({ example: 'urn:makebuy:problem:validation-failed' }) type: string;
  @ApiProperty({ example: 'Validation failed' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'property foo should not exist' }) detail: string;
  @ApiProperty({ enum: [...ERROR_CODES, ...HTTP_ONLY_CODES] }) code: string;
  @ApiPropertyOptional({
    example: '/api/v1/cases',
    description: 'the request path (absent when the request could not be parsed)',
  })
  instance?: string;
  @ApiPropertyOptional({ type: [ProblemFieldError] }) errors?: ProblemFieldError[];
  @ApiPropertyOptional({ description: 'request id, also in the X-Request-Id header and the logs' }) requestId?: string;
}
