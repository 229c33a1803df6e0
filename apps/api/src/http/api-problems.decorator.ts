import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode } from '@makebuy/domain';
import { PROBLEM_CONTENT_TYPE, ProblemCode, ProblemDetails, STATUS_OF } from './problem-details';

/** The schema of a problem response that may carry only these codes (ProblemDetails, `code` narrowed). */
export function problemSchema(codes: readonly string[]) {
  return {
    allOf: [
      { $ref: getSchemaPath(ProblemDetails) },
      { type: 'object', properties: { code: { type: 'string', enum: [...new Set(codes)] } } },
    ],
  };
}

export const problemDescription = (codes: readonly string[]) => `problem details; code: ${codes.join(' | ')}`;

/** Documents the problem responses an endpoint can give (grouped by status), as application/problem+json. */
export function ApiProblems(...codes: (ErrorCode | ProblemCode)[]) {
  const byStatus = new Map<number, string[]>();
  for (const c of codes) byStatus.set(STATUS_OF[c], [...(byStatus.get(STATUS_OF[c]) ?? []), c]);
  return applyDecorators(
    ...[...byStatus.entries()].map(([status, cs]) =>
      ApiResponse({
        status,
        description: problemDescription(cs),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema(cs) } },
      }),
    ),
  );
}

/** Signed-in endpoint: bearer auth plus the 401 problem. */
export const ApiSignedIn = (...codes: ErrorCode[]) =>
  applyDecorators(ApiBearerAuth(), ApiProblems('UNAUTHENTICATED', ...codes));
