import { DomainError } from '@makebuy/domain';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorKey {
  t: string;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor?: string): CursorKey | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof v?.t === 'string' && typeof v?.id === 'string' && !Number.isNaN(Date.parse(v.t))) return v;
  } catch {
    /* fall through */
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not valid', {
    errors: [{ field: 'cursor', message: 'not a cursor from this API' }],
  });
}

/** rows were fetched with limit+1 to know whether a next page exists */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => CursorKey): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? encodeCursor(key(items[items.length - 1])) : null };
}
