import { describe, expect, it } from 'vitest';
import { checkExpectations, parseExpectations } from '../../../harness/expect/expectations.js';
import type { MetricRow } from '../../../harness/oracle/metric-row.js';

const metrics: MetricRow[] = [
  { id: 'install.installAndLeave', labels: { region: 'north', day: '2026-03-02' }, truth: 10, observed: 4, reported: 4 },
  { id: 'install.installAndLeave', labels: { region: 'south', day: '2026-03-02' }, truth: 6, observed: 6, reported: 5 },
];
const run = { lost: 0, duplicates: 0, sent: 100 };
const check = (line: string) => checkExpectations(parseExpectations([line]), { metrics, run })[0];

describe('expectations', () => {
  it('sums a metric over its labels, or over the rows matching a label filter', () => {
    expect(check('install.installAndLeave.truth == 16')).toMatchObject({ passed: true, left: 16, right: 16 });
    expect(check('install.installAndLeave{region=north}.reported == 4')?.passed).toBe(true);
    expect(
      check('install.installAndLeave{region=south, day=2026-03-02}.reported == install.installAndLeave{region=south}.observed'),
    ).toMatchObject({
      passed: false,
      left: 5,
      right: 6,
    });
  });

  it('does arithmetic, precedence and units', () => {
    expect(check('install.installAndLeave.reported < 0.5 * install.installAndLeave.truth')?.passed).toBe(false);
    expect(check('install.installAndLeave.reported <= 0.6 * install.installAndLeave.truth + 1')?.passed).toBe(true);
    expect(check('(1 + 2) * 3 == 9')?.passed).toBe(true);
    expect(check('2s == 2000')?.passed).toBe(true);
    expect(check('run.lost == 0')?.passed).toBe(true);
    expect(check('run.sent > 100')?.passed).toBe(false);
  });

  it.each([
    ['run.lost = 0', 'unexpected "= 0"'],
    ['run.lots == 0', 'unknown run field "lots"'],
    ['install.nope.truth == 1', 'unknown metric "install.nope"'],
    ['install.installAndLeave.truthy == 1', 'must end in .truth, .observed or .reported'],
    ['install.installAndLeave.truth', 'expected a comparison'],
    ['1 == 1 2', 'unexpected text after the expression'],
  ])('refuses %s', (line, why) => {
    expect(() => parseExpectations([line])).toThrow(
      expect.objectContaining({ code: 'SMSIM_ERR_EXPECT_SYNTAX', message: expect.stringContaining(why) }),
    );
  });
});
