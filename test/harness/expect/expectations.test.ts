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

describe('expectations on figures the pipeline does not report', () => {
  const partial: MetricRow[] = [
    { id: 'install.installAndLeave', labels: { region: 'north' }, truth: 10, observed: 4, reported: null },
    { id: 'srv.requests', labels: {}, truth: 3, observed: 3, reported: 3 },
    { id: 'alert.hopLatency', labels: { hop: 'ch-user', bucket: '100' }, truth: 2, observed: 2, reported: null },
  ];
  const families = new Set(['srv']);
  const on = (line: string) => checkExpectations(parseExpectations([line]), { metrics: partial, run, reportedFamilies: families })[0];

  it('fails, whatever the comparison, and names what is not reported; other figures are unaffected', () => {
    expect(on('install.installAndLeave.reported == install.installAndLeave.observed')).toEqual({
      expect: 'install.installAndLeave.reported == install.installAndLeave.observed',
      passed: false,
      left: null,
      right: 4,
      notReported: ['install.installAndLeave.reported'],
    });
    // "!= 0" would pass if a missing figure were taken as 0 ≠ … : it must not.
    expect(on('install.installAndLeave{region=north}.reported >= 0')).toMatchObject({
      passed: false,
      notReported: ['install.installAndLeave{region=north}.reported'],
    });
    expect(on('alert.hopLatency{hop=ch-user}.reported.p(99) <= 60s')).toMatchObject({
      passed: false,
      left: null,
      notReported: ['alert.hopLatency{hop=ch-user}.reported.p(99)'],
    });
    expect(on('install.installAndLeave.truth == 10')).toMatchObject({ passed: true, left: 10 });
    expect(on('srv.requests.reported == srv.requests.observed')).toMatchObject({ passed: true, left: 3, right: 3 });
  });

  it('a family with no figure at all is not reported either: no row is not the same as 0', () => {
    expect(on('firmware.received.reported == 0')).toMatchObject({ passed: false, left: null, notReported: ['firmware.received.reported'] });
  });
});
