import { describe, expect, it } from 'vitest';
import { buildPmr } from '../../../harness/report/pmr.js';
import { renderPmrMarkdown } from '../../../harness/report/render-pmr-markdown.js';
import { cpmSummary } from '../../../harness/report/service-figures.js';
import { metricRow, runReport } from './run-report-fixture.js';

/*
 * MP122B §3: "The DCC will report and measure monthly service performance for User business
 * processes using SRVs" — so the PMR shows R1 per business process (and, as the OPR does, per
 * SMETS generation) in each month, not only over the run. MP122B §2 on CPM1 / CPM2: the old
 * methodology "Does not measure actual performance, rather a set of averages across a range of
 * Service Provider Service Measures" — that old-way figure stands beside the MP122 one.
 */
const srv = (
  id: string,
  srvCode: string,
  process: string,
  cls: string,
  network: string,
  smets: string,
  month: string,
  v: number,
  reason?: string,
) => metricRow(id, { srv: srvCode, process, class: cls, network, smets, month, ...(reason === undefined ? {} : { reason }) }, v, v, v);

const rows = [
  // March: 8.1.1 critical, Central: 40 responses, 36 within target, 4 failures.
  srv('srv.requests', '8.1.1', 'install-commission', 'critical', 'central', 'smets2', '2026-03', 40),
  srv('srv.responses', '8.1.1', 'install-commission', 'critical', 'central', 'smets2', '2026-03', 40),
  srv('srv.withinTarget', '8.1.1', 'install-commission', 'critical', 'central', 'smets2', '2026-03', 36),
  srv('srv.failures', '8.1.1', 'install-commission', 'critical', 'central', 'smets2', '2026-03', 4),
  // March: 4.1.1 on-demand, North: 100 responses, 99 within.
  srv('srv.responses', '4.1.1', 'billing', 'on-demand', 'north', 'smets2', '2026-03', 100),
  srv('srv.withinTarget', '4.1.1', 'billing', 'on-demand', 'north', 'smets2', '2026-03', 99),
  // March: 4.1.1 on-demand, IOC (SMETS1): 50 responses, 45 within, 5 failures; 10 excluded, 5 of them within.
  srv('srv.responses', '4.1.1', 'billing', 'on-demand', 'ioc', 'smets1', '2026-03', 50),
  srv('srv.withinTarget', '4.1.1', 'billing', 'on-demand', 'ioc', 'smets1', '2026-03', 45),
  srv('srv.failures', '4.1.1', 'billing', 'on-demand', 'ioc', 'smets1', '2026-03', 5),
  srv('srv.excluded', '4.1.1', 'billing', 'on-demand', 'ioc', 'smets1', '2026-03', 10, 'other'),
  srv('srv.excludedWithinTarget', '4.1.1', 'billing', 'on-demand', 'ioc', 'smets1', '2026-03', 5, 'other'),
  // April: 8.1.1 critical, Central: 10 responses, all within.
  srv('srv.responses', '8.1.1', 'install-commission', 'critical', 'central', 'smets2', '2026-04', 10),
  srv('srv.withinTarget', '8.1.1', 'install-commission', 'critical', 'central', 'smets2', '2026-04', 10),
];
const report = runReport({
  window: {
    start: '2026-03-01T00:00:00.000Z',
    end: '2026-04-15T00:00:00.000Z',
    startMs: Date.parse('2026-03-01T00:00:00Z'),
    endMs: Date.parse('2026-04-15T00:00:00Z'),
  },
  reporting: { asOfMs: Date.parse('2026-04-15T00:00:00Z'), latenessMs: 48 * 3_600_000, withinTargetRule: 'successfulResponse' },
  metrics: rows,
});
const pmr = buildPmr(report);
const [march, april] = pmr.months;

