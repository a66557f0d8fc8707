import { monthEndMs, nextMonth, pmrDueDate, ukDateStartMs } from '../../simulator/core/calendar/working-days.js';
import { DEFAULT_LATENESS_MS, monthStatus } from '../../simulator/core/domain/metrics/reporting-windows.js';
import type { WithinTargetRule } from '../../simulator/core/domain/metrics/metric-config.js';
import { CPM1_CLASSES, CPM2_CLASSES } from '../../simulator/core/domain/srv-catalogue.js';
import { COHORTS, REGIONS } from '../../simulator/core/domain/vocabulary.js';
import { MINUTE, ukDate, ukMonth } from '../../simulator/core/time.js';
import { familyOf } from '../oracle/families.js';
import { addReported } from '../oracle/join-figures.js';
import type { MetricRow } from '../oracle/metric-row.js';
import { METRIC_SECTIONS, metricName } from './metric-names.js';
import type { RunReport } from './run-report.js';
import { type LeaveRow, leaveRows, processRows, type ProcessRow, withOldWay } from './pmr-processes.js';
import { type CpmRow, type Figure, inMonth, type LabelFilter, minus, percent, type Reports, sum } from './pmr-sums.js';

export type { CpmRow, Figure } from './pmr-sums.js';

/**
 * The monthly Performance Measurement Report (MP122B R5–R7), built from report.json alone so
 * `smsim report <dir>` can re-render it. Everything is generic over the metrics present: any
 * metric with a `month` or `day` label is totalled per month, so other requirements' sections
 * appear as soon as their metrics do.
 */
export interface Pmr {
  readonly asOf: string;
  readonly latenessHours: number;
  /** Which responses counted as within target for R1 and CPM1 / CPM2 (docs/metrics.md). */
  readonly withinTargetRule: WithinTargetRule;
  readonly months: readonly PmrMonth[];
}

export interface IncidentRow {
  readonly category: string;
  readonly smets: string;
  readonly resolver: string;
  readonly openAtMonthEnd: Figure;
  readonly raised: Figure;
  readonly closed: Figure;
  readonly closedWithinTarget: Figure;
  /** Initial responses in the month, and those within the Target Initial Response Time (CR1420). */
  readonly responded: Figure;
  readonly respondedWithinTarget: Figure;
}

export interface AvailabilityRow {
  readonly network: string;
  /** Minutes of the month inside the run window. */
  readonly minutes: number;
  readonly plannedDowntime: Figure;
  readonly unplannedDowntime: Figure;
  /** 1 − unplanned downtime ÷ minutes, in %; reported is null when not reported. */
  readonly truthPercent: number;
  readonly reportedPercent: number | null;
}

export interface PmrMonth {
  readonly month: string;
  /** final once no late event can arrive (month end + lateness ≤ as of), else provisional. */
  readonly status: 'final' | 'provisional';
  /** When the month's data is complete: month end + the lateness allowance. */
  readonly dataCompleteAt: string;
  readonly dataCompleteDate: string;
  /** The 10th Working Day after month end (MP122B R7). */
  readonly dueDate: string;
  /** Whether the data is complete by the due date (so the PMR can be on time). */
  readonly completeByDueDate: boolean;
  /** Share of the month the run covers, 0–1. */
  readonly coverage: number;
  readonly cpms: readonly CpmRow[];
  /** R1 per business process and SMETS generation, responses in this month. */
  readonly businessProcesses: readonly ProcessRow[];
  readonly incidents: readonly IncidentRow[];
  /** Install & Leave CHs per region by their 90-day category as of this month's end (R2); empty until the month has ended. */
  readonly installAndLeave: readonly LeaveRow[];
  readonly availability: readonly AvailabilityRow[];
  readonly sections: ReadonlyArray<{
    readonly title: string;
    readonly rows: ReadonlyArray<{
      readonly id: string;
      readonly name: string;
      readonly truth: number;
      readonly observed: number;
      readonly reported: number | null;
    }>;
  }>;
}

export interface PmrCpm {
  readonly cpm: string;
  readonly name: string;
  readonly within: string;
  readonly total: string;
  /** Subtracted from `within` / `total` (the exclusion list, MP122 way). */
  readonly withinLess?: string;
  readonly totalLess?: string;
  readonly filter?: LabelFilter;
  /**
   * When set, the CPM is "measured" only if a `total` row passes the filter (CPM1 and CPM2 share
   * `srv.responses`: a run with on-demand traffic only has not measured CPM2). Otherwise any
   * `total` row will do (a run with incidents but none of Category 1–2 closed measured CPM4 as 0).
   */
  readonly measuredByFilter?: boolean;
  /** How to read it, shown under the table when the CPM is measured. */
  readonly note?: string;
  readonly target: number;
  readonly minimum: number;
}

