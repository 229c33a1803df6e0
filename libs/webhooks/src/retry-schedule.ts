import type { WebhookSettings } from '@makebuy/settings';

/**
 * Exponential back-off with "equal jitter": after attempt n fails the next one waits between half
 * and all of min(maxDelay, base * 2^(n-1)), so receivers that failed together do not retry
 * together. Returns null when the next attempt would fall after the delivery's retry window.
 */
export function nextAttemptAt(
  settings: Pick<WebhookSettings, 'retryBaseMs' | 'retryMaxDelayMs'>,
  attemptsMade: number,
  now: Date,
  retryUntil: Date,
  random: () => number = Math.random,
): Date | null {
  const exp = Math.min(
    settings.retryMaxDelayMs,
    settings.retryBaseMs * 2 ** Math.min(40, Math.max(0, attemptsMade - 1)),
  );
  const delay = exp / 2 + random() * (exp / 2);
  const at = new Date(now.getTime() + Math.round(delay));
  return at.getTime() <= retryUntil.getTime() ? at : null;
}
