import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';

/**
 * Metric families: a metric id up to its first dot ("srv.withinTarget" → "srv"). A pipeline
 * computes whole families or none of one; a figure of a family it does not compute is "not
 * reported", never 0 (services.proto, ReportResponse.families).
 */
export function familyOf(metricId: string): string {
  const dot = metricId.indexOf('.');
  return dot < 0 ? metricId : metricId.slice(0, dot);
}

/**
 * The families whose figures the pipeline reported: those declared on the command line
 * (`--families`), else those it says it computes, else those with at least one figure in its
 * Report (a pipeline that computes a family leaves none of it out when that family saw traffic).
 */
export function reportedFamilies(
  report: { readonly families: readonly string[]; readonly metrics: readonly MetricSample[] },
  declared?: readonly string[],
): ReadonlySet<string> {
  if (declared !== undefined) return new Set(declared);
  if (report.families.length > 0) return new Set(report.families);
  return new Set(report.metrics.map((m) => familyOf(m.id)));
}
