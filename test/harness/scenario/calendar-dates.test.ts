import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { instant } from '../../../simulator/core/scenario/schema-primitives.js';
import { issuesOf, MINIMAL_SCENARIO } from '../../helpers/scenario-issues.js';

/**
 * Dates are calendar dates (issue "Hardening round 2", finding 1): Date.parse rolls 30 February
 * over to 2 March, so a scenario for a day that does not exist used to run in March.
 */

const withStart = (start: string): string => MINIMAL_SCENARIO.replace('"2026-03-02"', `"${start}"`);

describe('calendar dates in scenarios', () => {
  it.each([
    ['2026-02-30T00:00:00Z', 'day 30 does not exist: February 2026 has 28 days (2026 is not a leap year)'],
    ['2026-02-29', 'day 29 does not exist: February 2026 has 28 days (2026 is not a leap year)'],
    ['2026-02-29T12:00:00Z', 'day 29 does not exist: February 2026 has 28 days (2026 is not a leap year)'],
    ['2026-04-31', 'day 31 does not exist: April 2026 has 30 days'],
    ['2026-13-01', 'month 13 does not exist (01–12)'],
    ['2026-03-00', 'day 00 does not exist: March 2026 has 31 days'],
    ['2026-03-02T24:00:00Z', 'hour 24 does not exist (00–23)'],
    ['2026-03-02T23:60Z', 'minute 60 does not exist (00–59)'],
    ['2026-03-02T00:00:60Z', 'second 60 does not exist (00–59)'],
    ['2026-03-02T00:00:00+24:00', 'offset +24:00 does not exist (at most ±23:59)'],
  ])('refuses start %s, naming the path and the date', (date, why) => {
    expect(issuesOf(withStart(date))).toEqual([`x.yaml: start: "${date}" is not a calendar date: ${why}`]);
  });

  it('accepts leap days of leap years, and knows a century is one only every 400 years', () => {
    for (const date of ['2024-02-29', '2028-02-29T23:59:59Z'])
      expect(parseScenarioText(withStart(date), 'x.yaml').startMs).toBe(Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date));
    expect(instant.safeParse('2000-02-29').success).toBe(true);
    expect(instant.safeParse('2100-02-29').error?.issues.map((i) => i.message)).toEqual([
      '"2100-02-29" is not a calendar date: day 29 does not exist: February 2100 has 28 days (2100 is not a leap year)',
    ]);
  });

  it('checks every date field of a scenario, each with its own path', () => {
    const issues = issuesOf(`${MINIMAL_SCENARIO}traffic:
  outages:
    fixed: [{ network: north, start: "2026-02-29T10:00:00Z", duration: 1h }]
  incidents:
    fixed: [{ category: 3, network: north, raised: "2026-04-31T09:00:00Z" }]
measurement:
  exclusions:
    - { reason: other, validFrom: "2026-02-30", validTo: "2026-03-01" }
`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'x.yaml: traffic.outages.fixed[0].start: "2026-02-29T10:00:00Z" is not a calendar date: day 29 does not exist: February 2026 has 28 days (2026 is not a leap year)',
        'x.yaml: traffic.incidents.fixed[0].raised: "2026-04-31T09:00:00Z" is not a calendar date: day 31 does not exist: April 2026 has 30 days',
        'x.yaml: measurement.exclusions[0].validFrom: "2026-02-30" is not a calendar date: day 30 does not exist: February 2026 has 28 days (2026 is not a leap year)',
      ]),
    );
  });

  it('accepts exactly the date-times that exist, and resolves them as Date.parse always did', () => {
    const two = (n: number): string => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2097 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (y, mo, d, h, mi, s) => {
          const text = `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}Z`;
          const ms = Date.UTC(y, mo - 1, d, h, mi, s);
          const back = new Date(ms);
          // A date-time exists when building it from its fields does not roll over into another.
          const exists =
            mo >= 1 &&
            d >= 1 &&
            back.getUTCFullYear() === y &&
            back.getUTCMonth() === mo - 1 &&
            back.getUTCDate() === d &&
            back.getUTCHours() === h &&
            back.getUTCMinutes() === mi &&
            back.getUTCSeconds() === s;
          expect(instant.safeParse(text).success).toBe(exists);
          if (exists) expect(Date.parse(text)).toBe(ms);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('still accepts every scenario shipped in scenarios/', () => {
    for (const file of readdirSync('scenarios').filter((f) => f.endsWith('.yaml')))
      expect(() => parseScenarioText(readFileSync(`scenarios/${file}`, 'utf8'), `scenarios/${file}`)).not.toThrow();
  });
});
