import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from '@makebuy/domain';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, STATUS_OF } from './problem-details';

/** Documents the problem responses an endpoint can give (grouped by status). */
export function ApiProblems(...codes: ErrorCode[]) {
  const byStatus = new Map<number, string[]>();
  for (const c of codes) byStatus.set(STATUS_OF[c], [...(byStatus.get(STATUS_OF[c]) ?? []), c]);
  return applyDecorators(
    ...[...byStatus.entries()].map(([status, cs]) =>
      ApiResponse({
        status,
        description: `problem details; code: ${cs.join(' | ')}`,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
        type: ProblemDetails,
      }),
    ),
  );
}

/** Signed-in endpoint: bearer auth plus the 401 problem. */
export const ApiSignedIn = (...codes: ErrorCode[]) =>
  applyDecorators(ApiBearerAuth(), ApiProblems('UNAUTHENTICATED', ...codes));
