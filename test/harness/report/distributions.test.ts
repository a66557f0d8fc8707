import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../../harness/oracle/metric-row.js';
import { breakdownTable, formatMs, isDistribution, summariseDistribution } from '../../../harness/report/distributions.js';
import { renderTerminal } from '../../../harness/report/render-terminal.js';
import { bucketLabel, bucketUpperBound, bucketIndex } from '../../../simulator/core/domain/metrics/histogram.js';

const row = (id: string, labels: Record<string, string>, truth: number, observed: number, reported = observed): MetricRow => ({
  id,
  labels,
  truth,
  observed,
  reported,
});
const H = 3_600_000;

describe('distribution rendering helpers', () => {
  // 10 values: 8 at 1 h, 1 at 10 h, 1 at 30 h (truth); observed lacks the 30 h one.
  const rows: MetricRow[] = [
    row('firmware.timeToReceiptMs', { network: 'north', bucket: bucketLabel(H) }, 5, 5),
    row('firmware.timeToReceiptMs', { network: 'south', bucket: bucketLabel(H) }, 3, 3),
    row('firmware.timeToReceiptMs', { network: 'south', bucket: bucketLabel(10 * H) }, 1, 1),
    row('firmware.timeToReceiptMs', { network: 'south', bucket: bucketLabel(30 * H) }, 1, 0),
    row('firmware.targets', { network: 'north', deviceType: 'PPMID' }, 7, 7),
    row('firmware.targets', { network: 'north', deviceType: 'PPMID', month: '2026-02' }, 1, 1),
    row('firmware.received', { network: 'north', deviceType: 'PPMID' }, 6, 0),
  ];
  const upper = (v: number): number => bucketUpperBound(bucketIndex(v));

  it('recognises distributions by their Ms suffix and bucket label', () => {
    expect(isDistribution('firmware.timeToReceiptMs', rows)).toBe(true);
    expect(isDistribution('firmware.targets', rows)).toBe(false);
  });

  it('derives p50 / p95 / p99 per figure, merging label groups when asked', () => {
    const [all] = summariseDistribution(rows, 'firmware.timeToReceiptMs', []);
    expect(all?.figures.truth.count).toBe(10);
    expect(all?.figures.truth.quantiles).toEqual([upper(H), upper(30 * H), upper(30 * H)]);
    expect(all?.figures.observed.count).toBe(9);
    expect(all?.figures.observed.quantiles).toEqual([upper(H), upper(10 * H), upper(10 * H)]);
    const byNetwork = summariseDistribution(rows, 'firmware.timeToReceiptMs');
    expect(byNetwork.map((g) => [g.labels.network, g.figures.truth.count])).toEqual([
      ['north', 5],
      ['south', 5],
    ]);
  });

  it('formats durations for people', () => {
    expect([formatMs(850), formatMs(12_500), formatMs(252_000), formatMs(6.1 * H), formatMs(55 * H), formatMs(Number.NaN)]).toEqual([
      '850 ms',
      '12.5 s',
      '4.2 min',
      '6.1 h',
      '2.3 d',
      '–',
    ]);
  });

  it('builds a breakdown table of truth / observed / reported by labels', () => {
    const t = breakdownTable(rows, ['deviceType', 'network'], ['firmware.targets', 'firmware.received'], (id) => id);
    expect(t).toEqual([
      ['deviceType', 'network', 'firmware.targets', 'firmware.received'],
      ['PPMID', 'north', '8 / 8 / 8', '6 / 0 / 0'],
    ]);
  });

  it('shows a distribution as quantiles in the terminal summary, not as a bucket sum', () => {
    const text = renderTerminal({
      schemaVersion: 2,
      smsimVersion: 'x',
      scenario: { name: 's', file: 's.yaml', description: '', shardCount: 1, expect: [] },
      runId: 's-1',
      seed: '1',
      fingerprint: 'f',
      window: { start: 'a', end: 'b', startMs: 0, endMs: 1 },
      pipeline: { kind: 'embedded', target: 't', families: ['alert', 'availability', 'firmware', 'incident', 'install', 'pmr', 'srv'] },
      run: {
        workers: 1,
        shards: 1,
        batches: 1,
        bytes: 1,
        sent: 1,
        acked: 1,
        lost: 0,
        duplicates: 0,
        resent: 0,
        rejected: 0,
        wallSeconds: 1,
        eventsPerSecond: 1,
        peakRssBytes: 0,
      },
      shards: [],
      metrics: rows,
      expectations: [],
      passed: true,
    });
    expect(text).toMatch(/11\.1 → receipt p50\s+1\.0 h\s+1\.0 h\s+1\.0 h/);
    expect(text).toMatch(/11\.1 → receipt p99\s+1\.3 d\s+10\.\d h/);
    expect(text).toContain('8 / 8 / 8');
  });
});
