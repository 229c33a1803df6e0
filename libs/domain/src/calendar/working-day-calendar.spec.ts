import Holidays from 'date-holidays';
import { WorkingDayCalendar, addCalendarDays, dayOfWeek } from './working-day-calendar';
import type { HolidaySource } from './working-day-calendar';

const cal = new WorkingDayCalendar();
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const end = (startIso: string, n: number) => iso(cal.endOfWorkingDay(at(startIso), n));

describe('WorkingDayCalendar: bank holidays from date-holidays (GB-ENG)', () => {
  it('counts only public holidays, never observances', () => {
    const names = cal.bankHolidays(2026).map((h) => `${h.date} ${h.name}`);
    expect(names).toEqual([
      "2026-01-01 New Year's Day",
      '2026-04-03 Good Friday',
      '2026-04-06 Easter Monday',
      '2026-05-04 Early May bank holiday',
      '2026-05-25 Spring bank holiday',
      '2026-08-31 Summer bank holiday',
      '2026-12-25 Christmas Day',
      '2026-12-26 Boxing Day',
      '2026-12-28 Boxing Day (substitute day)',
    ]);
    // Easter Sunday, Mother's Day, Father's Day are observances in date-holidays
    expect(cal.isBankHoliday('2026-04-05')).toBe(false);
    expect(cal.isBankHoliday('2026-03-15')).toBe(false);
  });

  it('treats Christmas Eve and New Year’s Eve as ordinary working days', () => {
    expect(cal.isWorkingDay('2021-12-24')).toBe(true);
    expect(cal.isWorkingDay('2021-12-31')).toBe(true);
    expect(cal.isWorkingDay('2026-12-24')).toBe(true);
    expect(cal.isWorkingDay('2026-12-31')).toBe(true);
  });

  it('includes substitute days when Christmas / New Year fall at a weekend', () => {
    // 2021: 25 Dec Sat, 26 Dec Sun -> Mon 27 and Tue 28 are bank holidays
    expect(
      cal
        .bankHolidays(2021)
        .filter((h) => h.substitute)
        .map((h) => h.date),
    ).toEqual(['2021-12-27', '2021-12-28']);
    expect(cal.isWorkingDay('2021-12-27')).toBe(false);
    expect(cal.isWorkingDay('2021-12-28')).toBe(false);
    expect(cal.isWorkingDay('2021-12-29')).toBe(true);
    // 2022: 1 Jan Sat -> Mon 3 Jan; 25 Dec Sun -> Tue 27 Dec (Boxing Day on Mon 26)
    expect(cal.isWorkingDay('2022-01-03')).toBe(false);
    expect(cal.isWorkingDay('2022-12-26')).toBe(false);
    expect(cal.isWorkingDay('2022-12-27')).toBe(false);
    // 2026: 26 Dec Sat -> Mon 28 Dec
    expect(cal.isWorkingDay('2026-12-28')).toBe(false);
  });

  it('includes one-off bank holidays (2022 Platinum Jubilee, Queen’s funeral; 2023 Coronation)', () => {
    expect(cal.isWorkingDay('2022-06-02')).toBe(false);
    expect(cal.isWorkingDay('2022-06-03')).toBe(false);
    expect(cal.isWorkingDay('2022-09-19')).toBe(false);
    expect(cal.isWorkingDay('2023-05-08')).toBe(false);
  });

  it('weekends are not working days; ordinary weekdays are', () => {
    expect(cal.isWorkingDay('2026-06-13')).toBe(false); // Saturday
    expect(cal.isWorkingDay('2026-06-14')).toBe(false); // Sunday
    expect(cal.isWorkingDay('2026-06-15')).toBe(true); // Monday
    expect(dayOfWeek('2026-06-15')).toBe(1);
  });

  it('rejects malformed or impossible dates', () => {
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2026-2-3')).toThrow(RangeError);
    expect(() => cal.londonMidnight('not a date')).toThrow(RangeError);
    expect(() => cal.londonDate(new Date(NaN))).toThrow(RangeError);
  });

  it('asks the holiday source once per year (cached)', () => {
    const real = new Holidays('GB', 'ENG');
    const calls: number[] = [];
    const source: HolidaySource = {
      getHolidays: (year) => {
        calls.push(year);
        return real.getHolidays(year);
      },
    };
    const c = new WorkingDayCalendar({ holidays: source });
    for (let i = 0; i < 200; i++) c.isWorkingDay(addCalendarDays('2026-01-01', i));
    c.endOfWorkingDay(at('2026-03-02T10:00:00Z'), 40);
    expect([...calls].sort()).toEqual([2025, 2026, 2027]);
  });

  it('uses an injected holiday source (no hand-kept list in the engine)', () => {
    const scotland = new WorkingDayCalendar({ holidays: new Holidays('GB', 'SCT') });
    expect(scotland.isWorkingDay('2026-01-02')).toBe(false); // 2 January, Scotland only
    expect(cal.isWorkingDay('2026-01-02')).toBe(true);
  });
});

