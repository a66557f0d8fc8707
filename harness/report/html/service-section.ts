import { totals } from '../../oracle/join-figures.js';
import type { MetricRow } from '../../oracle/metric-row.js';
import { formatMs } from '../distributions.js';
import { NOT_REPORTED, num } from '../format.js';
import { quantileTable, type Quantiles } from '../service-figures.js';
import type { RunReport } from '../run-report.js';
import { cpmHtml } from './cpm-section.js';
import { esc, lineChart, type Triple } from '../svg-charts.js';
import { groupBy } from './section-charts.js';
import { notReportedCell, table, td, tr, tripleCell } from './cells.js';

/*
 * The R1 and R4 views a Working Group reads beside the figures: CPM1 / CPM2 both ways, per
 * business process and per SRV, each hop's latency p50 / p95 / p99, and alert throughput.
 */

const pct = (x: number): string => (Number.isNaN(x) ? 'no responses' : `${x.toFixed(2)} %`);

const COLOURS =
  '<p class="muted small">In these tables each cell shows the reported figure; beneath it, <span class="blind">truth in amber</span> where the network cannot see all of it (blind spot), <span class="err">observed in red</span> where the pipeline disagrees with the reference definitions (pipeline error), <span class="above">truth in violet</span> where the exclusion list leaves out more than the User caused.</p>';

/** CPM1 / CPM2 both ways (cpm-section.ts), then the per-process and per-SRV tables. */
export function srvExtrasHtml(report: RunReport): string {
  const rows = report.metrics;
  if (!rows.some((r) => r.id.startsWith('srv.'))) return '';
  const out: string[] = [cpmHtml(report, rows)];
  out.push(COLOURS);
  out.push('<h3>Per business process</h3>', srvTable(rows, 'process'));
  out.push('<h3>Per SRV</h3>', srvTable(rows, 'srv'));
  return out.join('\n');
}

function srvTable(rows: readonly MetricRow[], by: 'process' | 'srv'): string {
  const t = totals(rows, [by]);
  const keys = [...new Set(t.filter((x) => x.id.startsWith('srv.')).map((x) => x.labels[by] ?? ''))].sort((a, b) =>
    by === 'srv' ? a.localeCompare(b, 'en', { numeric: true }) : a < b ? -1 : 1,
  );
  const unreported = t.some((x) => x.id.startsWith('srv.') && x.reported === null);
  const get = (id: string, k: string): { truth: number; observed: number; reported: number | null } =>
    t.find((x) => x.id === id && x.labels[by] === k) ?? { truth: 0, observed: 0, reported: unreported ? null : 0 };
  const processOf = new Map<string, string>();
  if (by === 'srv')
    for (const r of rows) if (r.id === 'srv.requests' && r.labels.srv !== undefined) processOf.set(r.labels.srv, r.labels.process ?? '');
  const body = keys.map((k) => {
    const resp = get('srv.responses', k);
    const ex = get('srv.excluded', k);
    const w = get('srv.withinTarget', k);
    const exw = get('srv.excludedWithinTarget', k);
    const share = (f: 'truth' | 'observed' | 'reported'): number | null => {
      const [a, b, c, d] = [w[f], exw[f], resp[f], ex[f]];
      if (a === null || b === null || c === null || d === null) return null;
      return c - d === 0 ? Number.NaN : Math.round((10_000 * (a - b)) / (c - d)) / 100;
    };
    return tr([
      td(esc(k), 'l'),
      ...(by === 'srv' ? [td(esc(processOf.get(k) ?? ''), 'l')] : []),
      tripleCell(get('srv.requests', k).truth, get('srv.requests', k).observed, get('srv.requests', k).reported),
      tripleCell(resp.truth, resp.observed, resp.reported),
      tripleCell(share('truth') ?? 0, share('observed') ?? 0, share('reported'), pct),
      tripleCell(get('srv.failures', k).truth, get('srv.failures', k).observed, get('srv.failures', k).reported),
      tripleCell(ex.truth, ex.observed, ex.reported),
    ]);
  });
  const head = [
    by === 'srv' ? 'SRV' : 'business process',
    ...(by === 'srv' ? ['process'] : []),
    'requests',
    'responses',
    'within target<br><small>after exclusions</small>',
    'failures',
    'excluded',
  ];
  return table(head, body, by === 'srv' ? [0, 1] : [0]);
}

const HOPS: Readonly<Record<string, string>> = {
  'ch-csp': 'CH → CSP / SMETS1 SP',
  'csp-dsp': 'CSP / SMETS1 SP → DSP',
  'dsp-user': 'DSP → User',
  'user-confirm': 'User → confirmation',
  'ch-user': 'CH → User (delivered)',
  'ch-confirm': 'CH → User confirmation (R4, CPM3)',
};

const q3 = (q: Quantiles): string => (q.count === 0 ? '—' : `${formatMs(q.p50)} · ${formatMs(q.p95)} · ${formatMs(q.p99)}`);

