import { describe, expect, it } from 'vitest';
import { checkExpectations, parseExpectations } from '../../../harness/expect/expectations.js';
import type { MetricRow } from '../../../harness/oracle/metric-row.js';
import { expectationValues } from '../../../harness/report/run-phrases.js';

// 98 values in bucket 1000 (upper bound 1007 ms) and 2 in bucket 61440 (upper bound 62 463 ms).
const metrics: MetricRow[] = [
  { id: 'alert.hopLatency', labels: { hop: 'ch-user', network: 'central', bucket: '1000' }, truth: 98, observed: 98, reported: 98 },
  { id: 'alert.hopLatency', labels: { hop: 'ch-user', network: 'central', bucket: '61440' }, truth: 2, observed: 2, reported: 2 },
  { id: 'install.installAndLeave', labels: { region: 'north', day: '2026-03-02' }, truth: 40, observed: 40, reported: 38 },
];
const run = { ackLatencyP99: 4735, wallSeconds: 12.5, lost: 0, peakRssBytes: 150_000_000 };
const say = (line: string): string => expectationValues(checkExpectations(parseExpectations([line]), { metrics, run })[0] as never);

describe('expectation failures carry their unit', () => {
  it('says ms for a latency, whichever side carries it', () => {
    expect(say('run.ackLatencyP99 <= 1s')).toBe('value 4,735 ms, limit 1,000 ms');
    expect(say('alert.hopLatency{hop=ch-user}.truth.p(99) <= 60s')).toBe('truth 62,463 ms, limit 60,000 ms');
    expect(say('alert.hopLatency{hop=ch-user}.reported.p(99) <= 2 * alert.hopLatency{hop=ch-user}.truth.p(50)')).toBe(
      'reported 62,463 ms, value 2,014 ms',
    );
    expect(say('500ms >= run.ackLatencyP99')).toBe('limit 500 ms, value 4,735 ms');
  });

  it('says s, bytes for run fields, and nothing for counts and ratios of counts', () => {
    expect(say('run.wallSeconds < 10')).toBe('value 12.5 s, limit 10 s');
    expect(say('run.peakRssBytes < 100000000')).toBe('value 150,000,000 bytes, limit 100,000,000 bytes');
    expect(say('install.installAndLeave.reported >= install.installAndLeave.truth')).toBe('reported 38, truth 40');
    expect(say('install.installAndLeave.reported / install.installAndLeave.truth >= 1')).toBe('value 0.95, limit 1');
  });
});
