import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@makebuy/domain';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorKey {
  t: string;
  id: string;
}

/*
 * Cursors are opaque and signed: `<base64url payload>.<base64url HMAC>`. A cursor the server did
 * not issue (forged, edited, truncated) is refused with 400 before any of it reaches SQL. The key
 * is derived from configuration at boot so every API process of one deployment accepts the
 * others' cursors; until then a random key keeps cursors meaningful within this process only.
 */
let cursorKey: Buffer = randomBytes(32);

/** Called once at boot with a deployment secret; cursors signed with any other key are refused. */
export function configureCursorKey(secret: string): void {
  cursorKey = createHmac('sha256', secret).update('makebuy:cursor:v1').digest();
}

const mac = (payload: string) => createHmac('sha256', cursorKey).update(payload).digest().subarray(0, 16);

export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Signs a small JSON position as a cursor; `verifyCursor` gives it back, or refuses a forged one. */
export function encodeOpaqueCursor(value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${mac(payload).toString('base64url')}`;
}

export const encodeCursor = (key: CursorKey): string => encodeOpaqueCursor({ t: key.t, id: key.id });

export function invalidCursor(): DomainError {
  return new DomainError('VALIDATION_FAILED', 'cursor is not valid', {
    errors: [{ field: 'cursor', message: 'not a cursor from this API' }],
  });
}

/** Verifies a cursor this API issued (signature, then shape); anything else is 400 VALIDATION_FAILED. */
export function verifyCursor(cursor: string): unknown {
  const [payload, sig, ...rest] = cursor.split('.');
  if (rest.length || !payload || !sig || !B64URL.test(payload) || !B64URL.test(sig) || cursor.length > 1000)
    throw invalidCursor();
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
}

export function decodeCursor(cursor?: string): CursorKey | null {
  if (cursor === undefined || cursor === '') return null;
  const v = verifyCursor(cursor) as Partial<CursorKey> | null;
  if (typeof v?.t !== 'string' || !ISO_INSTANT.test(v.t) || Number.isNaN(Date.parse(v.t))) throw invalidCursor();
  if (typeof v.id !== 'string' || v.id.length === 0 || v.id.length > 200) throw invalidCursor();
  return { t: v.t, id: v.id };
}

/** rows were fetched with limit+1 to know whether a next page exists */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => CursorKey): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? encodeCursor(key(items[items.length - 1])) : null };
}
