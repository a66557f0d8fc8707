import { monthEndMs, nextMonth } from '../../calendar/working-days.js';
import { ukMonth } from '../../time.js';
import type { EventBatchView } from '../event-batch.js';
import { DEFAULT_INCIDENT_TARGETS, resolutionDeadline, RESOLVER_LABELS, type IncidentTargets } from '../incident-targets.js';
import { EventKind, smetsLabel } from '../vocabulary.js';
import type { Accumulator } from './accumulator.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';

/**
 * Metric ids of R5, incidents (CPM4 / CPM5 transparency, CR1420; docs/metrics.md). Labels:
 * {category: "1"…"5", smets: smets1|smets2, resolver, month}. Incidents count in the month they
 * are **closed** (MP122B R5), each closure judged against the Target Resolution Time from when
 * the incident was first raised: a re-opening does not restart the clock [ASSUMPTION].
 */
export const IncidentMetric = {
  /** Incidents raised, by the month raised. */
  RAISED: 'incident.raised',
  /** Closures, by the month closed (a re-opened incident closed again counts again). */
  CLOSED: 'incident.closed',
  /** Closures within the Target Resolution Time, by the month closed. */
  CLOSED_WITHIN_TARGET: 'incident.closedWithinTarget',
  /** Re-openings, by the month re-opened. */
  REOPENED: 'incident.reopened',
  /** Incidents open at the end of the month (only months that have ended by as-of time). */
  OPEN_AT_MONTH_END: 'incident.openAtMonthEnd',
} as const;

export type IncidentEventKind = typeof EventKind.INCIDENT_RAISED | typeof EventKind.INCIDENT_CLOSED | typeof EventKind.INCIDENT_REOPENED;

interface IncidentRecord {
  category: number;
  network: number;
  resolver: number;
  /** NaN when the raise was never seen (raised before the observation began). */
  raisedAt: number;
  /** Closures and re-openings in time order: +t = closed at t, −t = re-opened at t. */
  changes: number[];
}

/**
 * The incidents of one view (truth or observed), and the R5 figures from them. The same code
 * serves the simulator's truth and the metric family, so the two can only differ in what they
 * were told, never in how they count.
 */
export class IncidentLedger implements Accumulator {
  private readonly incidents = new Map<string, IncidentRecord>();

  constructor(private readonly targets: IncidentTargets = DEFAULT_INCIDENT_TARGETS) {}

  private record(key: string, category: number, network: number, resolver: number): IncidentRecord {
    let r = this.incidents.get(key);
    if (r === undefined) {
      r = { category, network, resolver, raisedAt: Number.NaN, changes: [] };
      this.incidents.set(key, r);
    }
    return r;
  }

  /** One raise, closure or re-opening (`kind`) of the incident named `key`. */
  add(kind: IncidentEventKind, key: string, at: number, category: number, network: number, resolver: number): void {
    const r = this.record(key, category, network, resolver);
    if (kind === EventKind.INCIDENT_RAISED) {
      if (Number.isNaN(r.raisedAt)) r.raisedAt = at;
    } else {
      r.changes.push(kind === EventKind.INCIDENT_CLOSED ? at : -at);
    }
  }

  report(out: MetricTable, asOfMs: number): void {
    for (const r of this.incidents.values()) {
      const base = { category: String(r.category), smets: smetsLabel(r.network), resolver: RESOLVER_LABELS[r.resolver] ?? 'unknown' };
      const raisedKnown = !Number.isNaN(r.raisedAt);
      if (raisedKnown && r.raisedAt > asOfMs) continue;
      if (raisedKnown) out.add(IncidentMetric.RAISED, { ...base, month: ukMonth(r.raisedAt) });
      const deadline = raisedKnown ? resolutionDeadline(this.targets, r.category, r.raisedAt) : Number.NEGATIVE_INFINITY;
      for (const c of r.changes) {
        const at = Math.abs(c);
        if (at > asOfMs) continue;
        const labels = { ...base, month: ukMonth(at) };
        if (c < 0) {
          out.add(IncidentMetric.REOPENED, labels);
          continue;
        }
        out.add(IncidentMetric.CLOSED, labels);
        if (at <= deadline) out.add(IncidentMetric.CLOSED_WITHIN_TARGET, labels);
      }
      if (!raisedKnown) continue;
      for (let month = ukMonth(r.raisedAt); ; month = nextMonth(month)) {
        const end = monthEndMs(month);
        if (end > asOfMs) break;
        if (isOpenAt(r, end)) out.add(IncidentMetric.OPEN_AT_MONTH_END, { ...base, month });
        else if (lastChangeBefore(r, end) > 0 && !changesAfter(r, end)) break;
      }
    }
  }
}

/** Open at `t`: raised before it, and its last closure/re-opening before it was a re-opening. */
function isOpenAt(r: IncidentRecord, t: number): boolean {
  return r.raisedAt < t && lastChangeBefore(r, t) <= 0;
}

/** The last change strictly before `t` (+closed / −reopened), or 0 when none. */
function lastChangeBefore(r: IncidentRecord, t: number): number {
  let last = 0;
  for (const c of r.changes) if (Math.abs(c) < t) last = c;
  return last;
}

function changesAfter(r: IncidentRecord, t: number): boolean {
  return r.changes.some((c) => Math.abs(c) >= t);
}

/** R5 from observed traffic: INCIDENT_RAISED / _CLOSED / _REOPENED events. */
export function createIncidentMetrics(targets: IncidentTargets = DEFAULT_INCIDENT_TARGETS): MetricFamily {
  const ledger = new IncidentLedger(targets);
  return {
    apply(b: EventBatchView) {
      const n = b.eventCount;
      let sparse = 0;
      for (let i = 0; i < n; i++) {
        const kind = b.kind[i] as number;
        if (kind !== EventKind.INCIDENT_RAISED && kind !== EventKind.INCIDENT_CLOSED && kind !== EventKind.INCIDENT_REOPENED) continue;
        const resolver = (b.resolverGroup[sparse++] as number | undefined) ?? 0;
        const time = b.baseTimeMs + (b.timeDeltaMs[i] as number);
        // Ids are unique per stream, devices across the estate: together they name an incident.
        const key = `${b.requestId[i] as number}/${b.device[i] as number}`;
        ledger.add(kind as IncidentEventKind, key, time, b.value[i] as number, b.network[i] as number, resolver);
      }
    },
    report(asOfMs: number): MetricSample[] {
      const out = new MetricTable();
      ledger.report(out, asOfMs);
      return out.samples();
    },
  };
}
