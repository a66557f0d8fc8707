import type { ExpectationContext } from '../expect/expectations.js';
import type { MetricRow } from '../oracle/metric-row.js';
import type { RunFigures } from '../report/run-report.js';

/** What a run's expectations are checked against: its rows, its run.* figures, what was reported. */
export function expectationContext(
  metrics: readonly MetricRow[],
  run: RunFigures,
  reportedFamilies: ReadonlySet<string>,
): ExpectationContext {
  return {
    metrics,
    run: {
      ...(run as unknown as Record<string, number>),
      // Paced runs only; NaN otherwise, so a comparison with them fails (expectations.ts).
      scheduleLagP99: run.pacing?.scheduleLagMs.p99 ?? Number.NaN,
      ackLatencyP99: run.pacing?.ackLatencyMs.p99 ?? Number.NaN,
    },
    reportedFamilies,
  };
}
