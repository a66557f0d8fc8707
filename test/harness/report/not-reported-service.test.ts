import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../harness/report/render-markdown.js';
import { renderTerminal } from '../../../harness/report/render-terminal.js';
import { cpmFigures } from '../../../harness/report/service-figures.js';
import { bucketLabel } from '../../../simulator/core/domain/metrics/histogram.js';
import { metricRow as m, runReport } from './run-report-fixture.js';

// Derived figures (CPM percentages, quantiles, per-process tables) over families the pipeline
// does not report: not reported as a whole, never a ratio or quantile of zeros.
const H = 3_600_000;
const L = (cls: string) => ({ srv: '4.1.1', process: 'billing', class: cls, network: 'central', smets: 'smets2', month: '2026-03' });
const report = runReport({
  pipeline: { kind: 'external', target: '127.0.0.1:1', families: ['install'] },
  metrics: [
    m('firmware.timeToReceiptMs', { network: 'north', bucket: bucketLabel(H) }, 5, 5, null),
    m('alert.hopLatency', { hop: 'ch-user', network: 'central', bucket: bucketLabel(2000) }, 10, 10, null),
    m('alert.hopLatency', { hop: 'dsp-user', network: 'central', bucket: bucketLabel(400) }, 10, 10, null),
    m('alert.hopLatency', { hop: 'ch-csp', network: 'north', bucket: bucketLabel(2000) }, 10, 0, null),
    m('alert.throughput', { interval: '2026-03-03T19:30Z' }, 3, 3, null),
    m('srv.responses', L('on-demand'), 4, 4, null),
    m('srv.withinTarget', L('on-demand'), 3, 3, null),
  ],
});
const cells = (line: string | undefined): string[] => (line ?? '').trim().split(/ {2,}/);

describe('derived figures of a family that is not reported', () => {
  it('gives CPM1 / CPM2 no reported percentage, even for a class with no rows', () => {
    const [cpm1, cpm2] = cpmFigures(report.metrics);
    expect(cpm1?.mp122).toEqual({ truth: 75, observed: 75, reported: null });
    expect(cpm2?.responses).toEqual({ truth: 0, observed: 0, reported: null });
  });

  it('shows "not reported" quantiles and CPM rows in the terminal summary', () => {
    const lines = renderTerminal(report).split('\n');
    expect(cells(lines.find((l) => l.startsWith('  11.1 → receipt p99')))).toEqual([
      '11.1 → receipt p99',
      '1.0 h',
      '1.0 h',
      'not reported',
    ]);
    const cpmReported = lines.filter((l) => /^\s+reported\s+not reported/.test(l)).map(cells);
    expect(cpmReported).toEqual([
      ['reported', ...Array(4).fill('not reported')],
      ['reported', ...Array(4).fill('not reported')],
    ]);
    expect(cells(lines.find((l) => l.startsWith('  ch-user central')))).toEqual([
      'ch-user central',
      '2,015 ms / 2,015 ms / 2,015 ms (10)',
      'same',
      'not reported',
    ]);
    expect(lines).toContain('  not visible to the DSP (CR1438): ch-csp on north');
    expect(lines).toContain('  1 other hop × network rows: truth = observed, reported: not reported (all in report.md)');
  });

  it('shows "not reported" quantiles, CPM rows and throughput in report.md', () => {
    const md = renderMarkdown(report).split('\n');
    expect(md).toContain('| north | 5 | p50 1.0 h · p95 1.0 h · p99 1.0 h | p50 1.0 h · p95 1.0 h · p99 1.0 h | not reported |');
    expect(md).toContain('| CPM1 | truth | 75.00 % | 75.00 % | 75.00 % | 4 | 0 |');
    expect(
      md.filter((l) => l === '|  | reported | not reported | not reported | not reported | not reported | not reported |'),
    ).toHaveLength(4);
    expect(md).toContain('|  |  | reported | not reported | not reported | not reported | not reported |');
    expect(md).toContain('| 2026-03-03T19:30Z | 3 | 3 | not reported |  |');
  });
});