describe('londonDate / londonMidnight', () => {
  it('londonDate uses the Europe/London calendar, not UTC', () => {
    expect(cal.londonDate(at('2026-07-09T22:30:00Z'))).toBe('2026-07-09'); // 23:30 BST
    expect(cal.londonDate(at('2026-07-09T23:00:00Z'))).toBe('2026-07-10'); // 00:00 BST
    expect(cal.londonDate(at('2026-07-09T23:30:00Z'))).toBe('2026-07-10'); // 00:30 BST
    expect(cal.londonDate(at('2026-01-09T23:30:00Z'))).toBe('2026-01-09'); // 23:30 GMT
    expect(cal.londonDate(at('2026-01-10T00:00:00Z'))).toBe('2026-01-10');
  });

  it('londonMidnight is correct either side of the spring change (2026-03-29)', () => {
    expect(iso(cal.londonMidnight('2026-03-28'))).toBe('2026-03-28T00:00:00.000Z');
    expect(iso(cal.londonMidnight('2026-03-29'))).toBe('2026-03-29T00:00:00.000Z'); // still GMT
    expect(iso(cal.londonMidnight('2026-03-30'))).toBe('2026-03-29T23:00:00.000Z');
  });

  it('londonMidnight is correct either side of the autumn change (2026-10-25)', () => {
    expect(iso(cal.londonMidnight('2026-10-24'))).toBe('2026-10-23T23:00:00.000Z');
    expect(iso(cal.londonMidnight('2026-10-25'))).toBe('2026-10-24T23:00:00.000Z'); // still BST
    expect(iso(cal.londonMidnight('2026-10-26'))).toBe('2026-10-26T00:00:00.000Z');
  });
});

