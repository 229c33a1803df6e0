import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './target-policy';

export type AttemptOutcome = 'succeeded' | 'http_error' | 'gone' | 'timeout' | 'network_error' | 'refused';

export interface AttemptResult {
  outcome: AttemptOutcome;
  statusCode: number | null;
  durationMs: number;
  /** the start of the receiver's answer, for the delivery log */
  responseExcerpt: string | null;
  error: string | null;
}

const EXCERPT_BYTES = 1_024;

/**
 * One POST to a checked target. The socket connects to the checked address (the `lookup` hook
 * answers with it, whatever DNS says now), redirects are not followed (a 3xx is a failed
 * attempt), no connection is reused, and the whole exchange is cut at `timeoutMs`.
 */
export function postOnce(
  target: CheckedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  const started = Date.now();
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else callback(null, target.address, target.family);
  };
  const lib = target.url.protocol === 'https:' ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    let statusCode: number | null = null;
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (r: Omit<AttemptResult, 'durationMs' | 'statusCode' | 'responseExcerpt'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const excerpt = size ? Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8') : null;
      resolve({ ...r, statusCode, durationMs: Date.now() - started, responseExcerpt: excerpt });
      req.destroy();
    };
    const req = lib.request(
      {
        method: 'POST',
        host: target.host,
        port: target.url.port || undefined,
        path: `${target.url.pathname}${target.url.search}`,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
        servername: target.url.protocol === 'https:' ? target.host : undefined,
      },
      (res) => {
        statusCode = res.statusCode ?? null;
        const finish = () => {
          const code = statusCode ?? 0;
          if (code >= 200 && code < 300) done({ outcome: 'succeeded', error: null });
          else if (code === 410) done({ outcome: 'gone', error: null });
          else done({ outcome: 'http_error', error: code >= 300 && code < 400 ? 'redirects are not followed' : null });
        };
        res.on('data', (c: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(c);
          size += c.length;
          if (size >= EXCERPT_BYTES) finish();
        });
        res.on('end', finish);
        res.on('error', (e) => done({ outcome: 'network_error', error: e.message }));
      },
    );
    const timer = setTimeout(
      () => done({ outcome: 'timeout', error: `no complete answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    req.on('error', (e) => done({ outcome: 'network_error', error: e.message }));
    req.end(body);
  });
}
