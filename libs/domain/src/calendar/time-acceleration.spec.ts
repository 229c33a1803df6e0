import fc from 'fast-check';
import {
  accelerate,
  accelerateDuration,
  acceleratedGapBefore,
  assertAccelerationFactor,
  parseTimeAcceleration,
} from './time-acceleration';
import { WorkingDayCalendar } from './working-day-calendar';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('accelerate', () => {
  const now = at('2026-06-01T13:00:00Z');

  it('factor 1 returns due unchanged', () => {
    const due = at('2026-06-11T23:00:00Z');
    expect(accelerate(now, due, 1).getTime()).toBe(due.getTime());
  });

  it('divides the distance from now to due', () => {
    const due = new Date(now.getTime() + 10 * DAY);
    expect(accelerate(now, due, 1440).getTime()).toBe(now.getTime() + 10 * 60_000); // 10 days -> 10 min
    expect(accelerate(now, due, 1_000_000).getTime()).toBe(now.getTime() + 864); // 864 ms
  });

  it('applies after the working-day arithmetic (standstill example)', () => {
    const cal = new WorkingDayCalendar();
    const due = cal.endOfWorkingDay(now, 8); // 2026-06-11T23:00Z, 10 days 10 hours away
    expect(accelerate(now, due, 1000).toISOString()).toBe('2026-06-01T13:15:00.000Z');
  });

  it('validates the factor', () => {
    const due = at('2026-06-02T13:00:00Z');
    for (const bad of [0, 0.5, -1, 1_000_001, NaN, Infinity]) {
      expect(() => accelerate(now, due, bad)).toThrow(RangeError);
    }
    expect(() => assertAccelerationFactor(1)).not.toThrow();
    expect(() => assertAccelerationFactor(1_000_000)).not.toThrow();
    expect(() => accelerate(new Date(NaN), due, 2)).toThrow(RangeError);
  });

  it('stays between now and due, and never moves a future due into the past', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: -400 * DAY, max: 400 * DAY }),
        fc.double({ min: 1, max: 1_000_000, noNaN: true }),
        (n, gap, factor) => {
          const r = accelerate(new Date(n), new Date(n + gap), factor).getTime();
          return Math.min(n, n + gap) <= r && r <= Math.max(n, n + gap);
        },
      ),
    );
  });
});

describe('accelerateDuration', () => {
  it('divides and rounds to whole ms', () => {
    expect(accelerateDuration(DAY, 1000)).toBe(86_400);
    expect(accelerateDuration(DAY, 1)).toBe(DAY);
    expect(accelerateDuration(1000, 3)).toBe(333);
    expect(() => accelerateDuration(DAY, 0)).toThrow(RangeError);
    expect(() => accelerateDuration(NaN, 2)).toThrow(RangeError);
  });
});

describe('acceleratedGapBefore (clarification cutoff)', () => {
  it('scales the gap before a client-supplied close, not the distance from now', () => {
    const cal = new WorkingDayCalendar();
    const close = at('2026-06-14T23:00:00Z'); // client-supplied: Mon 15 June 00:00 BST, never scaled
    const unscaled = cal.workingDaysBefore(close, 2); // Thu 11 June 00:00 BST: gap = 4 days
    expect(unscaled.toISOString()).toBe('2026-06-10T23:00:00.000Z');
    expect(acceleratedGapBefore(close, unscaled, 1).getTime()).toBe(unscaled.getTime());
    expect(acceleratedGapBefore(close, unscaled, 1000).toISOString()).toBe('2026-06-14T22:54:14.400Z');
  });

  it('lies between the unscaled cutoff and the close', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.double({ min: 1, max: 1_000_000, noNaN: true }),
        (c, gap, factor) => {
          const r = acceleratedGapBefore(new Date(c), new Date(c - gap), factor).getTime();
          return c - gap <= r && r <= c;
        },
      ),
    );
  });
});

describe('parseTimeAcceleration', () => {
  it('defaults to 1 and parses numbers in range', () => {
    expect(parseTimeAcceleration(undefined)).toBe(1);
    expect(parseTimeAcceleration('')).toBe(1);
    expect(parseTimeAcceleration('1440')).toBe(1440);
    expect(parseTimeAcceleration('1', 'production')).toBe(1);
  });

  it('refuses out-of-range values and acceleration in production', () => {
    expect(() => parseTimeAcceleration('0')).toThrow(RangeError);
    expect(() => parseTimeAcceleration('abc')).toThrow(RangeError);
    expect(() => parseTimeAcceleration('2000000')).toThrow(RangeError);
    expect(() => parseTimeAcceleration('60', 'production')).toThrow(RangeError);
  });
});
