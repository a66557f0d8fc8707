import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../harness/cli/program.js';
import type { MetricRow } from '../../../harness/oracle/metric-row.js';
import { buildPmr, monthsOf } from '../../../harness/report/pmr.js';
import { renderHtml } from '../../../harness/report/render-html.js';
import { renderPmrMarkdown } from '../../../harness/report/render-pmr-markdown.js';
import type { RunReport } from '../../../harness/report/run-report.js';
import { cpmFigures } from '../../../harness/report/service-figures.js';

const HOUR = 3_600_000;
const row = (id: string, labels: Record<string, string>, truth: number, reported = truth): MetricRow => ({
  id,
  labels,
  truth,
  observed: reported,
  reported,
});

const metrics: MetricRow[] = [
  row('incident.raised', { category: '3', smets: 'smets2', resolver: 'csp-north', month: '2026-03' }, 2),
  row('incident.closed', { category: '3', smets: 'smets2', resolver: 'csp-north', month: '2026-03' }, 1),
  row('incident.closedWithinTarget', { category: '3', smets: 'smets2', resolver: 'csp-north', month: '2026-03' }, 1),
  row('incident.openAtMonthEnd', { category: '3', smets: 'smets2', resolver: 'csp-north', month: '2026-03' }, 1),
  row('incident.closed', { category: '3', smets: 'smets2', resolver: 'csp-north', month: '2026-04' }, 1),
  row('incident.closed', { category: '4', smets: 'smets1', resolver: 'smets1-sp', month: '2026-03' }, 3),
  row('incident.closedWithinTarget', { category: '4', smets: 'smets1', resolver: 'smets1-sp', month: '2026-03' }, 2, 1),
  row('incident.closed', { category: '1', smets: 'smets2', resolver: 'dcc', month: '2026-03' }, 1),
  row('availability.downtimeMinutes', { network: 'north', kind: 'unplanned', day: '2026-03-31' }, 60),
  row('availability.downtimeMinutes', { network: 'north', kind: 'unplanned', day: '2026-04-01' }, 120),
  row('availability.downtimeMinutes', { network: 'moc', kind: 'planned', day: '2026-03-10' }, 100),
  row('install.installAndCommission', { region: 'north', day: '2026-03-02' }, 5, 4),
  row('install.installAndCommission', { region: 'south', day: '2026-04-01' }, 3),
];

const report: RunReport = {
  schemaVersion: 2,
  smsimVersion: 'test',
  scenario: { name: 'pmr-test', file: 'x.yaml', description: '', shardCount: 1, expect: [] },
  runId: 'pmr-test-0123456789ab',
  seed: '1',
  fingerprint: 'f'.repeat(64),
  window: {
    start: '2026-03-01T00:00:00.000Z',
    end: '2026-04-08T00:00:00.000Z',
    startMs: Date.parse('2026-03-01T00:00:00Z'),
    endMs: Date.parse('2026-04-08T00:00:00Z'),
  },
  pipeline: {
    kind: 'embedded',
    target: '127.0.0.1:1',
    families: ['alert', 'availability', 'firmware', 'incident', 'install', 'pmr', 'srv'],
  },
  run: {
    workers: 1,
    shards: 1,
    batches: 1,
    bytes: 1,
    sent: 10,
    acked: 10,
    lost: 0,
    duplicates: 0,
    resent: 0,
    rejected: 0,
    wallSeconds: 1,
    eventsPerSecond: 10,
    peakRssBytes: 0,
  },
  shards: [],
  metrics,
  reporting: { asOfMs: Date.parse('2026-04-08T00:00:00Z'), latenessMs: 48 * HOUR },
  expectations: [],
  passed: true,
};

