import { pgCode } from './transaction';

/** SQLSTATE classes and codes that mean "no usable connection", not "bad statement". */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /Connection is not established|connection is closed|Client has encountered a connection error/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
];

/**
 * True when an error says the database could not be reached or its connection was lost (the
 * pool's queueing limit passed, the server refused, restarted or dropped the connection). Such a
 * request did no work that committed (a change is acknowledged only after COMMIT answers), so it
 * can be answered 503 and retried.
 */
export function isConnectionUnavailable(e: unknown): boolean {
  const code = pgCode(e);
  if (code && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const err = e as { name?: string; message?: string; driverError?: { message?: string }; errors?: unknown[] };
  // TypeORM releases a query runner whose connection emitted an error (the server restarted or
  // dropped it); the next statement on that runner is refused without being sent
  if (err?.name === 'QueryRunnerAlreadyReleasedError') return true;
  // AggregateError from a dual-stack connect carries the ECONNREFUSEDs in `errors`
  if (Array.isArray(err?.errors) && err.errors.some((x) => isConnectionUnavailable(x))) return true;
  const message = `${err?.message ?? ''} ${err?.driverError?.message ?? ''}`;
  return UNAVAILABLE_MESSAGES.some((r) => r.test(message));
}

/** True when the pool could not hand out a connection within its queueing limit. */
export function isPoolTimeout(e: unknown): boolean {
  const err = e as { message?: string; driverError?: { message?: string } };
  return /timeout exceeded when trying to connect/i.test(`${err?.message ?? ''} ${err?.driverError?.message ?? ''}`);
}
