import { describe, expect, it } from 'vitest';
import { parseDuration, ukDate, ukMidnight, ukWeekday } from '../../../simulator/core/time.js';

describe('UK calendar days', () => {
  it('follows GMT in winter and BST in summer', () => {
    expect(ukDate(Date.parse('2026-03-02T23:59:59Z'))).toBe('2026-03-02');
    // BST starts 29 March 2026 at 01:00 UTC: 23:30 UTC is 00:30 on the 30th.
    expect(ukDate(Date.parse('2026-03-29T23:30:00Z'))).toBe('2026-03-30');
    expect(ukDate(Date.parse('2026-03-29T00:30:00Z'))).toBe('2026-03-29');
    // BST ends 25 October 2026 at 01:00 UTC.
    expect(ukDate(Date.parse('2026-10-24T23:30:00Z'))).toBe('2026-10-25');
    expect(ukDate(Date.parse('2026-10-25T23:30:00Z'))).toBe('2026-10-25');
  });

  it('finds local midnight on clock-change days', () => {
    expect(ukMidnight(Date.parse('2026-03-29T12:00:00Z'))).toBe(Date.parse('2026-03-29T00:00:00Z'));
    expect(ukMidnight(Date.parse('2026-03-30T12:00:00Z'))).toBe(Date.parse('2026-03-29T23:00:00Z'));
    expect(ukMidnight(Date.parse('2026-10-25T12:00:00Z'))).toBe(Date.parse('2026-10-24T23:00:00Z'));
    expect(ukMidnight(Date.parse('2026-10-26T12:00:00Z'))).toBe(Date.parse('2026-10-26T00:00:00Z'));
    expect(ukWeekday(Date.parse('2026-03-02T12:00:00Z'))).toBe(1);
  });

  it('parses durations', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('7 days')).toBeUndefined();
    expect(parseDuration('-1d')).toBeUndefined();
  });
});
