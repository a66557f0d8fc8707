import type { EventBatchView } from '../event-batch.js';
import { DEFAULT_INCIDENT_TARGETS, DEFAULT_RESPONSE_TARGETS } from '../incident-targets.js';
import { AvailabilityMetric, createAvailabilityMetrics } from './availability-metrics.js';
import { createIncidentMetrics, IncidentMetric } from './incident-metrics.js';
import { FirmwareMetric } from './firmware-figures.js';
import { createFirmwareMetrics } from './firmware-metrics.js';
import { AlertMetric, createAlertMetrics } from './alert-metrics.js';
import { createInstallMetrics, InstallMetric } from './install-metrics.js';
import { DEFAULT_METRIC_CONFIG, type MetricConfig } from './metric-config.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';
import { createReportingWindows, DEFAULT_LATENESS_MS, PmrMetric } from './reporting-windows.js';
import { createSrvMetrics, SrvMetric } from './srv-metrics.js';

/** Every metric family, in report order. */
export const METRIC_FAMILIES: ReadonlyArray<(config: MetricConfig) => MetricFamily> = [
  () => createInstallMetrics(),
  (c) => createSrvMetrics(c),
  (c) => createAlertMetrics(c),
  (c) => createFirmwareMetrics(c.smets1SpFirmwareData ?? true),
  (c) => createIncidentMetrics(c.incidentTargets ?? DEFAULT_INCIDENT_TARGETS, c.incidentResponseTargets ?? DEFAULT_RESPONSE_TARGETS),
  () => createAvailabilityMetrics(),
  (c) => createReportingWindows(c.latenessMs ?? DEFAULT_LATENESS_MS),
];

/** Every metric id the reference definitions produce (expectations are checked against it). */
export const METRIC_IDS: ReadonlySet<string> = new Set<string>([
  ...Object.values(InstallMetric),
  ...Object.values(SrvMetric),
  ...Object.values(AlertMetric),
  ...Object.values(FirmwareMetric),
  ...Object.values(IncidentMetric),
  ...Object.values(AvailabilityMetric),
  ...Object.values(PmrMetric),
]);

/** All metric families behind one apply/report pair: the reference measurement. */
export interface MetricEngine {
  apply(batch: EventBatchView): void;
  /** 0 = as of the latest event time seen. */
  report(asOfMs: number): MetricSample[];
}

/** `config`: the pipeline configuration (TRTs, exclusion list), the same in simulator and pipeline. */
export function createMetricEngine(config: MetricConfig = DEFAULT_METRIC_CONFIG): MetricEngine {
  const families = METRIC_FAMILIES.map((create) => create(config));
  let latest = Number.NEGATIVE_INFINITY;
  return {
    apply(batch) {
      const n = batch.eventCount;
      if (n > 0) latest = Math.max(latest, batch.baseTimeMs + (batch.timeDeltaMs[n - 1] as number));
      for (const f of families) f.apply(batch);
    },
    report(asOfMs) {
      const asOf = asOfMs > 0 ? asOfMs : latest;
      const table = new MetricTable();
      for (const f of families) table.merge(f.report(asOf));
      return table.samples();
    },
  };
}
