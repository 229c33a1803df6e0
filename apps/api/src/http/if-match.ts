import { DomainError } from '@makebuy/domain';

/** If-Match: "<version>" (strong), W/"<version>" tolerated, * matches any. Absent: no check. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!m)
    throw new DomainError('VALIDATION_FAILED', 'If-Match must be an entity tag like "3"', {
      errors: [{ field: 'If-Match', message: 'not an entity tag' }],
    });
  return Number(m[1]);
}

export const etagOf = (version: number) => `"${version}"`;