describe('endOfWorkingDay (contract counting)', () => {
  it('standstill = endOfWorkingDay(published, 8): ends 00:00 London after the 8th working day', () => {
    // published Mon 1 June 2026 14:00 BST; day 1 = Tue 2 June; day 8 = Thu 11 June
    expect(end('2026-06-01T13:00:00Z', 8)).toBe('2026-06-11T23:00:00.000Z'); // Fri 12 June 00:00 BST
    expect(end('2026-06-01T13:00:00Z', 1)).toBe('2026-06-02T23:00:00.000Z'); // Wed 3 June 00:00 BST
  });

  it('crosses Christmas, Boxing Day and New Year with substitute days (2021/22)', () => {
    // Thu 23 Dec 2021: day1 Fri 24; Mon 27, Tue 28 are substitutes; day2 Wed 29, day3 Thu 30,
    // day4 Fri 31; Sat 1 Jan -> Mon 3 Jan substitute; day5 Tue 4 ... day8 Fri 7 Jan
    const start = '2021-12-23T10:00:00Z';
    expect(end(start, 1)).toBe('2021-12-25T00:00:00.000Z');
    expect(end(start, 2)).toBe('2021-12-30T00:00:00.000Z');
    expect(end(start, 4)).toBe('2022-01-01T00:00:00.000Z');
    expect(end(start, 5)).toBe('2022-01-05T00:00:00.000Z');
    expect(end(start, 8)).toBe('2022-01-08T00:00:00.000Z');
  });

  it('crosses Christmas 2022 (Boxing Day Mon 26, Christmas substitute Tue 27)', () => {
    // Fri 23 Dec 2022: day1 Wed 28, day2 Thu 29, day3 Fri 30, day4 Tue 3 Jan (Mon 2 Jan is a substitute)
    expect(cal.isWorkingDay('2023-01-02')).toBe(false); // 1 Jan 2023 Sun -> Mon 2 Jan
    expect(end('2022-12-23T09:00:00Z', 1)).toBe('2022-12-29T00:00:00.000Z');
    expect(end('2022-12-23T09:00:00Z', 3)).toBe('2022-12-31T00:00:00.000Z');
    expect(end('2022-12-23T09:00:00Z', 4)).toBe('2023-01-04T00:00:00.000Z');
  });

  it('crosses Christmas 2026 (Boxing Day Sat 26 -> substitute Mon 28)', () => {
    const start = '2026-12-23T12:00:00Z'; // Wed
    expect(end(start, 1)).toBe('2026-12-25T00:00:00.000Z'); // day1 Thu 24
    expect(end(start, 2)).toBe('2026-12-30T00:00:00.000Z'); // day2 Tue 29
    expect(end(start, 4)).toBe('2027-01-01T00:00:00.000Z'); // day4 Thu 31
    expect(end(start, 5)).toBe('2027-01-05T00:00:00.000Z'); // day5 Mon 4 Jan
  });

  it('skips Good Friday and Easter Monday (2026: 3 and 6 April)', () => {
    const start = '2026-04-02T08:00:00Z'; // Thu 2 April 09:00 BST
    expect(end(start, 1)).toBe('2026-04-07T23:00:00.000Z'); // day1 Tue 7 -> Wed 8 00:00 BST
    expect(end(start, 8)).toBe('2026-04-16T23:00:00.000Z'); // day8 Thu 16 -> Fri 17 00:00 BST
  });

  it('skips the early May, spring and summer bank holidays', () => {
    expect(end('2026-05-01T10:00:00Z', 1)).toBe('2026-05-05T23:00:00.000Z'); // Fri 1 May -> Tue 5
    expect(end('2026-05-22T10:00:00Z', 1)).toBe('2026-05-26T23:00:00.000Z'); // Fri 22 May -> Tue 26
    expect(end('2026-08-28T10:00:00Z', 1)).toBe('2026-09-01T23:00:00.000Z'); // Fri 28 Aug -> Tue 1 Sep
    // 2022: spring bank holiday Thu 2 June + Jubilee Fri 3 June
    expect(end('2022-06-01T10:00:00Z', 1)).toBe('2022-06-06T23:00:00.000Z');
  });

  it('handles the spring clock change (2026-03-29): winter start, summer end', () => {
    // Fri 27 Mar 12:00 GMT; day1 Mon 30 Mar -> Tue 31 Mar 00:00 BST = 23:00Z
    expect(end('2026-03-27T12:00:00Z', 1)).toBe('2026-03-30T23:00:00.000Z');
    // Wed 25 Mar: day1 Thu 26, day2 Fri 27 -> Sat 28 00:00 GMT
    expect(end('2026-03-25T12:00:00Z', 2)).toBe('2026-03-28T00:00:00.000Z');
    expect(end('2026-03-25T12:00:00Z', 3)).toBe('2026-03-30T23:00:00.000Z');
  });

  it('handles the autumn clock change (2026-10-25): summer start, winter end', () => {
    const start = '2026-10-21T11:00:00Z'; // Wed 21 Oct 12:00 BST
    expect(end(start, 2)).toBe('2026-10-23T23:00:00.000Z'); // day2 Fri 23 -> Sat 24 00:00 BST
    expect(end(start, 3)).toBe('2026-10-27T00:00:00.000Z'); // day3 Mon 26 -> Tue 27 00:00 GMT
  });

  it('a start on a Saturday, Sunday or bank holiday: day 1 is the next working day', () => {
    expect(end('2026-01-10T15:00:00Z', 1)).toBe('2026-01-13T00:00:00.000Z'); // Sat -> Mon 12
    expect(end('2026-01-11T15:00:00Z', 1)).toBe('2026-01-13T00:00:00.000Z'); // Sun -> Mon 12
    expect(end('2026-05-04T09:00:00Z', 1)).toBe('2026-05-05T23:00:00.000Z'); // early May BH -> Tue 5
    expect(end('2026-04-03T09:00:00Z', 1)).toBe('2026-04-07T23:00:00.000Z'); // Good Friday -> Tue 7
  });

  it('counts from the London date, not the UTC date', () => {
    // Thu 9 July 2026 23:30 BST (22:30Z): London date Thu -> day1 Fri 10 -> Sat 11 00:00 BST
    expect(end('2026-07-09T22:30:00Z', 1)).toBe('2026-07-10T23:00:00.000Z');
    // Fri 10 July 00:30 BST (Thu 23:30Z!): London date Fri -> day1 Mon 13 -> Tue 14 00:00 BST
    expect(end('2026-07-09T23:30:00Z', 1)).toBe('2026-07-13T23:00:00.000Z');
    // Fri 16 Jan 2026 23:30 GMT: London date Fri -> day1 Mon 19 -> Tue 20 00:00
    expect(end('2026-01-16T23:30:00Z', 1)).toBe('2026-01-20T00:00:00.000Z');
  });

  it('rejects n < 1, non-integers and invalid starts', () => {
    const s = at('2026-06-01T10:00:00Z');
    expect(() => cal.endOfWorkingDay(s, 0)).toThrow(RangeError);
    expect(() => cal.endOfWorkingDay(s, -3)).toThrow(RangeError);
    expect(() => cal.endOfWorkingDay(s, 1.5)).toThrow(RangeError);
    expect(() => cal.endOfWorkingDay(s, NaN)).toThrow(RangeError);
    expect(() => cal.endOfWorkingDay(new Date(NaN), 1)).toThrow(RangeError);
  });
});

