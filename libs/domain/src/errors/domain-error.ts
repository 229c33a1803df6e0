/** Stable machine codes from the public contract. Domain and worker code throws these;
 * only the HTTP exception filter turns them into problem details. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'FORBIDDEN',
  'VALIDATION_FAILED',
  'VERSION_MISMATCH',
  'EVENT_NOT_ALLOWED',
  'QUORUM_NOT_MET',
  'DECLARATIONS_INCOMPLETE',
  'EXCLUDED_BY_CONFLICT',
  'BIDS_SEALED',
  'SCORING_INCOMPLETE',
  'WINDOW_CLOSED',
  'NOT_MEMBER_PRACTICE',
  'OPEN_BLOCKING_FLAGS',
  'TENDER_PERIOD_TOO_SHORT',
  'IDEMPOTENCY_KEY_REUSED',
  'CASE_NEEDS_MIGRATION',
  'CONFLICT',
  'OVERLOADED',
  'DOCUMENT_REJECTED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
