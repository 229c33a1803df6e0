// The console talks to the public REST API only, as any other client does. The session is an
// httpOnly, SameSite=Strict cookie set by the API; writes carry the CSRF token the API issued.

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem details answer from the API. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail || title);
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const BASE = '/api/v1';

function csrfToken(): string | null {
  const m = /(?:^|;\s*)mb_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : null;
}

async function send<T>(method: string, path: string, body?: unknown, extra: HeadersInit = {}): Promise<T> {
  const headers = new Headers(extra);
  headers.set('Accept', 'application/json');
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers.set('Content-Type', 'application/json');
    payload = JSON.stringify(body);
  }
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers.set('X-CSRF-Token', csrf);
  }
  const res = await fetch(path.startsWith('/') && !path.startsWith('/api') ? BASE + path : path, {
    method,
    headers,
    body: payload,
    credentials: 'same-origin',
  });
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const p = (json ?? {}) as Partial<{ code: string; title: string; detail: string; errors: FieldError[] }>;
    throw new ApiProblem(
      res.status,
      p.code ?? `HTTP_${res.status}`,
      p.title ?? res.statusText,
      p.detail ?? '',
      p.errors ?? [],
    );
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const api = {
  get: <T>(path: string) => send<T>('GET', path),
  post: <T>(path: string, body?: unknown, headers?: HeadersInit) => send<T>('POST', path, body ?? {}, headers),
  patch: <T>(path: string, body: unknown) => send<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => send<T>('PUT', path, body),
  del: <T>(path: string) => send<T>('DELETE', path),
};

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
