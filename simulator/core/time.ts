/** Virtual time: integer milliseconds since the Unix epoch (UTC). */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };

/** Parses "90d", "12h", "15m", "30s", "250ms" or "2w"; returns undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (m === null) return undefined;
  const ms = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** The last Sunday of a month, 01:00 UTC: when GB clocks change (EU rule, in force since 1996). */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay();
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

/** Offset of UK local time (GMT/BST) from UTC at `ms`, in ms. */
export function ukOffsetMs(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  const bstStart = lastSundayAt0100Utc(year, 2);
  const bstEnd = lastSundayAt0100Utc(year, 9);
  return ms >= bstStart && ms < bstEnd ? HOUR : 0;
}

const dayCache = new Map<number, string>();

/**
 * The UK calendar date ("2026-03-02") of an instant. Reporting days and months follow UK local
 * time, not UTC: an alert at 00:30 BST on 1 April belongs to April. Cached per UTC hour, as the
 * hot path asks for the same few days over and over.
 */
export function ukDate(ms: number): string {
  const hourKey = Math.floor(ms / HOUR);
  let date = dayCache.get(hourKey);
  if (date === undefined) {
    date = new Date(hourKey * HOUR + ukOffsetMs(ms)).toISOString().slice(0, 10);
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(hourKey, date);
  }
  return date;
}

/** Midnight (UK local time) that starts the UK day containing `ms`, as ms since the epoch. */
export function ukMidnight(ms: number): number {
  const local = ms + ukOffsetMs(ms);
  const midnightLocal = local - (((local % DAY) + DAY) % DAY);
  // The offset at midnight can differ from the offset at `ms` only on clock-change days,
  // when the change happens at 01:00 UTC, after midnight: use the offset at midnight itself.
  return midnightLocal - ukOffsetMs(midnightLocal - HOUR);
}

/** UK local day of the week, 0 = Sunday … 6 = Saturday. */
export function ukWeekday(ms: number): number {
  return new Date(ms + ukOffsetMs(ms)).getUTCDay();
}

/** The UK reporting month ("2026-03") of an instant. */
export function ukMonth(ms: number): string {
  return ukDate(ms).slice(0, 7);
}
