import { describe, expect, it } from 'vitest';
import { checkExpectations, parseExpectations } from '../../../harness/expect/expectations.js';
import type { MetricRow } from '../../../harness/oracle/metric-row.js';

// ch-user central: truth 98 values in bucket 1000 (upper bound 1007) and 2 in bucket 61440 (upper 62463: 1 024 ms wide between 32 768 and 65 536).
const metrics: MetricRow[] = [
  { id: 'alert.hopLatency', labels: { hop: 'ch-user', network: 'central', bucket: '1000' }, truth: 98, observed: 98, reported: 0 },
  { id: 'alert.hopLatency', labels: { hop: 'ch-user', network: 'central', bucket: '61440' }, truth: 2, observed: 2, reported: 0 },
  { id: 'alert.hopLatency', labels: { hop: 'dsp-user', network: 'central', bucket: '400' }, truth: 5, observed: 5, reported: 5 },
];
const check = (line: string) => checkExpectations(parseExpectations([line]), { metrics, run: {} })[0];

describe('quantile expectations, k6-style p(q)', () => {
  it('takes a quantile of the bucket counts matching the label filter', () => {
    expect(check('alert.hopLatency{hop=ch-user,network=central}.truth.p(98) <= 1s')).toMatchObject({ passed: false, left: 1007 });
    expect(check('alert.hopLatency{hop=ch-user,network=central}.truth.p(98) <= 1007ms')?.passed).toBe(true);
    expect(check('alert.hopLatency{hop=ch-user}.observed.p(99) > 60s')).toMatchObject({ passed: true, left: 62_463 });
    expect(check('alert.hopLatency{hop=ch-user}.truth.p(99.5) == alert.hopLatency{hop=ch-user}.truth.p(99)')?.passed).toBe(true);
  });

  it('fails any comparison when the figure has no values', () => {
    expect(check('alert.hopLatency{hop=ch-user}.reported.p(50) <= 60s')?.passed).toBe(false);
    expect(check('alert.hopLatency{hop=ch-user}.reported.p(50) > 60s')?.passed).toBe(false);
  });

  it('keeps plain metric references working beside quantiles', () => {
    expect(check('alert.hopLatency{hop=dsp-user}.reported == 5')?.passed).toBe(true);
  });

  it('refuses a quantile out of range', () => {
    expect(() => parseExpectations(['alert.hopLatency.truth.p(150) < 1s'])).toThrow(
      expect.objectContaining({ code: 'SMSIM_ERR_EXPECT_SYNTAX' }),
    );
  });
});