/** Each hop's latency p50 / p95 / p99 per network, with why a hop has no observed figure. */
export function hopLatencyHtml(rows: readonly MetricRow[]): string {
  const q = quantileTable(rows, 'alert.hopLatency');
  if (q.length === 0) return '';
  const order = Object.keys(HOPS);
  q.sort(
    (a, b) =>
      order.indexOf(a.labels.hop ?? '') - order.indexOf(b.labels.hop ?? '') ||
      ((a.labels.network ?? '') < (b.labels.network ?? '') ? -1 : 1),
  );
  const span = new Map<string, number>();
  for (const x of q) span.set(x.labels.hop ?? '', (span.get(x.labels.hop ?? '') ?? 0) + 1);
  // A sentence is said in full once; the rows after it that mean the same say so in short.
  const said = new Set<string>();
  const short: Readonly<Record<string, string>> = {
    blind: 'Not measurable: not visible to the DSP, as above.',
    above: 'Observed without truth, as above.',
  };
  const body = q.map((x, i) => {
    const hop = x.labels.hop ?? '';
    const first = i === 0 || q[i - 1]?.labels.hop !== hop;
    const [t, o] = [q3(x.figures.truth), q3(x.figures.observed)];
    const r = x.figures.reported;
    const rs = r === null ? NOT_REPORTED : q3(r);
    let words = '';
    let cls = 'ok';
    if (r !== null && rs !== o) {
      words = 'Pipeline error: the reported latencies differ from those observed on the same traffic.';
      cls = 'err';
    } else if (x.figures.truth.count === 0 && x.figures.observed.count > 0) {
      words = "Observed without truth: smsim's truth does not time these alerts (a gap in the simulator's model, not a pipeline error).";
      cls = 'above';
    } else if (x.figures.observed.count === 0 && x.figures.truth.count > 0) {
      words = 'Not measurable: not visible to the DSP (CSP North / SMETS1 SP data, CR1438). A blind spot, not a pipeline error.';
      cls = 'blind';
    } else if (t !== o) {
      words = `Blind spot: the network times ${num(x.figures.observed.count)} of ${num(x.figures.truth.count)} values.`;
      cls = 'blind';
    }
    if (said.has(words) && short[cls] !== undefined && words.startsWith(cls === 'blind' ? 'Not measurable' : 'Observed'))
      words = short[cls] as string;
    else said.add(words);
    return tr([
      first ? td(esc(HOPS[hop] ?? hop), 'l hop', ` rowspan="${span.get(hop) ?? 1}"`) : '',
      td(esc(x.labels.network ?? ''), 'l'),
      td(`${num(x.figures.truth.count)} / ${num(x.figures.observed.count)}`),
      td(esc(t), 'q'),
      td(esc(o), `q${cls === 'blind' ? ' blind' : ''}`),
      r === null ? notReportedCell() : td(esc(rs), `q${cls === 'err' ? ' err' : ''}`),
      td(esc(words), `l words ${cls}`),
    ]);
  });
  return [
    '<h3 id="latency">Latency per hop, p50 · p95 · p99</h3>',
    '<p class="muted">A dash: no values in that view. Counts are the number of alerts timed (truth / observed).</p>',
    table(
      ['hop', 'network', 'values<br><small>truth / observed</small>', 'truth', 'observed', 'reported', 'what it means'],
      body,
      [0, 1, 6],
    ),
  ].join('\n');
}

/**
 * Alerts delivered per interval over the run, at a resolution a page can show (15 min, hour or
 * day), every interval from the first to the last drawn (0 where none), so the x axis is time.
 */
export function throughputHtml(rows: readonly MetricRow[]): string {
  const series = groupBy(rows, 'alert.throughput', 'interval');
  if (series.length < 2) return '';
  const at = (label: string): number => Date.parse(label.endsWith('Z') ? label : `${label}Z`);
  const first = at((series[0] as Triple).label);
  const last = at((series[series.length - 1] as Triple).label);
  const quarters = (last - first) / 900_000 + 1;
  const [unit, step, label] =
    quarters <= 4 * 48
      ? (['15 minutes', 900_000, (t: string): string => `${t.slice(5, 10)} ${t.slice(11, 16)}`] as const)
      : quarters <= 4 * 24 * 16
        ? (['hour', 3_600_000, (t: string): string => `${t.slice(5, 10)} ${t.slice(11, 13)}:00`] as const)
        : (['day', 86_400_000, (t: string): string => t.slice(0, 10)] as const);
  const buckets = new Map<number, { truth: number; observed: number; reported: number | null }>();
  const unreported = series.some((p) => p.reported === null);
  for (const p of series) {
    const k = Math.floor(at(p.label) / step) * step;
    const e = buckets.get(k) ?? { truth: 0, observed: 0, reported: unreported ? null : 0 };
    e.truth += p.truth;
    e.observed += p.observed;
    e.reported = e.reported === null || p.reported === null ? null : e.reported + p.reported;
    buckets.set(k, e);
  }
  const points: Triple[] = [];
  for (let t = Math.floor(first / step) * step; t <= last && points.length < 5000; t += step)
    points.push({
      label: label(new Date(t).toISOString()),
      ...(buckets.get(t) ?? { truth: 0, observed: 0, reported: unreported ? null : 0 }),
    });
  const stat = (f: 'truth' | 'observed'): string =>
    `${num(Math.round(series.reduce((s, p) => s + p[f], 0) / quarters))} / ${num(series.reduce((m, p) => Math.max(m, p[f]), 0))}`;
  const chart = lineChart(
    `Alerts delivered per ${unit} (UTC)`,
    points,
    `${num(Math.round(quarters))} 15-minute intervals (CR1418). Mean / peak per 15 minutes: truth ${stat('truth')}, observed ${stat('observed')}.`,
  );
  return chart === undefined ? '' : `<h3>Alert throughput</h3><div class="grid">${chart}</div>`;
}
