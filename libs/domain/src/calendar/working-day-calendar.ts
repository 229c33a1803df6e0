import Holidays from 'date-holidays';
import type { HolidaysTypes } from 'date-holidays';

/**
 * Working days (contract, "Policy defaults"): Monday to Friday, not England and Wales
 * bank holidays, Europe/London. Day 1 of a period is the first working day after the
 * day it starts; "the end of day N" is 00:00 Europe/London on the calendar day after
 * the Nth working day.
 *
 * Pure: the clock is always an argument, the holiday list always comes from
 * date-holidays (never edited by hand).
 *
 * A "local date" is a calendar date string `YYYY-MM-DD` in the calendar's time zone.
 */

/** The part of a date-holidays instance this calendar uses. */
export interface HolidaySource {
  getHolidays(year: number): HolidaysTypes.Holiday[] | false | undefined;
}

export interface WorkingDayCalendarOptions {
  /** Holiday source; default `new Holidays('GB', 'ENG')` (England and Wales). */
  holidays?: HolidaySource;
  /**
   * date-holidays types that close a working day; default `['public']` (the real bank
   * holidays, substitute days included). Observances such as Easter Sunday or Mother's
   * Day never count.
   */
  holidayTypes?: readonly HolidaysTypes.HolidayType[];
  /** IANA time zone of the calendar; default 'Europe/London'. The `london*` methods use it. */
  timeZone?: string;
}

export interface BankHoliday {
  /** local date, YYYY-MM-DD */
  date: string;
  name: string;
  substitute: boolean;
}

export const LONDON_TIME_ZONE = 'Europe/London';

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

interface Ymd {
  y: number;
  m: number; // 1..12
  d: number;
}

function parseLocalDate(localDate: string): Ymd {
  const match = typeof localDate === 'string' ? LOCAL_DATE.exec(localDate) : null;
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${String(localDate)}`);
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${localDate}`);
  }
  return { y, m, d };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function formatYmd(t: number): string {
  const date = new Date(t);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The calendar date `days` days after (or before, if negative) `localDate`. */
export function addCalendarDays(localDate: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer: ${days}`);
  const { y, m, d } = parseLocalDate(localDate);
  return formatYmd(Date.UTC(y, m - 1, d) + days * DAY_MS);
}

/** ISO-ish day of week of a calendar date: 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(localDate: string): number {
  const { y, m, d } = parseLocalDate(localDate);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

function assertInstant(instant: Date, what: string): number {
  const t = instant instanceof Date ? instant.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${what} must be a valid Date`);
  return t;
}

function assertCount(n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`working-day count must be an integer >= ${min}: ${n}`);
  }
}

interface WallClock extends Ymd {
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

export class WorkingDayCalendar {
  readonly timeZone: string;
  private readonly source: HolidaySource;
  private readonly types: ReadonlySet<string>;
  private readonly formatter: Intl.DateTimeFormat;
  /** raw date-holidays answer per year */
  private readonly rawByYear = new Map<number, HolidaysTypes.Holiday[]>();
  /** counted holidays falling in each year: local date -> holiday */
  private readonly byYear = new Map<number, ReadonlyMap<string, BankHoliday>>();
  /** the zone's offset from UTC (ms) in each UTC minute asked for (bounded) */
  private readonly offsets = new Map<number, number>();
  /** `stepWorkingDays` answers by `date|n` (bounded) */
  private readonly steps = new Map<string, string>();

  constructor(options: WorkingDayCalendarOptions = {}) {
    this.timeZone = options.timeZone ?? LONDON_TIME_ZONE;
    this.source = options.holidays ?? new Holidays('GB', 'ENG');
    this.types = new Set(options.holidayTypes ?? ['public']);
    // Throws RangeError for an unknown time zone.
    this.formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: this.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
  }

