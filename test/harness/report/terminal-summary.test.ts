import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../../harness/oracle/metric-row.js';
import { renderTerminal } from '../../../harness/report/render-terminal.js';
import type { RunReport } from '../../../harness/report/run-report.js';
import { bucketIndex, bucketLowerBound } from '../../../simulator/core/domain/metrics/histogram.js';

const b = (ms: number): string => String(bucketLowerBound(bucketIndex(ms)));
const hop = (h: string, network: string, ms: number, truth: number, observed: number, reported = observed): MetricRow => ({
  id: 'alert.hopLatency',
  labels: { hop: h, network, bucket: b(ms) },
  truth,
  observed,
  reported,
});
const srv = (id: string, cls: string, network: string, truth: number, observed = truth, reported = observed): MetricRow => ({
  id,
  labels: { srv: '4.1.1', process: 'billing', class: cls, network, smets: 'smets2', month: '2026-03' },
  truth,
  observed,
  reported,
});

const metrics: MetricRow[] = [
  // CPM1: identical in all three figures → one row. CPM2: reported differs → three rows.
  srv('srv.responses', 'on-demand', 'central', 4),
  srv('srv.withinTarget', 'on-demand', 'central', 3),
  srv('srv.responses', 'future-dated', 'central', 2),
  srv('srv.withinTarget', 'future-dated', 'central', 2, 2, 1),
  // ch-user central identical (shown as the R4 measure), north hidden from the DSP (CR1438),
  // dsp-user central identical (collapsed), dsp-user south with a pipeline difference (shown).
  hop('ch-user', 'central', 2000, 10, 10),
  hop('ch-user', 'north', 3000, 5, 0),
  hop('ch-csp', 'north', 1000, 5, 0),
  hop('dsp-user', 'central', 400, 10, 10),
  hop('dsp-user', 'south', 400, 10, 10, 9),
];

const report: RunReport = {
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
  metrics,
  expectations: [{ expect: 'run.lost == 0', passed: true, left: 0, right: 0 }],
  passed: true,
};

describe('the terminal summary', () => {
  const text = renderTerminal(report);
  const lines = text.split('\n');

  it('gives a CPM one row when truth, observed and reported agree, three when they do not', () => {
    expect(lines.some((l) => /^ {2}CPM1\s+all three\s+75\.00 %\s+75\.00 %\s+75\.00 %\s+0$/.test(l))).toBe(true);
    expect(lines.filter((l) => /^\s+(CPM2)?\s+(truth|observed|reported)\s+\d/.test(l)).length).toBe(3);
  });

  it('shows CH → User where visible, differing hops, names hidden hops on one line and counts the rest', () => {
    expect(text).toMatch(/ch-user central\s+\S+ ms \/ \S+ ms \/ \S+ ms \(10\)\s+same\s+same/);
    expect(text).toMatch(/dsp-user south\s+.*\(10\)\s+.*\(10\)\s+.*\(9\)/);
    expect(text).not.toMatch(/dsp-user central/);
    expect(text).toContain('not visible to the DSP (CR1438): ch-csp, ch-user on north');
    expect(text).toContain('1 other hop × network rows: truth = observed = reported');
    expect(text).toContain('PASS  run.lost == 0');
  });
});

describe('a count the truth never has', () => {
  it('prints no negative blind spot for it, and says why on the line below', () => {
    // alert.notMeasurable counts alerts whose CH receipt the DSP cannot see; the truth sees
    // every hop, so its figure is 0 and truth − observed (−7) would read as a negative blind spot.
    const alerts: MetricRow[] = [
      { id: 'alert.volume', labels: { network: 'north' }, truth: 10, observed: 10, reported: 10 },
      { id: 'alert.measured', labels: { network: 'north' }, truth: 10, observed: 3, reported: 3 },
      { id: 'alert.notMeasurable', labels: { network: 'north' }, truth: 0, observed: 7, reported: 7 },
    ];
    const text = renderTerminal({ ...report, metrics: alerts });
    expect(text).toMatch(/Alerts confirmed, CH receipt \(or DCC generation\) visible\s+10\s+3\s+3\s+\+7\s*$/m);
    expect(text).toMatch(/Alerts confirmed, CH receipt not visible\s+0\s+7\s+7\s*$/m);
    expect(text).not.toContain('−7');
    expect(text).toContain(
      'observed above truth by definition, no blind spot: Alerts confirmed, CH receipt not visible: CH receipt times the DSP cannot see (CR1438); the truth sees them all',
    );
  });
});
