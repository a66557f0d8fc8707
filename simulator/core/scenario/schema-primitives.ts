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

export const instant = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) && Number.isFinite(Date.parse(s)),
    'must be an ISO 8601 date or date-time such as "2026-03-02" or "2026-03-02T00:00:00Z"',
  )
  // The wire refuses event times outside [MIN_EVENT_TIME_MS, MAX_EVENT_TIME_MS) as absurd
  // (domain/wire-limits.ts); a run of up to 400 days from a start before LATEST_START_MS stays inside.
  .refine((s) => {
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
