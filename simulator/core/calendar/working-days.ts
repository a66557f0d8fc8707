import { DAY, HOUR, ukDate, ukMidnight } from '../time.js';
import { BANK_HOLIDAYS_FIRST_YEAR, BANK_HOLIDAYS_LAST_YEAR, ENGLAND_AND_WALES_BANK_HOLIDAYS } from './bank-holidays.js';

/*
 * Working Days (docs/domain.md U7 [ASSUMPTION]: Monday–Friday except England & Wales bank holidays).
 * Dates are UK calendar dates "YYYY-MM-DD"; months are "YYYY-MM". MP122B R7: the PMR is due by
 * the 10th Working Day after the end of the reporting month.
 */

const HOLIDAYS: ReadonlySet<string> = new Set(ENGLAND_AND_WALES_BANK_HOLIDAYS.map(([d]) => d));

/** The PMR is due on this Working Day after month end (MP122B R7; SEC H3.24 reporting). */
export const PMR_DUE_WORKING_DAYS = 10;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (m === null) throw new RangeError(`not a date: ${date}`);
  const year = Number(m[1]);
  if (year < BANK_HOLIDAYS_FIRST_YEAR || year > BANK_HOLIDAYS_LAST_YEAR)
    throw new RangeError(`${date}: the Working Day calendar covers ${BANK_HOLIDAYS_FIRST_YEAR}–${BANK_HOLIDAYS_LAST_YEAR}`);
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3])) / DAY;
}

const dateOf = (dayNo: number): string => new Date(dayNo * DAY).toISOString().slice(0, 10);

export function isBankHoliday(date: string): boolean {
  dayNumber(date);
  return HOLIDAYS.has(date);
}

export function isWorkingDay(date: string): boolean {
  const weekday = new Date(dayNumber(date) * DAY).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !HOLIDAYS.has(date);
}

/** The n-th Working Day strictly after `date` (n ≥ 1); n = 0 gives `date` itself. */
export function nthWorkingDayAfter(date: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0 (got ${n})`);
  let day = dayNumber(date);
  let left = n;
  while (left > 0) {
    day += 1;
    if (isWorkingDay(dateOf(day))) left -= 1;
  }
  return dateOf(day);
}

/** The last calendar day of a month "YYYY-MM". */
export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The month after "YYYY-MM". */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
}

/** UK midnight that starts a UK calendar date, in ms since the epoch. */
export function ukDateStartMs(date: string): number {
  return ukMidnight(dayNumber(date) * DAY + 12 * HOUR);
}

/** The instant a reporting month ends: UK midnight starting the next month (exclusive end). */
export function monthEndMs(month: string): number {
  return ukDateStartMs(`${nextMonth(month)}-01`);
}

/** The date the PMR for `month` is due: the 10th Working Day after month end (MP122B R7). */
export function pmrDueDate(month: string): string {
  return nthWorkingDayAfter(lastDayOfMonth(month), PMR_DUE_WORKING_DAYS);
}

/**
 * `n` Working Days after the instant `ms`: the same UK local time of day on the n-th Working
 * Day after its date — how a Target Resolution Time in Working Days is counted [ASSUMPTION,
 * docs/domain.md §2.4: the SEC wording was not found].
 */
export function addWorkingDays(ms: number, n: number): number {
  const date = ukDate(ms);
  const intoDay = ms - ukDateStartMs(date);
  return ukDateStartMs(nthWorkingDayAfter(date, n)) + intoDay;
}
