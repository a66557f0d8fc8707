import { addReported } from '../../oracle/join-figures.js';
import type { MetricRow } from '../../oracle/metric-row.js';
import { barChart, lineChart, type Triple } from '../svg-charts.js';

/*
 * The charts each section gets: chosen, not one per metric and label (a one-week run drew 34).
 * Per section at most one breakdown where the blind spots live (per network / region) and one
 * series over time. A chart with one category is never drawn (barChart / lineChart refuse it).
 */

type Labels = Readonly<Record<string, string>>;

const PICKS: Readonly<Record<string, ReadonlyArray<{ id: string; by: string; title: string; note?: string }>>> = {
  'install.': [
    { id: 'install.installAndLeave', by: 'region', title: 'Install & Leave CHs per region' },
    { id: 'install.installAndCommission', by: 'day', title: 'Install & Commission CHs per day' },
  ],
  'alert.': [
    {
      id: 'alert.measured',
      by: 'network',
      title: 'Alerts confirmed with the CH receipt visible, per network',
      note: 'Where truth stands alone (observed and reported near 0), the DSP cannot see the CH receipt (the interim DSP-only timing stands in, table above): a blind spot of the network, not a pipeline error.',
    },
  ],
  'firmware.': [
    {
      id: 'firmware.received',
      by: 'network',
      title: 'HANs that received the image, per network',
      note: 'Truth above observed: devices received the image but no acknowledgement says so (a blind spot; see "Not measurable").',
    },
  ],
  'incident.': [{ id: 'incident.raised', by: 'month', title: 'Incidents raised per month' }],
  'availability.': [
    { id: 'availability.downtimeMinutes', by: 'network', title: 'Downtime minutes per network' },
    { id: 'availability.downtimeMinutes', by: 'day', title: 'Downtime minutes per day' },
  ],
};

/** Sums an id's rows per value of one label, in label order. */
export function groupBy(
  rows: readonly MetricRow[],
  id: string,
  by: string,
  key: (l: Labels) => string | undefined = (l) => l[by],
): Triple[] {
  const m = new Map<string, { truth: number; observed: number; reported: number | null }>();
  for (const r of rows) {
    if (r.id !== id) continue;
    const k = key(r.labels);
    if (k === undefined) continue;
    const e = m.get(k) ?? { truth: 0, observed: 0, reported: 0 };
    e.truth += r.truth;
    e.observed += r.observed;
    e.reported = addReported(e.reported, r.reported);
    m.set(k, e);
  }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, e]) => ({ label, ...e }));
}

/** Days with no figure are 0 (still not reported when the series is), so a line does not skip over them. */
export function fillDays(points: readonly Triple[]): Triple[] {
  if (points.length < 2) return [...points];
  const byDay = new Map(points.map((p) => [p.label, p]));
  const reported = points.some((p) => p.reported === null) ? null : 0;
  const out: Triple[] = [];
  const first = Date.parse(`${(points[0] as Triple).label}T00:00:00Z`);
  const last = Date.parse(`${(points[points.length - 1] as Triple).label}T00:00:00Z`);
  for (let t = first; t <= last && out.length < 2000; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { label: day, truth: 0, observed: 0, reported });
  }
  return out;
}

export function sectionCharts(prefix: string, rows: readonly MetricRow[]): string[] {
  const out: string[] = [];
  for (const p of PICKS[prefix] ?? []) {
    const points = groupBy(rows, p.id, p.by);
    const chart = p.by === 'day' ? lineChart(p.title, fillDays(points), p.note) : barChart(p.title, points, p.note);
    if (chart !== undefined) out.push(chart);
  }
  return out;
}
