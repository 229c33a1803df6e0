import fc from 'fast-check';
import Holidays from 'date-holidays';
import { WorkingDayCalendar, addCalendarDays } from './working-day-calendar';

const cal = new WorkingDayCalendar();

// Instants from 2000 to 2060, including the clock-change weekends and holiday seasons.
const instant = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2060-12-31T23:59:59Z'),
  noInvalidDate: true,
});
const count = fc.integer({ min: 1, max: 60 });

const isLondonMidnight = (d: Date) => cal.londonMidnight(cal.londonDate(d)).getTime() === d.getTime();

/** Oracle independent of the calendar's loop: count by walking UTC days with date-holidays.isHoliday at London noon. */
const oracleHd = new Holidays('GB', 'ENG');
function oracleIsWorkingDay(localDate: string): boolean {
  const [y, m, d] = localDate.split('-').map(Number);
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (dow === 0 || dow === 6) return false;
  // 11:00Z is noon in BST and 11:00 in GMT: always inside the London day
  const found = oracleHd.isHoliday(new Date(Date.UTC(y, m - 1, d, 11)));
  return !(found && found.some((h) => h.type === 'public'));
}
/** Faster oracle for long walks: the public-holiday dates date-holidays lists per year. */
const publicDates = new Map<number, Set<string>>();
function fastOracleIsWorkingDay(localDate: string): boolean {
  const [y, m, d] = localDate.split('-').map(Number);
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (dow === 0 || dow === 6) return false;
  let set = publicDates.get(y);
  if (!set) {
    const list = oracleHd.getHolidays(y) || [];
    set = new Set(list.filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    publicDates.set(y, set);
  }
  return !set.has(localDate);
}
function oracleWorkingDaysBetween(fromExclusive: string, toExclusive: string): number {
  let n = 0;
  for (let d = addCalendarDays(fromExclusive, 1); d < toExclusive; d = addCalendarDays(d, 1)) {
    if (fastOracleIsWorkingDay(d)) n++;
  }
  return n;
}

describe('endOfWorkingDay properties', () => {
  it('is always 00:00 Europe/London (23:00Z or 00:00Z)', () => {
    fc.assert(
      fc.property(instant, count, (start, n) => {
        const r = cal.endOfWorkingDay(start, n);
        const t = r.toISOString().slice(11);
        return isLondonMidnight(r) && (t === '00:00:00.000Z' || t === '23:00:00.000Z');
      }),
      { numRuns: 300 },
    );
  });

  it('is strictly after start', () => {
    fc.assert(
      fc.property(instant, count, (start, n) => cal.endOfWorkingDay(start, n).getTime() > start.getTime()),
      { numRuns: 300 },
    );
  });

  it('grows strictly with n', () => {
    fc.assert(
      fc.property(instant, count, count, (start, a, b) => {
        fc.pre(a !== b);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        return cal.endOfWorkingDay(start, lo).getTime() < cal.endOfWorkingDay(start, hi).getTime();
      }),
      { numRuns: 300 },
    );
  });

  it('the calendar day before the result is a working day', () => {
    fc.assert(
      fc.property(instant, count, (start, n) => {
        const last = addCalendarDays(cal.londonDate(cal.endOfWorkingDay(start, n)), -1);
        return cal.isWorkingDay(last) && oracleIsWorkingDay(last);
      }),
      { numRuns: 300 },
    );
  });

  it('exactly n working days lie strictly between the start date and the result date', () => {
    fc.assert(
      fc.property(instant, count, (start, n) => {
        const from = cal.londonDate(start);
        const to = cal.londonDate(cal.endOfWorkingDay(start, n));
        return oracleWorkingDaysBetween(from, to) === n && cal.workingDaysBetween(from, to) === n;
      }),
      { numRuns: 300 },
    );
  });

  it('depends only on the London date of start', () => {
    fc.assert(
      fc.property(instant, count, (start, n) => {
        const midnight = cal.londonMidnight(cal.londonDate(start));
        return cal.endOfWorkingDay(start, n).getTime() === cal.endOfWorkingDay(midnight, n).getTime();
      }),
      { numRuns: 200 },
    );
  });
});

describe('calendar properties', () => {
  it('isWorkingDay agrees with date-holidays (public holidays only) on every day', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const d = cal.londonDate(t);
        return cal.isWorkingDay(d) === oracleIsWorkingDay(d);
      }),
      { numRuns: 1000 },
    );
  });

  it('londonMidnight(londonDate(t)) <= t < londonMidnight(next day)', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const d = cal.londonDate(t);
        const from = cal.londonMidnight(d).getTime();
        const to = cal.londonMidnight(addCalendarDays(d, 1)).getTime();
        const length = to - from; // 23, 24 or 25 hours
        return from <= t.getTime() && t.getTime() < to && [23, 24, 25].includes(length / 3_600_000);
      }),
      { numRuns: 500 },
    );
  });

  it('workingDaysBefore lands on a working day at the same wall-clock time, with n working days up to the close date', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (close, n) => {
        const r = cal.workingDaysBefore(close, n);
        const rDate = cal.londonDate(r);
        const cDate = cal.londonDate(close);
        const offsetInDay = (x: Date) => x.getTime() - cal.londonMidnight(cal.londonDate(x)).getTime();
        // same wall clock: compare ms since London midnight, allowing for a 23/25h close day
        const sameWall =
          offsetInDay(r) === offsetInDay(close) || Math.abs(offsetInDay(r) - offsetInDay(close)) === 3_600_000;
        return (
          r.getTime() < close.getTime() &&
          cal.isWorkingDay(rDate) &&
          cal.workingDaysBetween(addCalendarDays(rDate, -1), cDate) === n &&
          sameWall
        );
      }),
      { numRuns: 300 },
    );
  });

  it('addWorkingDays and workingDaysBefore are inverse from a working day', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 30 }), (t, n) => {
        fc.pre(cal.isWorkingDay(cal.londonDate(t)));
        return cal.workingDaysBefore(cal.addWorkingDays(t, n), n).getTime() === t.getTime();
      }),
      { numRuns: 300 },
    );
  });
  it('londonDate and the wall clock agree with Intl at every instant, around the clock changes too (the offset is kept per minute)', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const wall = (t: Date) => {
      const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, x.value]));
      return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
    };
    // the last Sundays of March and October at 00:00-02:59 UTC, to the millisecond, and anywhere else
    const aroundChange = fc
      .tuple(
        fc.integer({ min: 2000, max: 2060 }),
        fc.constantFrom(2, 9),
        fc.integer({ min: 0, max: 3 * 3_600_000 - 1 }),
      )
      .map(([y, m, ms]) => {
        const last = new Date(Date.UTC(y, m + 1, 0));
        last.setUTCDate(last.getUTCDate() - last.getUTCDay());
        return new Date(last.getTime() + ms);
      });
    // one calendar for the whole property, so most instants are answered from its kept offsets
    const kept = new WorkingDayCalendar();
    fc.assert(
      fc.property(fc.oneof(instant, aroundChange), (t) => {
        const w = wall(t);
        // workingDaysBefore/addWorkingDays keep the London wall clock of t (read through the kept offsets)
        return (
          kept.londonDate(t) === w.date &&
          wall(kept.addWorkingDays(t, 1)).time === w.time &&
          wall(kept.workingDaysBefore(t, 1)).time === w.time
        );
      }),
      { numRuns: 3000 },
    );
  });
});