describe('the PMR', () => {
  const pmr = buildPmr(report);
  const [march, april] = pmr.months;

  it('covers the months of the run, final and provisional, with due and data-complete dates', () => {
    expect(monthsOf(report.window.startMs, report.window.endMs)).toEqual(['2026-03', '2026-04']);
    expect(march).toMatchObject({
      month: '2026-03',
      status: 'final',
      dueDate: '2026-04-16',
      dataCompleteAt: '2026-04-02T23:00:00.000Z',
      completeByDueDate: true,
      coverage: 1,
    });
    expect(april).toMatchObject({ month: '2026-04', status: 'provisional', dueDate: '2026-05-15' });
  });

  it('computes CPM4 / CPM5 from incidents closed in the month and leaves absent CPMs unmeasured', () => {
    const cpm = (m: typeof march, id: string) => m?.cpms.find((c) => c.cpm === id);
    expect(cpm(march, 'CPM1')).toMatchObject({ measured: false });
    expect(cpm(march, 'CPM4')).toMatchObject({
      measured: true,
      within: { truth: 0, reported: 0 },
      total: { truth: 1, reported: 1 },
      reportedPercent: 0,
    });
    // CPM5: Cat 3–5 closed in March = 1 + 3; within: truth 1 + 2, reported 1 + 1.
    expect(cpm(march, 'CPM5')).toMatchObject({
      total: { truth: 4, reported: 4 },
      within: { truth: 3, reported: 2 },
      truthPercent: 75,
      reportedPercent: 50,
    });
    expect(cpm(april, 'CPM5')).toMatchObject({ total: { truth: 1, reported: 1 }, within: { truth: 0, reported: 0 } });
  });

  it('tabulates Category 3–5 incidents by SMETS generation and resolver group', () => {
    expect(march?.incidents).toEqual([
      {
        category: '3',
        smets: 'smets2',
        resolver: 'csp-north',
        openAtMonthEnd: { truth: 1, reported: 1 },
        raised: { truth: 2, reported: 2 },
        closed: { truth: 1, reported: 1 },
        closedWithinTarget: { truth: 1, reported: 1 },
        responded: { truth: 0, reported: 0 },
        respondedWithinTarget: { truth: 0, reported: 0 },
      },
      {
        category: '4',
        smets: 'smets1',
        resolver: 'smets1-sp',
        openAtMonthEnd: { truth: 0, reported: 0 },
        raised: { truth: 0, reported: 0 },
        closed: { truth: 3, reported: 3 },
        closedWithinTarget: { truth: 2, reported: 1 },
        responded: { truth: 0, reported: 0 },
        respondedWithinTarget: { truth: 0, reported: 0 },
      },
    ]);
  });

  it('derives availability per region from unplanned downtime over the minutes of the month', () => {
    // March 2026: 31 days less the hour lost to BST = 44,580 minutes.
    expect(march?.availability.map((a) => [a.network, a.minutes, a.unplannedDowntime.reported, a.reportedPercent])).toEqual([
      ['north', 44_580, 60, 99.865],
      ['central', 44_580, 0, 100],
      ['south', 44_580, 0, 100],
      ['moc', 44_580, 0, 100],
    ]);
    expect(march?.availability.find((a) => a.network === 'moc')?.plannedDowntime.reported).toBe(100);
  });

  it('totals any metric with a day or month label per month', () => {
    const install = march?.sections.find((s) => s.title.startsWith('Install'));
    expect(install?.rows).toEqual([
      { id: 'install.installAndCommission', name: 'Install & Commission (8.14.1)', truth: 5, observed: 4, reported: 4 },
    ]);
  });

  it('renders Markdown with not-measured CPMs and an offline HTML page with a chart per view', () => {
    const md = renderPmrMarkdown(pmr);
    expect(md).toContain('| CPM1 | On-Demand Service Responses within TRT | not measured in this run |');
    expect(md).toContain('## 2026-04 — provisional');
    const html = renderHtml(report, pmr);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|@import|src=/i);
    // Chosen charts, never one with a single bar: installs per day (2026-03-02 … 2026-04-01),
    // downtime per network (north, moc) and per day. Incidents were raised in one month only: a
    // table, no chart.
    expect(html.match(/<svg /g)?.length).toBe(3);
    expect(html).toContain('<svg class="chart" data-points="31" ');
    expect(html).toContain('<svg class="chart" data-categories="2" ');
    expect(html).not.toContain('Incidents raised per month');
    expect(html).toContain('not measured in this run');
  });
});