const inClasses =
  (classes: readonly string[]): LabelFilter =>
  (l) =>
    classes.includes(l.class ?? '');

/**
 * The Code Performance Measures the PMR shows. Numerator and denominator are metric ids summed
 * over the month, filtered by labels. [UNVERIFIED] targets/minimums: docs/domain.md §2.2 / U5.
 * CPM1 / CPM2 are the MP122 way (actual volumes, after the exclusion list; the same arithmetic as
 * `cpmFigures` in service-figures.ts), counted in the month of the response. CPM3 counts alerts
 * in the month the CH received them, over the alerts whose CH → User time the DCC can measure.
 */
export const PMR_CPMS: readonly PmrCpm[] = [
  {
    cpm: 'CPM1',
    name: 'On-Demand Service Responses within TRT',
    within: 'srv.withinTarget',
    total: 'srv.responses',
    withinLess: 'srv.excludedWithinTarget',
    totalLess: 'srv.excluded',
    filter: inClasses(CPM1_CLASSES),
    measuredByFilter: true,
    target: 99,
    minimum: 96,
  },
  {
    cpm: 'CPM2',
    name: 'Future-Dated Service Responses within TRT',
    within: 'srv.withinTarget',
    total: 'srv.responses',
    withinLess: 'srv.excludedWithinTarget',
    totalLess: 'srv.excluded',
    filter: inClasses(CPM2_CLASSES),
    measuredByFilter: true,
    target: 99,
    minimum: 96,
  },
  {
    cpm: 'CPM3',
    name: 'Alerts delivered within TRT',
    within: 'alert.withinTarget',
    total: 'alert.measured',
    note:
      "times each alert from CH receipt (a DCC Alert: its generation) to the User's confirmation; alerts whose CH receipt the DCC cannot see " +
      '(CSP North, SMETS1 SP: CR1438) are alert.notMeasurable, timed DSP-only in alert.interimMeasured / alert.interimWithinTarget.',
    target: 99,
    minimum: 96,
  },
  {
    cpm: 'CPM4',
    name: 'Category 1–2 Incidents resolved within Target Resolution Time',
    within: 'incident.closedWithinTarget',
    total: 'incident.closed',
    filter: (l) => l.category === '1' || l.category === '2',
    target: 100,
    minimum: 85,
  },
  {
    cpm: 'CPM5',
    name: 'Category 3–5 Incidents resolved within Target Resolution Time',
    within: 'incident.closedWithinTarget',
    total: 'incident.closed',
    filter: (l) => l.category === '3' || l.category === '4' || l.category === '5',
    target: 90,
    minimum: 80,
  },
  {
    cpm: 'CPM6',
    name: 'Self Service Interface availability',
    within: 'cpm.cpm6.availableMinutes',
    total: 'cpm.cpm6.minutes',
    target: 99.5,
    minimum: 98,
  },
];

/** The months a run covers (UK reporting months overlapping [startMs, endMs)). */
export function monthsOf(startMs: number, endMs: number): string[] {
  const out: string[] = [];
  for (let m = ukMonth(startMs); ukDateStartMs(`${m}-01`) < endMs; m = nextMonth(m)) out.push(m);
  return out;
}

export function buildPmr(report: RunReport): Pmr {
  const asOfMs = report.reporting?.asOfMs ?? report.window.endMs;
  const latenessMs = report.reporting?.latenessMs ?? DEFAULT_LATENESS_MS;
  const rows = report.metrics;
  const families = new Set(report.pipeline.families);
  const reports: Reports = (id) => families.has(familyOf(id));
  const months = monthsOf(report.window.startMs, report.window.endMs).map((month): PmrMonth => {
    const start = ukDateStartMs(`${month}-01`);
    const end = monthEndMs(month);
    const covered = Math.max(0, Math.min(end, report.window.endMs) - Math.max(start, report.window.startMs));
    const completeMs = end + latenessMs;
    const dueDate = pmrDueDate(month);
    return {
      month,
      status: monthStatus(month, asOfMs, latenessMs),
      dataCompleteAt: new Date(completeMs).toISOString(),
      dataCompleteDate: ukDate(completeMs),
      dueDate,
      completeByDueDate: ukDate(completeMs) <= dueDate,
      coverage: Math.round((covered / (end - start)) * 10_000) / 10_000,
      cpms: PMR_CPMS.map((c) => withOldWay(cpmRow(c, rows, reports, month), rows, month)),
      businessProcesses: processRows(rows, reports, month),
      installAndLeave: leaveRows(rows, reports, month),
      incidents: incidentRows(rows, reports, month),
      availability: availabilityRows(rows, reports, month, covered / MINUTE),
      sections: METRIC_SECTIONS.map((s) => ({
        title: s.title,
        rows: Object.keys(s.names)
          .filter((id) => rows.some((r) => r.id === id && (r.labels.month !== undefined || r.labels.day !== undefined)))
          .map((id) => {
            let truth = 0;
            let observed = 0;
            let reported: number | null = reports(id) ? 0 : null;
            for (const r of rows) {
              if (r.id !== id || !inMonth(r.labels, month)) continue;
              truth += r.truth;
              observed += r.observed;
              reported = addReported(reported, r.reported);
            }
            return { id, name: metricName(id), truth, observed, reported };
          }),
      })).filter((s) => s.rows.length > 0),
    };
  });
  return {
    asOf: new Date(asOfMs).toISOString(),
    latenessHours: latenessMs / 3_600_000,
    withinTargetRule: report.reporting?.withinTargetRule ?? 'successfulResponse',
    months,
  };
}

