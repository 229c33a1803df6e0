/*
 * The one redaction routine for anything that reaches a log: request URLs and errors.
 * - Query strings can carry credentials (`?access_token=`) or search words: values are masked,
 *   only plausible parameter names stay.
 * - Bid routes must not tell log readers that a tender has bids before close: the tender
 *   segment of `/tenders/{id}/bids...` is masked, matched the way the router matches
 *   (case-insensitively, after percent-decoding).
 * - Error messages and stacks pass through the same masks, plus bearer tokens and JWTs.
 */

const MASK = '[redacted]';
export const SEALED = '[sealed]';
const PARAM_NAME = /^[A-Za-z_][\w.[\]-]{0,40}$/;
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const BEARER = /\b(bearer\s+)\S+/gi;
const QUERY_VALUE = /([?&][^=&\s"'#]{1,60}=)[^&\s"'#]*/g;
// in free text: /tenders/<anything but a slash>/bids, any case
const SEALED_IN_TEXT = /(\/tenders\/)[^/\s"'?#]+(?=\/bids\b)/gi;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Masks the tender of any bid route: every segment between `tenders` and `bids...`. */
export function sealPath(path: string): string {
  const segments = path.split('/');
  const lower = segments.map((s) => safeDecode(s).trim().toLowerCase());
  const t = lower.indexOf('tenders');
  if (t < 0) return path;
  const b = lower.findIndex((s, i) => i > t && s.startsWith('bids'));
  if (b < 0) return path;
  return [...segments.slice(0, t + 1), SEALED, ...segments.slice(b)].join('/');
}

/** A request URL as it may be logged: sealed bid paths, query values masked. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const sealed = sealPath(path);
  if (q < 0) return sealed;
  const params = query
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const name = part.split('=')[0];
      return PARAM_NAME.test(name) ? `${name}=${MASK}` : MASK;
    });
  return `${sealed}?${params.join('&')}`;
}

/** Free text (error messages, stacks) with tokens, query values and sealed tenders masked. */
export function redactText(text: string | undefined): string | undefined {
  if (text === undefined || text === null) return text;
  return String(text)
    .replace(JWT, '[token]')
    .replace(BEARER, `$1${MASK}`)
    .replace(QUERY_VALUE, `$1${MASK}`)
    .replace(SEALED_IN_TEXT, `$1${SEALED}`);
}

/** Logged errors: type, redacted message and stack, code; never SQL text or parameters. */
export function redactError(err: unknown): Record<string, unknown> {
  const e = err as { name?: string; message?: string; code?: unknown; stack?: string };
  return {
    type: e?.name,
    message: redactText(e?.message),
    code: typeof e?.code === 'string' || typeof e?.code === 'number' ? e.code : undefined,
    stack: redactText(e?.stack),
  };
}
