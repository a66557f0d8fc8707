import { NOT_REPORTED, num, padTable, pipelineDelta, reportedNum, row } from './format.js';
import { cpmFigures, DISTRIBUTION_IDS, FIGURES, quantileTable, type QuantileRow } from './service-figures.js';
import { totals } from '../oracle/join-figures.js';
import type { RunReport } from './run-report.js';
import type { MetricRow } from '../oracle/metric-row.js';

/*
 * Report sections for R1 (service requests) and R4 (alerts): per-process and per-SRV tables,
 * CPM1 / CPM2 both ways, hop latency quantiles and 15-minute throughput. Their raw rows stay in
 * report.json; the markdown lists these views instead of every label combination.
 */

/** Metric ids whose per-label rows the generic markdown listing leaves to this file. */
export const COMPACT_IDS: ReadonlySet<string> = new Set([
  'srv.requests',
  'srv.responses',
  'srv.withinTarget',
  'srv.failures',
  'srv.excluded',
  'srv.excludedWithinTarget',
  'srv.excludedFailures',
  'alert.throughput',
  ...DISTRIBUTION_IDS,
]);

const pct = (x: number | null): string => (x === null ? NOT_REPORTED : Number.isNaN(x) ? '—' : `${x.toFixed(2)} %`);
const ms = (x: number): string => (Number.isNaN(x) ? '—' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${num(x)} ms`);
const hasAny = (rows: readonly MetricRow[], prefix: string): boolean => rows.some((r) => r.id.startsWith(prefix));

/** SRV figures per `by` label (process or srv): requests, % within target after exclusions, failures, excluded. */
function srvTable(rows: readonly MetricRow[], by: string): string[] {
  const t = totals(rows, [by]);
  const keys = [...new Set(t.filter((x) => x.id.startsWith('srv.')).map((x) => x.labels[by] ?? ''))].sort();
  // A figure with no row is 0, but not where the pipeline reports no srv figure at all.
  const unreported = t.some((x) => x.id.startsWith('srv.') && x.reported === null);
  const get = (id: string, k: string): { truth: number; observed: number; reported: number | null } =>
    t.find((x) => x.id === id && x.labels[by] === k) ?? { truth: 0, observed: 0, reported: unreported ? null : 0 };
  const out = [row([by, 'figure', 'requests', 'responses', 'within target (after exclusions)', 'failures', 'excluded'])];
  out.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:']));
  for (const k of keys)
    for (const f of FIGURES) {
      const resp = get('srv.responses', k)[f];
      const ex = get('srv.excluded', k)[f];
      const withinAll = get('srv.withinTarget', k)[f];
      const exWithin = get('srv.excludedWithinTarget', k)[f];
      if (resp === null || ex === null || withinAll === null || exWithin === null) {
        out.push(row([f === 'truth' ? k : '', f, ...Array<string>(5).fill(NOT_REPORTED)]));
        continue;
      }
      const within = withinAll - exWithin;
      const share = resp - ex === 0 ? Number.NaN : Math.round((10_000 * within) / (resp - ex)) / 100;
      out.push(
        row([
          f === 'truth' ? k : '',
          f,
          reportedNum(get('srv.requests', k)[f]),
          num(resp),
          `${num(within)} (${pct(share)})`,
          reportedNum(get('srv.failures', k)[f]),
          num(ex),
        ]),
      );
    }
  return out;
}

export function renderServiceMarkdown(report: RunReport): string[] {
  const rows = report.metrics;
  const out: string[] = [];
  if (hasAny(rows, 'srv.')) {
    out.push('## CPM1 / CPM2: old way vs MP122 way', '');
    out.push(
      "Old way: the unweighted mean of the Service Providers' service levels (DSP, CSP North / Central / South, SMETS1 SP), no exclusions. MP122 way: actual volumes, exclusion list applied.",
      '',
    );
    out.push(
      row(['CPM', 'figure', 'old way', 'MP122 way', 'volumes, no exclusions', 'responses', 'excluded']),
      row(['---', '---', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const c of cpmFigures(rows))
      for (const f of FIGURES)
        out.push(
          row([
            f === 'truth' ? c.cpm : '',
            f,
            pct(c.oldWay[f]),
            pct(c.mp122[f]),
            pct(c.withoutExclusions[f]),
            reportedNum(c.responses[f]),
            reportedNum(c.excluded[f]),
          ]),
        );
    out.push('', '### Per business process', '', ...srvTable(rows, 'process'), '', '### Per SRV', '', ...srvTable(rows, 'srv'), '');
    const excl = rows.filter((r) => r.id === 'srv.excluded');
    if (excl.length > 0) {
      out.push(
        '### Excluded responses',
        '',
        row(['srv', 'class', 'network', 'month', 'reason', 'truth', 'observed', 'reported']),
        row(['---', '---', '---', '---', '---', '---:', '---:', '---:']),
      );
      for (const r of excl)
        out.push(
          row([
            r.labels.srv ?? '',
            r.labels.class ?? '',
            r.labels.network ?? '',
            r.labels.month ?? '',
            r.labels.reason ?? '',
            num(r.truth),
            num(r.observed),
            reportedNum(r.reported),
          ]),
        );
      out.push('');
    }
  }
  if (hasAny(rows, 'alert.')) {
    out.push(
      '## Alert hop latency (p50 / p95 / p99)',
      '',
      'A dash: the hop is not visible in that figure (CSP North and SMETS1 SP hops are not visible to the DSP, CR1438).',
      '',
    );
    out.push(row(['hop', 'network', 'figure', 'count', 'p50', 'p95', 'p99']), row(['---', '---', '---', '---:', '---:', '---:', '---:']));
    for (const q of quantileTable(rows, 'alert.hopLatency'))
      for (const f of FIGURES) {
        const x = q.figures[f];
        const cells = x === null ? Array<string>(4).fill(NOT_REPORTED) : [num(x.count), ms(x.p50), ms(x.p95), ms(x.p99)];
        out.push(row([f === 'truth' ? (q.labels.hop ?? '') : '', f === 'truth' ? (q.labels.network ?? '') : '', f, ...cells]));
      }
    out.push('');
    const series = rows
      .filter((r) => r.id === 'alert.throughput')
      .sort((a, b) => ((a.labels.interval ?? '') < (b.labels.interval ?? '') ? -1 : 1));
    if (series.length > 0) {
      const peak = Math.max(...series.map((r) => r.truth));
      const mean = series.reduce((s, r) => s + r.truth, 0) / series.length;
      out.push('## Alert throughput per 15 minutes (CR1418)', '');
      // A long run lists only the busy intervals: those above twice the mean.
      const shown = series.length <= 200 ? series : series.filter((r) => r.truth > 2 * mean || r.observed > 2 * mean);
      if (shown.length < series.length)
        out.push(
          `${series.length} intervals, mean ${num(Math.round(mean))}, peak ${num(peak)} (truth); intervals above twice the mean:`,
          '',
        );
      out.push(
        row(['interval (UTC)', 'truth', 'observed', 'reported', 'observed − reported']),
        row(['---', '---:', '---:', '---:', '---:']),
      );
      for (const r of shown)
        out.push(
          row([r.labels.interval ?? '', num(r.truth), num(r.observed), reportedNum(r.reported), pipelineDelta(r.observed, r.reported)]),
        );
      out.push('');
    }
  }
  return out;
}

/**
 * The service part of the terminal summary, kept short (report.md / report.html have every
 * table): one CPM row per measure when truth, observed and reported agree, and of the alert hop
 * latencies only CH → User where the DSP can see it, plus any hop and network whose figures
 * differ; hops the DSP cannot see (CR1438) are named on one line.
 */
export function renderServiceTerminal(report: RunReport): string[] {
  const rows = report.metrics;
  const lines: string[] = [];
  if (hasAny(rows, 'srv.')) {
    lines.push('', 'CPM1 / CPM2 (% within target)      old way = mean of provider levels; MP122 = actual volumes, exclusions applied');
    const table: string[][] = [['', 'figure', 'old way', 'MP122 way', 'no exclusions', 'excluded']];
    for (const c of cpmFigures(rows)) {
      const cells = FIGURES.map((f) => [pct(c.oldWay[f]), pct(c.mp122[f]), pct(c.withoutExclusions[f]), reportedNum(c.excluded[f])]);
      const same = cells.every((x) => x.join('|') === (cells[0] as string[]).join('|'));
      if (same) table.push([c.cpm, 'all three', ...(cells[0] as string[])]);
      else
        FIGURES.forEach((f, i) => {
          table.push([i === 0 ? c.cpm : '', f, ...(cells[i] as string[])]);
        });
    }
    lines.push(...padTable(table, 2).map((l) => `  ${l}`));
  }
  if (hasAny(rows, 'alert.hopLatency')) {
    const cell = (q: QuantileRow, f: 'truth' | 'observed' | 'reported'): string => {
      const x = q.figures[f];
      return x === null ? NOT_REPORTED : x.count === 0 ? '—' : `${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.p99)} (${num(x.count)})`;
    };
    const table: string[][] = [['hop network', 'truth', 'observed', 'reported']];
    const hidden = new Map<string, string[]>();
    let collapsed = 0;
    let unreported = false;
    for (const q of quantileTable(rows, 'alert.hopLatency')) {
      const [t, o, r] = [cell(q, 'truth'), cell(q, 'observed'), cell(q, 'reported')];
      const hop = q.labels.hop ?? '';
      // Not reported is no pipeline difference: such a hop collapses as soon as truth = observed.
      const agrees = r === NOT_REPORTED || o === r;
      if (r === NOT_REPORTED) unreported = true;
      // Nothing observed: the DSP cannot see the hop, whether or not the pipeline reports alerts.
      if (o === '—' && (r === '—' || r === NOT_REPORTED)) hidden.set(hop, [...(hidden.get(hop) ?? []), q.labels.network ?? '']);
      else if (t === o && agrees && (hop === 'ch-user' || hop === 'ch-confirm'))
        table.push([`${hop} ${q.labels.network}`, t, 'same', r === NOT_REPORTED ? r : 'same']);
      else if (t !== o || !agrees) table.push([`${hop} ${q.labels.network}`, t, o, r]);
      else collapsed++;
    }
    lines.push(
      '',
      'Alert hop latency p50 / p95 / p99 (count): CH → User (sent; confirmed, the R4 measure) where the DSP sees it, and any hop whose figures differ',
    );
    lines.push(...padTable(table).map((l) => `  ${l}`));
    // Hops grouped by the networks they are hidden on: "ch-csp, csp-dsp, ch-user on foc, ioc, moc, north".
    const groups = new Map<string, string[]>();
    for (const [hop, nets] of hidden) groups.set(nets.join(', '), [...(groups.get(nets.join(', ')) ?? []), hop]);
    for (const [nets, hops] of groups) lines.push(`  not visible to the DSP (CR1438): ${hops.join(', ')} on ${nets}`);
    if (collapsed > 0)
      lines.push(
        `  ${collapsed} other hop × network rows: ${unreported ? `truth = observed, reported: ${NOT_REPORTED}` : 'truth = observed = reported'} (all in report.md)`,
      );
  }
  return lines;
}