describe('CPM1–CPM3 in the PMR', () => {
  const m3 = (cls: string, network = 'north') => ({
    srv: '4.1.1',
    process: 'billing',
    class: cls,
    network,
    smets: network === 'ioc' ? 'smets1' : 'smets2',
    month: '2026-03',
  });
  const srvMarch: MetricRow[] = [
    row('srv.responses', m3('on-demand'), 10, 9),
    row('srv.withinTarget', m3('on-demand'), 8, 7),
    row('srv.responses', m3('critical', 'ioc'), 5),
    row('srv.withinTarget', m3('critical', 'ioc'), 4),
    // Transforms have their own TRT and are in neither CPM.
    row('srv.responses', m3('transform'), 100),
    row('srv.withinTarget', m3('transform'), 100),
    row('srv.excluded', { ...m3('on-demand'), reason: 'user-orchestration' }, 2),
    row('srv.excludedWithinTarget', { ...m3('on-demand'), reason: 'user-orchestration' }, 1),
    row('srv.responses', m3('future-dated'), 4),
    row('srv.withinTarget', m3('future-dated'), 3),
    row('srv.responses', m3('dcc-scheduled'), 6),
    row('srv.withinTarget', m3('dcc-scheduled'), 6),
  ];
  const metrics: MetricRow[] = [
    ...srvMarch,
    row('srv.responses', { ...m3('on-demand'), month: '2026-04' }, 3),
    row('srv.withinTarget', { ...m3('on-demand'), month: '2026-04' }, 3),
    row('alert.measured', { network: 'central', smets: 'smets2', month: '2026-03' }, 20),
    row('alert.withinTarget', { network: 'central', smets: 'smets2', month: '2026-03' }, 19, 18),
    row('alert.notMeasurable', { network: 'north', smets: 'smets2', month: '2026-03' }, 5),
    row('alert.measured', { network: 'central', smets: 'smets2', month: '2026-04' }, 4),
    row('alert.withinTarget', { network: 'central', smets: 'smets2', month: '2026-04' }, 4),
  ];
  const [march, april] = buildPmr({ ...report, metrics }).months;
  const cpm = (m: typeof march, id: string) => m?.cpms.find((c) => c.cpm === id);

  it('computes CPM1 (on-demand + critical) the MP122 way, exclusions taken out, per month of response', () => {
    // within: 8 + 4 − 1 excluded (truth), 7 + 4 − 1 (reported); total: 10 + 5 − 2, 9 + 5 − 2.
    expect(cpm(march, 'CPM1')).toMatchObject({
      measured: true,
      within: { truth: 11, reported: 10 },
      total: { truth: 13, reported: 12 },
      truthPercent: 84.62,
      reportedPercent: 83.33,
    });
    expect(cpm(april, 'CPM1')).toMatchObject({ within: { truth: 3, reported: 3 }, total: { truth: 3, reported: 3 }, reportedPercent: 100 });
    // The same arithmetic as the run's CPM figures over March's rows alone.
    const fig = cpmFigures(srvMarch).find((f) => f.cpm === 'CPM1');
    expect([fig?.mp122.truth, fig?.mp122.reported]).toEqual([84.62, 83.33]);
  });

  it('computes CPM2 from future-dated and DCC-scheduled responses', () => {
    expect(cpm(march, 'CPM2')).toMatchObject({
      measured: true,
      within: { truth: 9, reported: 9 },
      total: { truth: 10, reported: 10 },
      reportedPercent: 90,
    });
    expect(cpm(april, 'CPM2')).toMatchObject({ measured: true, total: { truth: 0, reported: 0 }, reportedPercent: null });
  });

  it('computes CPM3 from the measurable alerts of the month, with a note on what is counted', () => {
    expect(cpm(march, 'CPM3')).toMatchObject({
      measured: true,
      within: { truth: 19, reported: 18 },
      total: { truth: 20, reported: 20 },
      truthPercent: 95,
      reportedPercent: 90,
    });
    expect(cpm(april, 'CPM3')).toMatchObject({ within: { truth: 4, reported: 4 }, total: { truth: 4, reported: 4 } });
    expect(renderPmrMarkdown(buildPmr({ ...report, metrics }))).toContain(
      "CPM3: times each alert from CH receipt (a DCC Alert: its generation) to the User's confirmation",
    );
  });

  it('leaves CPM2 unmeasured when the run has on-demand traffic only', () => {
    const onDemand = metrics.filter((r) => r.id.startsWith('srv.') && (r.labels.class === 'on-demand' || r.labels.class === 'critical'));
    const [m] = buildPmr({ ...report, metrics: onDemand }).months;
    expect(cpm(m, 'CPM1')?.measured).toBe(true);
    expect(cpm(m, 'CPM2')?.measured).toBe(false);
    expect(cpm(m, 'CPM3')?.measured).toBe(false);
  });
});

describe('smsim report <run dir>', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  const cli = async (args: string[]) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => (out += String(c)));
    stderr.on('data', (c) => (err += String(c)));
    const code = await runCli(args, { stdout, stderr, untilSignal: () => new Promise(() => {}) });
    return { code, out, err };
  };

  it('re-renders report.md, report.html and pmr.json from report.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsim-report-'));
    dirs.push(dir);
    await writeFile(join(dir, 'report.json'), JSON.stringify(report));
    const r = await cli(['report', dir]);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<svg ');
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('# Performance Measurement Report');
    expect(JSON.parse(await readFile(join(dir, 'pmr.json'), 'utf8')).months[0].dueDate).toBe('2026-04-16');
  });

  it('fails with SMSIM_ERR_RUN_DIR_INVALID and exit 2 when report.json is missing or not a report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsim-report-'));
    dirs.push(dir);
    const missing = await cli(['report', dir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('SMSIM_ERR_RUN_DIR_INVALID');
    await writeFile(join(dir, 'report.json'), '{"schemaVersion": 1}');
    const bad = await cli(['report', dir]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('SMSIM_ERR_RUN_DIR_INVALID');
  });
});
