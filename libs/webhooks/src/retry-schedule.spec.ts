import fc from 'fast-check';
import { nextAttemptAt } from './retry-schedule';

const threeDays = 3 * 24 * 3600_000;
const settings = { retryBaseMs: 5_000, retryMaxDelayMs: 6 * 3600_000 };

describe('webhook retry schedule', () => {
  it('grows exponentially, jittered within [half, all] of the step, capped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const now = new Date(0);
        const at = nextAttemptAt(settings, n, now, new Date(threeDays), () => r);
        const step = Math.min(settings.retryMaxDelayMs, settings.retryBaseMs * 2 ** (n - 1));
        expect(at).not.toBeNull();
        const d = at!.getTime();
        expect(d).toBeGreaterThanOrEqual(Math.floor(step / 2));
        expect(d).toBeLessThanOrEqual(Math.ceil(step));
      }),
    );
  });

  it('gives up once the next attempt would fall after the retry window (3 days)', () => {
    let now = new Date(0);
    const until = new Date(threeDays);
    let attempts = 1;
    for (;;) {
      const at = nextAttemptAt(settings, attempts, now, until, () => 1);
      if (!at) break;
      now = at;
      attempts++;
    }
    expect(now.getTime()).toBeLessThanOrEqual(threeDays);
    // the last waits are the cap: the window is used up to within one capped step
    expect(threeDays - now.getTime()).toBeLessThan(settings.retryMaxDelayMs);
    expect(attempts).toBeGreaterThan(10);
  });
});
