import { describe, expect, it } from 'vitest';
import { ENGLAND_AND_WALES_BANK_HOLIDAYS } from '../../../../simulator/core/calendar/bank-holidays.js';
import {
  addWorkingDays,
  isBankHoliday,
  isWorkingDay,
  lastDayOfMonth,
  monthEndMs,
  nthWorkingDayAfter,
  pmrDueDate,
} from '../../../../simulator/core/calendar/working-days.js';

describe('Working Day calendar (England & Wales)', () => {
  it('puts the PMR for March 2026 on 16 April, after Good Friday and Easter Monday', () => {
    expect(isBankHoliday('2026-04-03')).toBe(true);
    expect(isBankHoliday('2026-04-06')).toBe(true);
    expect(nthWorkingDayAfter('2026-03-31', 10)).toBe('2026-04-16');
    expect(pmrDueDate('2026-03')).toBe('2026-04-16');
  });

  it('puts the PMR for December 2026 on 15 January 2027 (Boxing Day substitute, New Year)', () => {
    expect(isBankHoliday('2026-12-28')).toBe(true); // 26 Dec 2026 is a Saturday
    expect(pmrDueDate('2026-12')).toBe('2027-01-15');
  });

  it('knows the one-off and substitute days', () => {
    for (const d of [
      '2022-06-02',
      '2022-06-03',
      '2022-09-19',
      '2023-05-08',
      '2020-05-08',
      '2021-12-27',
      '2021-12-28',
      '2022-01-03',
      '2022-12-27',
      '2023-01-02',
    ])
      expect(isBankHoliday(d), d).toBe(true);
    expect(isBankHoliday('2020-05-04')).toBe(false); // Early May moved to VE Day in 2020
    expect(isBankHoliday('2022-05-30')).toBe(false); // Spring moved to 2 June in 2022
  });

  it('has eight or more holidays every year 2019–2035, none on a weekend', () => {
    for (let y = 2019; y <= 2035; y++)
      expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.filter(([d]) => d.startsWith(`${y}-`)).length).toBeGreaterThanOrEqual(8);
    for (const [d] of ENGLAND_AND_WALES_BANK_HOLIDAYS) expect([0, 6]).not.toContain(new Date(`${d}T12:00:00Z`).getUTCDay());
  });

  it('counts weekends out and n = 0 as the day itself', () => {
    expect(isWorkingDay('2026-03-07')).toBe(false);
    expect(isWorkingDay('2026-03-09')).toBe(true);
    expect(nthWorkingDayAfter('2026-03-06', 1)).toBe('2026-03-09');
    expect(nthWorkingDayAfter('2026-03-06', 0)).toBe('2026-03-06');
    expect(() => nthWorkingDayAfter('2040-01-01', 1)).toThrow(RangeError);
  });

  it('adds Working Days at the same UK time of day, across the clock change', () => {
    // Wed 25 March 10:00 GMT + 5 WD = Wed 1 April 10:00 BST (09:00 UTC).
    expect(new Date(addWorkingDays(Date.parse('2026-03-25T10:00:00Z'), 5)).toISOString()).toBe('2026-04-01T09:00:00.000Z');
    // Thu 2 April 10:00 BST + 2 WD skips Good Friday and Easter Monday: Wed 8 April.
    expect(new Date(addWorkingDays(Date.parse('2026-04-02T09:00:00Z'), 2)).toISOString()).toBe('2026-04-08T09:00:00.000Z');
  });

  it('ends a month at UK midnight', () => {
    expect(lastDayOfMonth('2026-02')).toBe('2026-02-28');
    expect(new Date(monthEndMs('2026-03')).toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(new Date(monthEndMs('2026-12')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('scenario start within the calendar', () => {
  it('refuses a run outside the Working Day data, naming start', async () => {
    const { ScenarioSchema } = await import('../../../../simulator/core/scenario/schema.js');
    const base = { name: 't', seed: 1, duration: '7d', estate: { premises: 10 }, serviceUsers: [{ name: 'A', share: 1 }] };
    const bad = ScenarioSchema.safeParse({ ...base, start: '2040-01-01' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['start']);
    expect(ScenarioSchema.safeParse({ ...base, start: '2026-03-02' }).success).toBe(true);
  });
});
