export { WorkingDayCalendar, LONDON_TIME_ZONE, addCalendarDays, dayOfWeek } from './working-day-calendar';
export type { WorkingDayCalendarOptions, HolidaySource, BankHoliday } from './working-day-calendar';
export {
  accelerate,
  accelerateDuration,
  acceleratedGapBefore,
  assertAccelerationFactor,
  parseTimeAcceleration,
  MIN_TIME_ACCELERATION,
  MAX_TIME_ACCELERATION,
} from './time-acceleration';