describe('the monthly PMR: R1 per business process and SMETS generation (item 7)', () => {
  it('gives each month its own rows', () => {
    expect(pmr.months.map((m) => m.month)).toEqual(['2026-03', '2026-04']);
    expect(march?.businessProcesses.map((b) => [b.process, b.smets])).toEqual([
      ['install-commission', 'smets2'],
      ['billing', 'smets1'],
      ['billing', 'smets2'],
    ]);
    expect(april?.businessProcesses.map((b) => [b.process, b.smets])).toEqual([['install-commission', 'smets2']]);
  });

  it('computes each row the MP122 way: (within − excluded within) ÷ (responses − excluded)', () => {
    const row = (m: typeof march, p: string, s: string) => m?.businessProcesses.find((b) => b.process === p && b.smets === s);
    expect(row(march, 'install-commission', 'smets2')?.reportedPercent).toBe(90); // 36 / 40
    expect(row(march, 'install-commission', 'smets2')?.failures).toEqual({ truth: 4, reported: 4 });
    expect(row(march, 'billing', 'smets1')?.reportedPercent).toBe(100); // (45 − 5) / (50 − 10)
    expect(row(march, 'billing', 'smets2')?.reportedPercent).toBe(99); // 99 / 100
    expect(row(april, 'install-commission', 'smets2')?.reportedPercent).toBe(100); // 10 / 10
    expect(row(march, 'install-commission', 'smets2')?.requests).toEqual({ truth: 40, reported: 40 });
  });

  it('renders the section in the PMR Markdown, with the within-target rule', () => {
    const md = renderPmrMarkdown(pmr);
    expect(md).toContain('### Service performance by business process and SMETS generation (R1)');
    expect(md).toContain('| install-commission | smets2 | 40 | 40 | 4 | 0 | 90.00 % | 90.00 % |');
    expect(md).toContain('`measurement.withinTarget: successfulResponse`');
  });
});

describe('the old-way CPM1 figure in pmr.json and report.json (item 6)', () => {
  // Levels in March (CPM1 classes: on-demand + critical), each Service Provider over its own traffic:
  const dsp = Math.round((10_000 * (36 + 99 + 45)) / (40 + 100 + 50)) / 100; // 94.74
  const north = 99; // 99 / 100
  const central = 90; // 36 / 40
  const smets1 = 90; // 45 / 50   (CSP South has no responses: no level)
  const oldWay = Math.round((100 * (dsp + north + central + smets1)) / 4) / 100;

  it('puts the month’s mean of provider levels beside the MP122 figure', () => {
    const cpm1 = march?.cpms.find((c) => c.cpm === 'CPM1');
    expect(cpm1?.oldWay).toEqual({ truthPercent: oldWay, reportedPercent: oldWay });
    // MP122 way: (36 + 99 + 45 − 5) / (190 − 10) = 175 / 180.
    expect(cpm1?.reportedPercent).toBe(Math.round((175 / 180) * 10_000) / 100);
    expect(april?.cpms.find((c) => c.cpm === 'CPM1')?.oldWay).toEqual({ truthPercent: 100, reportedPercent: 100 });
  });

  it('summarises the whole run in report.json without NaN: no CPM2 traffic is null', () => {
    const [c1, c2] = cpmSummary(rows);
    expect(c1?.cpm).toBe('CPM1');
    // Over the run: DSP (36 + 99 + 45 + 10) / 200 = 95, North 99, Central 46 / 50 = 92, SMETS1 90.
    expect(c1?.oldWay.reported).toBe(Math.round((100 * (95 + 99 + 92 + 90)) / 4) / 100);
    expect(c1?.mp122.reported).toBe(Math.round((10_000 * (190 - 5)) / (200 - 10)) / 100);
    expect(c2).toEqual({
      cpm: 'CPM2',
      oldWay: { truth: null, observed: null, reported: null },
      mp122: { truth: null, observed: null, reported: null },
      withoutExclusions: { truth: null, observed: null, reported: null },
    });
    expect(JSON.parse(JSON.stringify(c1))).toEqual(c1);
  });
});
