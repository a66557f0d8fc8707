import { metricKey } from '../../simulator/core/domain/metrics/metric-table.js';
import { quantileOfBuckets } from '../../simulator/core/domain/metrics/histogram.js';
import { familyOf } from '../oracle/families.js';
import { addReported } from '../oracle/join-figures.js';
import { FIGURES, type Figure, type MetricRow } from '../oracle/metric-row.js';
import { NOT_REPORTED, num, reportedNum } from './format.js';

export type { Figure };
export { FIGURES };

/*
 * Distributions travel as additive bucket counts (histogram.ts): metric ids ending in `Ms` whose
 * rows carry a `bucket` label (the bucket's lower bound, ms). Summing their rows gives a count,
 * not a figure a person wants: these helpers turn them into p50 / p95 / p99 for any section.
 */

export const QUANTILES: ReadonlyArray<{ readonly label: string; readonly q: number }> = [
  { label: 'p50', q: 0.5 },
  { label: 'p95', q: 0.95 },
  { label: 'p99', q: 0.99 },
];

/** True for a distribution metric: an id ending in `Ms` whose rows carry a `bucket` label. */
export function isDistribution(id: string, rows: readonly MetricRow[]): boolean {
  return id.endsWith('Ms') && rows.some((r) => r.id === id && r.labels.bucket !== undefined);
}

export interface DistributionFigure {
  readonly count: number;
  /** ms; NaN when there are no values. */
  readonly quantiles: readonly number[];
}

export interface DistributionSummary {
  readonly labels: Readonly<Record<string, string>>;
  /** Per figure: the number of values and the quantiles. reported is null when not reported. */
  readonly figures: {
    readonly truth: DistributionFigure;
    readonly observed: DistributionFigure;
    readonly reported: DistributionFigure | null;
  };
}

/** Groups a distribution's rows by their labels other than `bucket` (all of them when `by` is omitted, else only `by`). */
export function summariseDistribution(rows: readonly MetricRow[], id: string, by?: readonly string[]): DistributionSummary[] {
  const groups = new Map<string, { labels: Record<string, string>; rows: MetricRow[] }>();
  for (const r of rows) {
    if (r.id !== id || r.labels.bucket === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.labels)) if (k !== 'bucket' && (by === undefined || by.includes(k))) labels[k] = v;
    const key = metricKey(id, labels);
    const g = groups.get(key) ?? { labels, rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => {
      const figure = (pick: (r: MetricRow) => number): DistributionFigure => {
        const buckets = g.rows.map((r) => ({ lowerBound: Number(r.labels.bucket), count: pick(r) }));
        return { count: buckets.reduce((s, b) => s + b.count, 0), quantiles: QUANTILES.map((x) => quantileOfBuckets(buckets, x.q)) };
      };
      // A quantile over a distribution the pipeline does not report is not a quantile of nothing.
      const reported = g.rows.some((r) => r.reported === null) ? null : figure((r) => r.reported ?? 0);
      return { labels: g.labels, figures: { truth: figure((r) => r.truth), observed: figure((r) => r.observed), reported } };
    });
}

/** A duration for people: "850 ms", "12.5 s", "4.2 min", "6.1 h", "2.3 d"; "–" when NaN; "not reported" when null. */
export function formatMs(ms: number | null): string {
  if (ms === null) return NOT_REPORTED;
  if (Number.isNaN(ms)) return '–';
  if (ms < 1000) return `${num(Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/** "p50 6.1 h · p95 1.9 d · p99 3.2 d" for one figure of a summary; "not reported" for null. */
export function formatQuantiles(figure: DistributionFigure | null): string {
  if (figure === null) return NOT_REPORTED;
  const quantiles = figure.quantiles;
  return QUANTILES.map((x, i) => `${x.label} ${formatMs(quantiles[i] ?? Number.NaN)}`).join(' · ');
}

/**
 * A breakdown table: one row per combination of the `by` labels, one column per metric id, each
 * cell "truth / observed / reported". Ids that are distributions are left out (see summariseDistribution).
 */
export function breakdownTable(
  rows: readonly MetricRow[],
  by: readonly string[],
  ids: readonly string[],
  names: (id: string) => string,
): string[][] {
  const groups = new Map<string, { labels: string[]; cells: Map<string, [number, number, number | null]> }>();
  // An id with no row in a group is 0 there, unless its family is not reported at all.
  const unreported = new Set(rows.filter((r) => r.reported === null).map((r) => familyOf(r.id)));
  const empty = (id: string): [number, number, number | null] => [0, 0, unreported.has(familyOf(id)) ? null : 0];
  for (const r of rows) {
    if (!ids.includes(r.id) || r.labels.bucket !== undefined) continue;
    const labels = by.map((k) => r.labels[k] ?? '');
    const key = labels.join('\u0000');
    const g = groups.get(key) ?? { labels, cells: new Map() };
    const c = g.cells.get(r.id) ?? empty(r.id);
    c[0] += r.truth;
    c[1] += r.observed;
    c[2] = addReported(c[2], r.reported);
    g.cells.set(r.id, c);
    groups.set(key, g);
  }
  const table: string[][] = [[...by, ...ids.map(names)]];
  for (const [, g] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    table.push([
      ...g.labels,
      ...ids.map((id) => {
        const c = g.cells.get(id) ?? empty(id);
        return `${num(c[0])} / ${num(c[1])} / ${reportedNum(c[2])}`;
      }),
    ]);
  }
  return table;
}
