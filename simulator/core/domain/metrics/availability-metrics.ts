import { DAY, HOUR, MINUTE, ukDate, ukMidnight } from '../../time.js';
import type { EventBatchView } from '../event-batch.js';
import { EventKind, NETWORK_LABELS } from '../vocabulary.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';

/**
 * Metric ids of R6, end-to-end availability per CSP region and SMETS1 SP (docs/metrics.md).
 * Labels {network, kind: planned|unplanned, day}. Availability for a period is
 * 1 − unplanned downtime ÷ minutes in the period (PMM p13: Planned Maintenance is not
 * unscheduled downtime); the PMR derives it per month.
 */
export const AvailabilityMetric = {
  /** Minutes the end-to-end service was down, split at UK midnight. */
  DOWNTIME_MINUTES: 'availability.downtimeMinutes',
  /** Outages, by the day they started. */
  OUTAGES: 'availability.outages',
} as const;

export const OUTAGE_PLANNED = 'PLANNED';
export const OUTAGE_UNPLANNED = 'UNPLANNED';

/** Adds one outage [startMs, min(endMs, asOfMs)) to `out`, split by UK day. */
export function addOutage(out: MetricTable, network: number, planned: boolean, startMs: number, endMs: number, asOfMs: number): void {
  if (startMs > asOfMs) return;
  const labels = { network: NETWORK_LABELS[network] ?? 'unknown', kind: planned ? 'planned' : 'unplanned' };
  out.add(AvailabilityMetric.OUTAGES, { ...labels, day: ukDate(startMs) });
  const end = Math.min(endMs, asOfMs);
  let t = startMs;
  while (t < end) {
    const dayEnd = ukMidnight(ukMidnight(t) + DAY + 2 * HOUR);
    const upTo = Math.min(end, dayEnd);
    out.add(AvailabilityMetric.DOWNTIME_MINUTES, { ...labels, day: ukDate(t) }, (upTo - t) / MINUTE);
    t = upTo;
  }
}

/** R6 from observed OUTAGE_START / OUTAGE_END events (code PLANNED / UNPLANNED). */
export function createAvailabilityMetrics(): MetricFamily {
  const open = new Map<number, { network: number; planned: boolean; startMs: number }>();
  const closed: Array<{ network: number; planned: boolean; startMs: number; endMs: number }> = [];
  return {
    apply(b: EventBatchView) {
      for (let i = 0; i < b.eventCount; i++) {
        const kind = b.kind[i] as number;
        if (kind !== EventKind.OUTAGE_START && kind !== EventKind.OUTAGE_END) continue;
        const time = b.baseTimeMs + (b.timeDeltaMs[i] as number);
        const id = b.requestId[i] as number;
        if (kind === EventKind.OUTAGE_START) {
          open.set(id, { network: b.network[i] as number, planned: b.dictionary[b.code[i] as number] === OUTAGE_PLANNED, startMs: time });
        } else {
          const o = open.get(id);
          if (o === undefined) continue;
          open.delete(id);
          closed.push({ ...o, endMs: time });
        }
      }
    },
    report(asOfMs: number): MetricSample[] {
      const out = new MetricTable();
      for (const o of closed) addOutage(out, o.network, o.planned, o.startMs, o.endMs, asOfMs);
      for (const o of open.values()) addOutage(out, o.network, o.planned, o.startMs, Number.POSITIVE_INFINITY, asOfMs);
      return out.samples();
    },
  };
}