  /** The counted (bank) holidays whose date falls in `year`, in date order. */
  bankHolidays(year: number): BankHoliday[] {
    return [...this.holidaysOf(year).values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  }

  isBankHoliday(localDate: string): boolean {
    const { y } = parseLocalDate(localDate);
    return this.holidaysOf(y).has(localDate);
  }

  /** Monday to Friday and not a bank holiday. */
  isWorkingDay(localDate: string): boolean {
    const dow = dayOfWeek(localDate);
    if (dow === 0 || dow === 6) return false;
    return !this.isBankHoliday(localDate);
  }

  /** The calendar date (YYYY-MM-DD) in Europe/London of an instant. */
  londonDate(instant: Date): string {
    const { y, m, d } = this.wallClock(assertInstant(instant, 'instant'));
    return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
  }

  /** The instant of 00:00 Europe/London on a calendar date (BST/GMT aware). */
  londonMidnight(localDate: string): Date {
    const { y, m, d } = parseLocalDate(localDate);
    return new Date(this.instantOf({ y, m, d, hour: 0, minute: 0, second: 0, ms: 0 }));
  }

  /**
   * "The end of day n" of a period starting at `start`: day 1 is the first working day
   * after the London calendar day on which `start` falls; the result is 00:00 London on
   * the calendar day after the nth working day. n >= 1.
   */
  endOfWorkingDay(start: Date, n: number): Date {
    assertInstant(start, 'start');
    assertCount(n, 1);
    const nth = this.stepWorkingDays(this.londonDate(start), n);
    return this.londonMidnight(addCalendarDays(nth, 1));
  }

  /**
   * The instant n working days before `instant`, at the same London wall-clock time.
   *
   * Definition: take the London date of `instant`; step back one calendar day at a time,
   * counting only working days, until n have been counted; the result is that nth
   * working day at the wall-clock time of `instant`. The instant's own date is never
   * counted. So, with `instant` = tendering close, the n working days wholly or partly
   * between result and close are "the last n working days before close", e.g.
   * close Monday 00:00 London, n = 2 -> Thursday 00:00 of the week before (Thursday and
   * Friday lie in between). n = 0 returns the instant unchanged.
   */
  workingDaysBefore(instant: Date, n: number): Date {
    const t = assertInstant(instant, 'instant');
    assertCount(n, 0);
    if (n === 0) return new Date(t);
    const wall = this.wallClock(t);
    const target = this.stepWorkingDays(this.londonDate(instant), -n);
    return new Date(this.instantOf({ ...wall, ...parseLocalDate(target) }));
  }

  /**
   * The forward counterpart of `workingDaysBefore`: the nth working day after the London
   * date of `instant` (that date itself never counts), at the same London wall-clock
   * time. Useful to extend a client-supplied closing instant by n working days.
   */
  addWorkingDays(instant: Date, n: number): Date {
    const t = assertInstant(instant, 'instant');
    assertCount(n, 0);
    if (n === 0) return new Date(t);
    const wall = this.wallClock(t);
    const target = this.stepWorkingDays(this.londonDate(instant), n);
    return new Date(this.instantOf({ ...wall, ...parseLocalDate(target) }));
  }

  /** The first working day strictly after `localDate`. */
  nextWorkingDay(localDate: string): string {
    return this.stepWorkingDays(localDate, 1);
  }

  /** The last working day strictly before `localDate`. */
  previousWorkingDay(localDate: string): string {
    return this.stepWorkingDays(localDate, -1);
  }

  /** Number of working days d with fromDate < d < toDate (0 if toDate <= fromDate). */
  workingDaysBetween(fromDate: string, toDate: string): number {
    parseLocalDate(toDate);
    let count = 0;
    for (let d = addCalendarDays(fromDate, 1); d < toDate; d = addCalendarDays(d, 1)) {
      if (this.isWorkingDay(d)) count++;
    }
    return count;
  }

  // --- internals -------------------------------------------------------------------

  /**
   * Walk |n| working days from localDate (exclusive) forwards (n > 0) or backwards. Kept per date
   * and n: a storm of deadline closes schedules the same stage's deadlines from the same day
   * thousands of times, each a walk of parsed calendar days (about 2% of a close's CPU).
   */
  private stepWorkingDays(localDate: string, n: number): string {
    const key = `${localDate}|${n}`;
    let d = this.steps.get(key);
    if (d === undefined) {
      d = this.walkWorkingDays(localDate, n);
      if (this.steps.size >= 4096) this.steps.clear();
      this.steps.set(key, d);
    }
    return d;
  }

  private walkWorkingDays(localDate: string, n: number): string {
    const step = n < 0 ? -1 : 1;
    let remaining = Math.abs(n);
    let d = localDate;
    while (remaining > 0) {
      d = addCalendarDays(d, step);
      if (this.isWorkingDay(d)) remaining--;
    }
    return d;
  }

  private holidaysOf(year: number): ReadonlyMap<string, BankHoliday> {
    let map = this.byYear.get(year);
    if (map) return map;
    const found = new Map<string, BankHoliday>();
    // A rule of one year may produce a date in a neighbouring year (e.g. a substitute
    // day); look at both neighbours and keep what falls in `year`.
    const prefix = `${pad(year, 4)}-`;
    for (const y of [year - 1, year, year + 1]) {
      for (const h of this.rawHolidays(y)) {
        const date = h.date.slice(0, 10);
        if (!date.startsWith(prefix) || !this.types.has(h.type) || found.has(date)) continue;
        found.set(date, { date, name: h.name, substitute: h.substitute === true });
      }
    }
    map = found;
    this.byYear.set(year, map);
    return map;
  }

  private rawHolidays(year: number): HolidaysTypes.Holiday[] {
    let raw = this.rawByYear.get(year);
    if (!raw) {
      raw = this.source.getHolidays(year) || [];
      this.rawByYear.set(year, raw);
    }
    return raw;
  }

  /**
   * The zone's wall clock at instant t. Intl's formatToParts is the costly part (about 3% of a
   * deadline close's CPU), so the zone's offset is kept per UTC minute (zone offsets change on
   * whole minutes) and the wall clock is t moved by it.
   */
  private wallClock(t: number): WallClock {
    const minute = Math.floor(t / 60_000);
    let offset = this.offsets.get(minute);
    if (offset === undefined) {
      const w = this.formatWallClock(minute * 60_000);
      offset = Date.UTC(w.y, w.m - 1, w.d, w.hour, w.minute, w.second) - minute * 60_000;
      if (this.offsets.size >= 4096) this.offsets.clear();
      this.offsets.set(minute, offset);
    }
    const local = new Date(t + offset);
    return {
      y: local.getUTCFullYear(),
      m: local.getUTCMonth() + 1,
      d: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      second: local.getUTCSeconds(),
      ms: local.getUTCMilliseconds(),
    };
  }

  private formatWallClock(t: number): WallClock {
    const parts: Record<string, string> = {};
    for (const p of this.formatter.formatToParts(new Date(t))) parts[p.type] = p.value;
    return {
      y: Number(parts.year),
      m: Number(parts.month),
      d: Number(parts.day),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      second: Number(parts.second),
      ms: 0,
    };
  }

  /** Offset (ms) of the time zone from UTC at instant t: local wall clock minus UTC. */
  private offsetAt(t: number): number {
    const w = this.wallClock(t);
    return Date.UTC(w.y, w.m - 1, w.d, w.hour, w.minute, w.second, w.ms) - t;
  }

  /**
   * The instant at which the zone's wall clock shows `w`. Where the wall clock is
   * ambiguous (autumn hour repeated) the earlier instant is used; where it does not
   * exist (spring gap) the instant is shifted forward by the gap. In Europe/London both
   * only happen between 01:00 and 02:00 on a Sunday, never at midnight.
   */
  private instantOf(w: WallClock): number {
    const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.hour, w.minute, w.second, w.ms);
    // Candidates from the offsets a few hours either side of the wall time.
    const before = asUtc - this.offsetAt(asUtc - 12 * 3_600_000);
    const after = asUtc - this.offsetAt(asUtc + 12 * 3_600_000);
    const candidates = [before, after].sort((a, b) => a - b);
    for (const c of candidates) {
      if (c + this.offsetAt(c) === asUtc) return c;
    }
    // Non-existent wall time (spring forward): use the offset from before the gap.
    return asUtc - this.offsetAt(asUtc - 12 * 3_600_000);
  }
}
