import { BUSINESS_PROCESSES, type BusinessProcessName } from '../../simulator/core/domain/srv-catalogue.js';
import type { MetricRow } from '../oracle/metric-row.js';
import { type CpmRow, type Figure, type LabelFilter, minus, percent, type Reports, sum } from './pmr-sums.js';
import { cpmFigures } from './service-figures.js';

/** R1 for one business process and SMETS generation in one month (MP122B §3: "by User business processes using SRVs"). */
export interface ProcessRow {
  readonly process: string;
  readonly smets: string;
  readonly requests: Figure;
  readonly responses: Figure;
  readonly withinTarget: Figure;
  readonly failures: Figure;
  readonly excluded: Figure;
  /** (withinTarget − excludedWithinTarget) ÷ (responses − excluded), in %; null when the denominator is 0 or not reported. */
  readonly truthPercent: number | null;
  readonly reportedPercent: number | null;
}

/** CPM1 / CPM2 rows get the old-way figure of the month beside them (cpmFigures on the month's rows). */
export function withOldWay(row: CpmRow, rows: readonly MetricRow[], month: string): CpmRow {
  if (row.cpm !== 'CPM1' && row.cpm !== 'CPM2') return row;
  const monthRows = rows.filter((r) => r.id.startsWith('srv.') && r.labels.month === month);
  const c = cpmFigures(monthRows).find((f) => f.cpm === row.cpm);
  if (c === undefined) return row;
  const p = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : x);
  return { ...row, oldWay: { truthPercent: p(c.oldWay.truth), reportedPercent: p(c.oldWay.reported) } };
}

/** R1 per business process and SMETS generation (MP122B §3; the OPR splits by SMETS generation, docs/domain.md §5.1). */
export function processRows(rows: readonly MetricRow[], reports: Reports, month: string): ProcessRow[] {
  const keys = new Set<string>();
  for (const r of rows)
    if (r.id === 'srv.responses' && r.labels.month === month) keys.add(`${r.labels.process ?? ''}\u0000${r.labels.smets ?? ''}`);
  const order = (k: string): number => BUSINESS_PROCESSES.indexOf(k.split('\u0000')[0] as BusinessProcessName);
  return [...keys]
    .sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => {
      const [process, smets] = k.split('\u0000') as [string, string];
      const f: LabelFilter = (l) => l.process === process && l.smets === smets;
      const s = (id: string): Figure => sum(rows, reports, id, month, f);
      const responses = s('srv.responses');
      const withinTarget = s('srv.withinTarget');
      const excluded = s('srv.excluded');
      const within = minus(withinTarget, s('srv.excludedWithinTarget'));
      const total = minus(responses, excluded);
      return {
        process,
        smets,
        requests: s('srv.requests'),
        responses,
        withinTarget,
        failures: s('srv.failures'),
        excluded,
        truthPercent: percent(within.truth, total.truth),
        reportedPercent: percent(within.reported, total.reported),
      };
    });
}

/** Install & Leave CHs of one region by 90-day category as of a month end (MP122B §7, R2). */
export interface LeaveRow {
  readonly region: string;
  readonly awaitingDecision: Figure;
  readonly connectedWithin90Days: Figure;
  readonly connectedAfter90Days: Figure;
  readonly notConnectedAfter90Days: Figure;
}

/** One row per region with Install & Leave CHs at the month's end (install.leaveCategoryAtMonthEnd). */
export function leaveRows(rows: readonly MetricRow[], reports: Reports, month: string): LeaveRow[] {
  const id = 'install.leaveCategoryAtMonthEnd';
  const regions = [...new Set(rows.filter((r) => r.id === id && r.labels.month === month).map((r) => r.labels.region ?? ''))];
  const order = ['north', 'central', 'south'];
  return regions
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((region) => {
      const c = (category: string): Figure => sum(rows, reports, id, month, (l) => l.region === region && l.category === category);
      return {
        region,
        awaitingDecision: c('awaitingDecision'),
        connectedWithin90Days: c('connectedWithin90Days'),
        connectedAfter90Days: c('connectedAfter90Days'),
        notConnectedAfter90Days: c('notConnectedAfter90Days'),
      };
    });
}