function cpmRow(c: PmrCpm, rows: readonly MetricRow[], reports: Reports, month: string): CpmRow {
  const keep = c.filter ?? ((): boolean => true);
  const hasData = rows.some((r) => r.id === c.total && (c.measuredByFilter !== true || keep(r.labels)));
  const within = minus(
    sum(rows, reports, c.within, month, keep),
    c.withinLess === undefined ? null : sum(rows, reports, c.withinLess, month, keep),
  );
  const total = minus(
    sum(rows, reports, c.total, month, keep),
    c.totalLess === undefined ? null : sum(rows, reports, c.totalLess, month, keep),
  );
  // Measured means the pipeline's figure exists: data the pipeline does not report is not measured.
  const notReported = hasData && (within.reported === null || total.reported === null);
  return {
    cpm: c.cpm,
    name: c.name,
    measured: hasData && !notReported,
    ...(notReported ? { notReported: true as const } : {}),
    within,
    total,
    truthPercent: percent(within.truth, total.truth),
    reportedPercent: percent(within.reported, total.reported),
    target: c.target,
    minimum: c.minimum,
    ...(c.note === undefined ? {} : { note: c.note }),
  };
}

/** Category 3, 4, 5 by SMETS generation and resolver group (MP122B R5, CR1420). */
function incidentRows(rows: readonly MetricRow[], reports: Reports, month: string): IncidentRow[] {
  const keys = new Set<string>();
  for (const r of rows) {
    if (!r.id.startsWith('incident.') || r.labels.month !== month) continue;
    const c = r.labels.category;
    if (c !== '3' && c !== '4' && c !== '5') continue;
    keys.add(`${c}\u0000${r.labels.smets ?? ''}\u0000${r.labels.resolver ?? ''}`);
  }
  return [...keys].sort().map((k) => {
    const [category, smets, resolver] = k.split('\u0000') as [string, string, string];
    const f = (l: Readonly<Record<string, string>>): boolean =>
      l.category === category && (l.smets ?? '') === smets && (l.resolver ?? '') === resolver;
    return {
      category,
      smets,
      resolver,
      openAtMonthEnd: sum(rows, reports, 'incident.openAtMonthEnd', month, f),
      raised: sum(rows, reports, 'incident.raised', month, f),
      closed: sum(rows, reports, 'incident.closed', month, f),
      closedWithinTarget: sum(rows, reports, 'incident.closedWithinTarget', month, f),
      responded: sum(rows, reports, 'incident.responded', month, f),
      respondedWithinTarget: sum(rows, reports, 'incident.respondedWithinTarget', month, f),
    };
  });
}

/** Availability per network present in the run's availability metrics (MP122B R6). */
function availabilityRows(rows: readonly MetricRow[], reports: Reports, month: string, minutes: number): AvailabilityRow[] {
  const seen = rows.filter((r) => r.id.startsWith('availability.')).map((r) => r.labels.network ?? '');
  // Availability is per CSP region (R6): once outages are measured, every region gets a row.
  const networks = seen.length === 0 ? [] : [...new Set([...REGIONS, ...seen])].sort(byNetwork);
  return networks.map((network) => {
    const planned = sum(rows, reports, 'availability.downtimeMinutes', month, (l) => l.network === network && l.kind === 'planned');
    const unplanned = sum(rows, reports, 'availability.downtimeMinutes', month, (l) => l.network === network && l.kind === 'unplanned');
    const pct = (down: number): number => (minutes === 0 ? 100 : Math.round((1 - down / minutes) * 100_000) / 1000);
    return {
      network,
      minutes,
      plannedDowntime: planned,
      unplannedDowntime: unplanned,
      truthPercent: pct(unplanned.truth),
      reportedPercent: unplanned.reported === null ? null : pct(unplanned.reported),
    };
  });
}

const NETWORK_ORDER: readonly string[] = [...REGIONS, ...COHORTS];
function byNetwork(a: string, b: string): number {
  const ia = NETWORK_ORDER.indexOf(a);
  const ib = NETWORK_ORDER.indexOf(b);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
}
