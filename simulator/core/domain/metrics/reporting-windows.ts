import { monthEndMs } from '../../calendar/working-days.js';
import { HOUR, ukMonth } from '../../time.js';
import type { EventBatchView } from '../event-batch.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';

/**
 * The reporting-month watermark (MP122B R7). Events belong to the month of their
 * event time; a month is **final** once `as of` has passed month end + the lateness allowance
 * (the longest target response time, 48 h by default), because until then a response or alert
 * for it can still arrive. Before that its figures are **provisional**.
 */
export const PmrMetric = {
  /** Events received per reporting month, labelled {month, status: final|provisional}. */
  MONTH_EVENTS: 'pmr.monthEvents',
} as const;

export const DEFAULT_LATENESS_MS = 48 * HOUR;

/** "final" when no late event for `month` can still arrive as of `asOfMs`. */
export function monthStatus(month: string, asOfMs: number, latenessMs: number): 'final' | 'provisional' {
  return asOfMs >= monthEndMs(month) + latenessMs ? 'final' : 'provisional';
}

export function createReportingWindows(latenessMs: number): MetricFamily {
  // Events per month; one batch spans few months, so a tiny map keyed by month string.
  const counts = new Map<string, number>();
  let lastHour = Number.NaN;
  let lastMonth = '';
  return {
    apply(b: EventBatchView) {
      // Hot path (every event): count runs of one month, touch the map once per run.
      let run = 0;
      for (let i = 0; i < b.eventCount; i++) {
        const time = b.baseTimeMs + (b.timeDeltaMs[i] as number);
        const hour = Math.floor(time / HOUR);
        if (hour !== lastHour) {
          lastHour = hour;
          const month = ukMonth(time);
          if (month !== lastMonth) {
            if (run > 0) counts.set(lastMonth, (counts.get(lastMonth) ?? 0) + run);
            run = 0;
            lastMonth = month;
          }
        }
        run++;
      }
      if (run > 0) counts.set(lastMonth, (counts.get(lastMonth) ?? 0) + run);
    },
    report(asOfMs: number): MetricSample[] {
      const out = new MetricTable();
      for (const [month, n] of [...counts.entries()].sort())
        out.add(PmrMetric.MONTH_EVENTS, { month, status: monthStatus(month, asOfMs, latenessMs) }, n);
      return out.samples();
    },
  };
}
