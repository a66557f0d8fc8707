import { CPM1_CLASSES, CPM2_CLASSES } from '../../simulator/core/domain/srv-catalogue.js';
import { COHORTS } from '../../simulator/core/domain/vocabulary.js';
import type { Figure, MetricRow } from '../oracle/metric-row.js';
import { addReported } from '../oracle/join-figures.js';
import { FIGURES, summariseDistribution, type DistributionFigure } from './distributions.js';

/*
 * Derived service figures for people: the Code Performance Measures CPM1 / CPM2 computed both the
 * old way (average of Service Provider service levels) and the MP122 way (actual volumes,
 * exclusions applied), and p50 / p95 / p99 tables of the alert hop latencies. Ratios are never
 * summed: they are derived here from the additive counts.
 */

export { FIGURES };

/** Metric ids whose rows are histogram buckets, shown by the service section. */
export const DISTRIBUTION_IDS: ReadonlySet<string> = new Set(['alert.hopLatency']);

export interface Quantiles {
  readonly count: number;
  /** ms; NaN when the figure has no values. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface QuantileRow {
  readonly labels: Readonly<Record<string, string>>;
  /** Per figure: count, p50, p95, p99. reported is null when the pipeline does not report it. */
  readonly figures: { readonly truth: Quantiles; readonly observed: Quantiles; readonly reported: Quantiles | null };
}

/** p50 / p95 / p99 of a distribution metric for each combination of its other labels. */
export function quantileTable(rows: readonly MetricRow[], id: string): QuantileRow[] {
  return summariseDistribution(rows, id).map((g) => {
    const f = (x: DistributionFigure): Quantiles => ({
      count: x.count,
      p50: x.quantiles[0] as number,
      p95: x.quantiles[1] as number,
      p99: x.quantiles[2] as number,
    });
    const reported = g.figures.reported;
    return {
      labels: g.labels,
      figures: { truth: f(g.figures.truth), observed: f(g.figures.observed), reported: reported === null ? null : f(reported) },
    };
  });
}

const PROVIDERS: ReadonlyArray<{ name: string; networks: readonly string[] | null }> = [
  { name: 'DSP', networks: null },
  { name: 'CSP North', networks: ['north'] },
  { name: 'CSP Central', networks: ['central'] },
  { name: 'CSP South', networks: ['south'] },
  { name: 'SMETS1 SP', networks: COHORTS },
];

/** Per figure; a reported value is null when the pipeline does not report the srv family. */
export type PerFigure = Readonly<Record<Figure, number | null>>;

export interface CpmFigure {
  readonly cpm: 'CPM1' | 'CPM2';
  /** Per figure, in % (NaN with no responses): the old way, the MP122 way, and actual volumes without the exclusion list. */
  readonly oldWay: PerFigure;
  readonly mp122: PerFigure;
  readonly withoutExclusions: PerFigure;
  readonly responses: PerFigure;
  readonly excluded: PerFigure;
}

/** null as soon as one row is not reported (joinFigures): a partial sum would read as a figure. */
function sum(rows: readonly MetricRow[], id: string, figure: Figure, keep: (r: MetricRow) => boolean): number | null {
  let s: number | null = 0;
  for (const r of rows) if (r.id === id && keep(r)) s = addReported(s, r[figure]);
  return s;
}

const minus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);
const pct = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : b === 0 ? Number.NaN : Math.round((10_000 * a) / b) / 100;

/**
 * CPM1 (On-Demand) and CPM2 (Future-Dated) % of responses within TRT. Old way: the unweighted mean
 * of each Service Provider's service level (DSP over all traffic; each CSP and the SMETS1 SPs over
 * their own), no exclusions. MP122 way: within target ÷ responses on actual volumes, after the
 * exclusion list.
 */
export function cpmFigures(rows: readonly MetricRow[]): CpmFigure[] {
  const out: CpmFigure[] = [];
  // A family is reported whole or not at all: a class with no rows is not 0 when srv is not reported.
  const unreported = rows.some((r) => r.id.startsWith('srv.') && r.reported === null);
  for (const [cpm, classes] of [
    ['CPM1', CPM1_CLASSES],
    ['CPM2', CPM2_CLASSES],
  ] as const) {
    const inCls = (r: MetricRow): boolean => classes.includes(r.labels.class ?? '');
    const fig = (f: (figure: Figure) => number | null): Record<Figure, number | null> => ({
      truth: f('truth'),
      observed: f('observed'),
      reported: unreported ? null : f('reported'),
    });
    const oldWay = fig((figure) => {
      const levels: number[] = [];
      for (const p of PROVIDERS) {
        const keep = (r: MetricRow): boolean => inCls(r) && (p.networks === null || p.networks.includes(r.labels.network ?? ''));
        const level = pct(sum(rows, 'srv.withinTarget', figure, keep), sum(rows, 'srv.responses', figure, keep));
        if (level === null) return null;
        if (!Number.isNaN(level)) levels.push(level);
      }
      return levels.length === 0 ? Number.NaN : Math.round((100 * levels.reduce((a, b) => a + b, 0)) / levels.length) / 100;
    });
    const responses = fig((f) => sum(rows, 'srv.responses', f, inCls));
    const within = fig((f) => sum(rows, 'srv.withinTarget', f, inCls));
    const excluded = fig((f) => sum(rows, 'srv.excluded', f, inCls));
    const excludedWithin = fig((f) => sum(rows, 'srv.excludedWithinTarget', f, inCls));
    out.push({
      cpm,
      oldWay,
      mp122: fig((f) => pct(minus(within[f], excludedWithin[f]), minus(responses[f], excluded[f]))),
      withoutExclusions: fig((f) => pct(within[f], responses[f])),
      responses,
      excluded,
    });
  }
  return out;
}

/** A percentage as report.json / pmr.json carry it: null where there is none (no responses, or not reported). */
export interface CpmPercents {
  readonly truth: number | null;
  readonly observed: number | null;
  readonly reported: number | null;
}

/** CPM1 / CPM2 both ways, for report.json (`cpm`): the old way beside the MP122 way, JSON-safe. */
export interface CpmSummary {
  readonly cpm: 'CPM1' | 'CPM2';
  /** Unweighted mean of the Service Providers' service levels, no exclusions (the PMM aggregation). */
  readonly oldWay: CpmPercents;
  /** Actual volumes, exclusion list applied. */
  readonly mp122: CpmPercents;
  /** Actual volumes without the exclusion list. */
  readonly withoutExclusions: CpmPercents;
}

const jsonSafe = (p: PerFigure): CpmPercents => {
  const f = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : x);
  return { truth: f(p.truth), observed: f(p.observed), reported: f(p.reported) };
};

/** cpmFigures without NaN (JSON has none): a figure with no responses is null. */
export function cpmSummary(rows: readonly MetricRow[]): CpmSummary[] {
  return cpmFigures(rows).map((c) => ({
    cpm: c.cpm,
    oldWay: jsonSafe(c.oldWay),
    mp122: jsonSafe(c.mp122),
    withoutExclusions: jsonSafe(c.withoutExclusions),
  }));
}