describe('workingDaysBefore / addWorkingDays', () => {
  it('close Monday 00:00 London, n = 2 -> Thursday 00:00 of the week before', () => {
    const close = at('2026-06-14T23:00:00Z'); // Mon 15 June 00:00 BST
    expect(iso(cal.workingDaysBefore(close, 2))).toBe('2026-06-10T23:00:00.000Z'); // Thu 11 00:00 BST
    expect(iso(cal.workingDaysBefore(close, 3))).toBe('2026-06-09T23:00:00.000Z'); // Wed 10 00:00 BST
    expect(iso(cal.workingDaysBefore(close, 0))).toBe(iso(close));
  });

  it('skips Easter and keeps the wall-clock time', () => {
    // Tue 7 Apr 2026 12:00 BST; back: Mon 6 BH, Fri 3 BH, Thu 2 (1), Wed 1 (2)
    expect(iso(cal.workingDaysBefore(at('2026-04-07T11:00:00Z'), 2))).toBe('2026-04-01T11:00:00.000Z');
  });

  it('keeps the London wall-clock time across the spring clock change', () => {
    // Wed 1 Apr 2026 10:00 BST; 3 back: Tue 31, Mon 30, Fri 27 Mar -> 10:00 GMT
    expect(iso(cal.workingDaysBefore(at('2026-04-01T09:00:00Z'), 3))).toBe('2026-03-27T10:00:00.000Z');
  });

  it('skips Christmas substitute days (2021)', () => {
    // Wed 29 Dec 2021 12:00: back over Tue 28, Mon 27 (substitutes): Fri 24 (1), Thu 23 (2)
    expect(iso(cal.workingDaysBefore(at('2021-12-29T12:00:00Z'), 2))).toBe('2021-12-23T12:00:00.000Z');
  });

  it('addWorkingDays steps forward, keeping the wall-clock time', () => {
    // Thu 2 Apr 2026 12:00 BST + 2: Tue 7 (1), Wed 8 (2)
    expect(iso(cal.addWorkingDays(at('2026-04-02T11:00:00Z'), 2))).toBe('2026-04-08T11:00:00.000Z');
    // Fri 23 Oct 2026 17:00 BST + 1 -> Mon 26 Oct 17:00 GMT
    expect(iso(cal.addWorkingDays(at('2026-10-23T16:00:00Z'), 1))).toBe('2026-10-26T17:00:00.000Z');
  });

  it('rejects negative or fractional counts', () => {
    expect(() => cal.workingDaysBefore(at('2026-06-15T10:00:00Z'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(at('2026-06-15T10:00:00Z'), 0.5)).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('addCalendarDays crosses months, years and leap days', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('workingDaysBetween counts the open interval', () => {
    expect(cal.workingDaysBetween('2026-04-02', '2026-04-08')).toBe(1); // only Tue 7
    expect(cal.workingDaysBetween('2026-06-01', '2026-06-01')).toBe(0);
    expect(cal.nextWorkingDay('2021-12-24')).toBe('2021-12-29');
    expect(cal.previousWorkingDay('2022-01-04')).toBe('2021-12-31');
  });
});
