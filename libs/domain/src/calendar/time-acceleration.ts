/**
 * TIME_ACCELERATION (contract, "Environment"): 1 to 1,000,000. After the working-day
 * arithmetic, the distance from now to every due instant the engine computes is divided
 * by the factor (sandbox, demo, tests). Instants a client supplies (`tenderClosesAt`) are
 * not scaled; the policy minimum they are checked against is.
 *
 * Pure: `now` is always an argument. Results are rounded to whole milliseconds.
 */

export const MIN_TIME_ACCELERATION = 1;
export const MAX_TIME_ACCELERATION = 1_000_000;

/** Throws RangeError unless 1 <= factor <= 1,000,000 (finite number). */
export function assertAccelerationFactor(factor: number): void {
  if (
    typeof factor !== 'number' ||
    !Number.isFinite(factor) ||
    factor < MIN_TIME_ACCELERATION ||
    factor > MAX_TIME_ACCELERATION
  ) {
    throw new RangeError(
      `time acceleration must be a number from ${MIN_TIME_ACCELERATION} to ${MAX_TIME_ACCELERATION}: ${String(factor)}`,
    );
  }
}

function ms(instant: Date, what: string): number {
  const t = instant instanceof Date ? instant.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${what} must be a valid Date`);
  return t;
}

/** A duration divided by the factor (rounded to whole ms; factor 1: unchanged). */
export function accelerateDuration(durationMs: number, factor: number): number {
  assertAccelerationFactor(factor);
  if (!Number.isFinite(durationMs)) throw new RangeError(`duration must be finite: ${durationMs}`);
  if (factor === 1) return durationMs;
  return Math.round(durationMs / factor);
}

/**
 * A due instant computed by the engine, brought closer to `now`:
 * now + (due - now) / factor. Factor 1 returns `due` unchanged (same value).
 */
export function accelerate(now: Date, due: Date, factor: number): Date {
  const n = ms(now, 'now');
  const d = ms(due, 'due');
  assertAccelerationFactor(factor);
  if (factor === 1) return new Date(d);
  return new Date(n + accelerateDuration(d - n, factor));
}

/**
 * A cutoff that lies a computed gap before a given closing instant, with the GAP scaled:
 * close - (close - unscaledCutoff) / factor.
 *
 * Used for "clarification questions close n working days before tendering closes":
 * `unscaledCutoff` = calendar.workingDaysBefore(close, n). The gap, not the instant, is
 * scaled because `close` may be a client-supplied instant (`tenderClosesAt`), which is
 * never scaled. Scaling the cutoff's distance from `now` instead would put the cutoff
 * at an unrelated point (possibly after the close); scaling the gap keeps the cutoff
 * before the close by the accelerated equivalent of n working days.
 */
export function acceleratedGapBefore(close: Date, unscaledCutoff: Date, factor: number): Date {
  const c = ms(close, 'close');
  const u = ms(unscaledCutoff, 'unscaledCutoff');
  assertAccelerationFactor(factor);
  if (factor === 1) return new Date(u);
  return new Date(c - accelerateDuration(c - u, factor));
}

/**
 * Parses a TIME_ACCELERATION setting (the caller reads the environment): unset or empty
 * means 1; anything other than 1 is refused when nodeEnv is 'production'.
 */
export function parseTimeAcceleration(raw: string | undefined, nodeEnv?: string): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const factor = Number(raw.trim());
  assertAccelerationFactor(factor);
  if (factor !== 1 && nodeEnv === 'production') {
    throw new RangeError('TIME_ACCELERATION is refused when NODE_ENV=production');
  }
  return factor;
}
