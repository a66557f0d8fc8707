import { metricKey, type MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';
import { familyOf } from './families.js';
import type { MetricRow } from './metric-row.js';

/**
 * Puts the three views of every figure side by side: truth (what devices experienced),
 * observed (the reference definitions over the traffic that crossed the wire) and reported (what
 * the pipeline under test said). truth − observed is the measurement's blind spot, a property
 * of the network; observed − reported is a pipeline bug. A figure missing from a view is 0 there,
 * except a figure of a family the pipeline does not report (`reportedFamilies`, default: every
 * family): its reported value is null, "not reported".
 */
export function joinFigures(
  truth: readonly MetricSample[],
  observed: readonly MetricSample[],
  reported: readonly MetricSample[],
  reportedFamilies?: ReadonlySet<string>,
): MetricRow[] {
  const rows = new Map<
    string,
    { id: string; labels: Readonly<Record<string, string>>; truth: number; observed: number; reported: number | null }
  >();
  const put = (samples: readonly MetricSample[], field: 'truth' | 'observed' | 'reported'): void => {
    for (const s of samples) {
      const key = metricKey(s.id, s.labels);
      let row = rows.get(key);
      if (row === undefined) {
        const isReported = reportedFamilies === undefined || reportedFamilies.has(familyOf(s.id));
        row = { id: s.id, labels: sortedLabels(s.labels), truth: 0, observed: 0, reported: isReported ? 0 : null };
        rows.set(key, row);
      }
      if (field === 'reported') row.reported = row.reported === null ? null : row.reported + s.value;
      else row[field] += s.value;
    }
  };
  put(truth, 'truth');
  put(observed, 'observed');
  put(reported, 'reported');
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/** Labels in name order, whichever view a row was first seen in: one canonical form in report.json. */
function sortedLabels(labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) out[name] = labels[name] as string;
  return out;
}

export interface MetricTotal {
  readonly id: string;
  readonly truth: number;
  readonly observed: number;
  /** null: not reported (see joinFigures). */
  readonly reported: number | null;
}

/** Sums each metric over its labels (optionally keeping the labels named in `by`). */
export function totals(rows: readonly MetricRow[], by: readonly string[] = []): Array<MetricTotal & { labels: Record<string, string> }> {
  const out = new Map<string, MetricTotal & { labels: Record<string, string> }>();
  for (const r of rows) {
    const labels: Record<string, string> = {};
    for (const name of by) if (r.labels[name] !== undefined) labels[name] = r.labels[name] as string;
    const key = metricKey(r.id, labels);
    const t = out.get(key) ?? { id: r.id, labels, truth: 0, observed: 0, reported: r.reported === null ? null : 0 };
    out.set(key, { ...t, truth: t.truth + r.truth, observed: t.observed + r.observed, reported: addReported(t.reported, r.reported) });
  }
  return [...out.values()];
}

/** A sum of reported values: not reported as soon as one part is not. */
export function addReported(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/**
 * The rows of several disjoint shard sets, as one run's: every figure is additive across shards,
 * so rows with the same id and labels add up (a reported value stays null when any part is).
 * A row missing from one part counts 0 there, as in joinFigures.
 */
export function mergeRows(parts: ReadonlyArray<readonly MetricRow[]>): MetricRow[] {
  const rows = new Map<string, MetricRow>();
  for (const part of parts) {
    for (const r of part) {
      const key = metricKey(r.id, r.labels);
      const t = rows.get(key);
      rows.set(
        key,
        t === undefined
          ? r
          : {
              id: r.id,
              labels: r.labels,
              truth: t.truth + r.truth,
              observed: t.observed + r.observed,
              reported: addReported(t.reported, r.reported),
            },
      );
    }
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}
