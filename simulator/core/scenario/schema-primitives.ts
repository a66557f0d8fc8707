import { z } from 'zod';
import { MIN_EVENT_TIME_MS } from '../domain/wire-limits.js';
import { parseDuration } from '../time.js';

/* Building blocks of the scenario schema: numbers, shares, durations and instants with messages a person can act on. */

export const share = (): z.ZodNumber => z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
export const nonNegative = (): z.ZodNumber => z.number().min(0, 'must be ≥ 0').max(1e12, 'must be ≤ 1e12');
export const positiveInt = (max: number): z.ZodNumber =>
  z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(max, `must be ≤ ${max}`);

export const duration = (what: string) =>
  z.string().refine((s) => {
    const ms = parseDuration(s);
    return ms !== undefined && ms > 0 && ms <= 400 * 24 * 3600 * 1000;
  }, `must be a ${what} such as "7d", "12h" or "30m" (at most 400d)`);

/** Two years inside the wire's MAX_EVENT_TIME_MS, so the longest run (400 days) fits. */
const LATEST_START_MS = Date.UTC(2098, 0, 1);

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Why an ISO 8601 string that has the right shape is not a real calendar date-time, or undefined
 * when it is one. Checked field by field because Date.parse rolls "2026-02-30" over to 2 March
 * and "T24:00" over to the next day instead of refusing them.
 */
export function calendarProblem(s: string): string | undefined {
  const m = ISO_INSTANT.exec(s);
  if (m === null) return undefined;
  const field = (i: number): number => Number(m[i] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  if (month < 1 || month > 12) return `month ${m[2]} does not exist (01–12)`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days)
    return `day ${m[3]} does not exist: ${MONTHS[month - 1]} ${m[1]} has ${days} days${days === 28 ? ` (${m[1]} is not a leap year)` : ''}`;
  if (field(4) > 23) return `hour ${m[4]} does not exist (00–23)`;
  if (field(5) > 59) return `minute ${m[5]} does not exist (00–59)`;
  if (field(6) > 59) return `second ${m[6]} does not exist (00–59)`;
  if (field(7) > 23 || field(8) > 59) return `offset ${s.slice(-6)} does not exist (at most ±23:59)`;
  return undefined;
}

export const instant = z
  .string()
  .refine((s) => ISO_INSTANT.test(s), 'must be an ISO 8601 date or date-time such as "2026-03-02" or "2026-03-02T00:00:00Z"')
  // Refused rather than rolled over: a scenario meant for 30 February must not silently run in March.
  .superRefine((s, ctx) => {
    const problem = calendarProblem(s);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `"${s}" is not a calendar date: ${problem}` });
  })
  // The wire refuses event times outside [MIN_EVENT_TIME_MS, MAX_EVENT_TIME_MS) as absurd
  // (domain/wire-limits.ts); a run of up to 400 days from a start before LATEST_START_MS stays inside.
  .refine((s) => {
    if (!ISO_INSTANT.test(s) || calendarProblem(s) !== undefined) return true;
    const ms = Date.parse(s);
    return !Number.isFinite(ms) || (ms >= MIN_EVENT_TIME_MS && ms < LATEST_START_MS);
  }, 'must be between 2000-01-01 and 2097-12-31');

/** A duration from a reference time, zero allowed ("0s", "36h", "2d"). */
export const offset = z.string().refine((s) => {
  const ms = parseDuration(s);
  return ms !== undefined && ms >= 0 && ms <= 400 * 24 * 3600 * 1000;
}, 'must be a duration such as "0s", "12h" or "2d" (at most 400d)');

export const FIRMWARE_DEVICE_TYPES = ['CH', 'ESME', 'GSME', 'PPMID'] as const;
export const NETWORK_NAMES = ['north', 'central', 'south', 'ioc', 'moc', 'foc'] as const;
