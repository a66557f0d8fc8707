import { monthEndMs, nextMonth } from '../../calendar/working-days.js';
import { ukMonth } from '../../time.js';
import { type EventBatchView, isIncidentKind } from '../event-batch.js';
import {
  DEFAULT_INCIDENT_TARGETS,
  DEFAULT_RESPONSE_TARGETS,
  resolutionDeadline,
  RESOLVER_LABELS,
  type IncidentTargets,
} from '../incident-targets.js';
import { EventKind, smetsLabel } from '../vocabulary.js';
import type { Accumulator } from './accumulator.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';

/**
 * Metric ids of R5, incidents (CPM4 / CPM5 transparency, CR1420; docs/metrics.md). Labels:
 * {category: "1"…"5", smets: smets1|smets2, resolver, month}. An incident counts **once**, in the
 * month it is closed (MP122B R5: "Incidents ... closed within the month"): the month of its last
 * closure as of the report, judged against the Target Resolution Time from when it was first
 * raised: a re-opening does not restart the clock [ASSUMPTION].
 */
export const IncidentMetric = {
  /** Incidents raised, by the month raised. */
  RAISED: 'incident.raised',
  /** Incidents closed (once each, however often re-opened), by the month of their last closure. */
  CLOSED: 'incident.closed',
  /** Of those, closed within the Target Resolution Time, by the month closed. */
  CLOSED_WITHIN_TARGET: 'incident.closedWithinTarget',
  /** Incidents given their initial response (CR1420), by the month of the response. */
  RESPONDED: 'incident.responded',
  /** Of those, responded to within the Target Initial Response Time, by the month of the response. */
  RESPONDED_WITHIN_TARGET: 'incident.respondedWithinTarget',
  /** Re-openings, by the month re-opened. */
  REOPENED: 'incident.reopened',
  /** Incidents open at the end of the month (only months that have ended by as-of time). */
  OPEN_AT_MONTH_END: 'incident.openAtMonthEnd',
} as const;

export type IncidentEventKind =
  | typeof EventKind.INCIDENT_RAISED
  | typeof EventKind.INCIDENT_CLOSED
  | typeof EventKind.INCIDENT_REOPENED
  | typeof EventKind.INCIDENT_RESPONDED;

interface IncidentRecord {
  category: number;
  network: number;
  resolver: number;
  /** NaN when the raise was never seen (raised before the observation began). */
  raisedAt: number;
  /** The first initial response; NaN when none was seen. */
  respondedAt: number;
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

  constructor(
    private readonly targets: IncidentTargets = DEFAULT_INCIDENT_TARGETS,
    private readonly responseTargets: IncidentTargets = DEFAULT_RESPONSE_TARGETS,
  ) {}

  private record(key: string, category: number, network: number, resolver: number): IncidentRecord {
    let r = this.incidents.get(key);
    if (r === undefined) {
      r = { category, network, resolver, raisedAt: Number.NaN, respondedAt: Number.NaN, changes: [] };
      this.incidents.set(key, r);
    }
    return r;
  }

  /** One raise, closure or re-opening (`kind`) of the incident named `key`. */
  add(kind: IncidentEventKind, key: string, at: number, category: number, network: number, resolver: number): void {
    const r = this.record(key, category, network, resolver);
    if (kind === EventKind.INCIDENT_RAISED) {
      if (Number.isNaN(r.raisedAt)) r.raisedAt = at;
    } else if (kind === EventKind.INCIDENT_RESPONDED) {
      if (Number.isNaN(r.respondedAt) || at < r.respondedAt) r.respondedAt = at;
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
      // Closed once: as of the report, the last closure or re-opening decides (a re-opened
      // incident is open again, and counts when it is closed for the last time).
      let last = 0;
      for (const c of r.changes) {
        const at = Math.abs(c);
        if (at > asOfMs) continue;
        if (c < 0) out.add(IncidentMetric.REOPENED, { ...base, month: ukMonth(at) });
        if (at >= Math.abs(last)) last = c;
      }
      if (last > 0) {
        const labels = { ...base, month: ukMonth(last) };
        out.add(IncidentMetric.CLOSED, labels);
        if (last <= deadline) out.add(IncidentMetric.CLOSED_WITHIN_TARGET, labels);
      }
      if (r.respondedAt <= asOfMs) {
        const labels = { ...base, month: ukMonth(r.respondedAt) };
        out.add(IncidentMetric.RESPONDED, labels);
        if (raisedKnown && r.respondedAt <= resolutionDeadline(this.responseTargets, r.category, r.raisedAt))
          out.add(IncidentMetric.RESPONDED_WITHIN_TARGET, labels);
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

/** R5 from observed traffic: INCIDENT_RAISED / _CLOSED / _REOPENED / _RESPONDED events. */
export function createIncidentMetrics(
  targets: IncidentTargets = DEFAULT_INCIDENT_TARGETS,
  responseTargets: IncidentTargets = DEFAULT_RESPONSE_TARGETS,
): MetricFamily {
  const ledger = new IncidentLedger(targets, responseTargets);
  return {
    apply(b: EventBatchView) {
      const n = b.eventCount;
      let sparse = 0;
      for (let i = 0; i < n; i++) {
        const kind = b.kind[i] as number;
        if (!isIncidentKind(kind)) continue;
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
