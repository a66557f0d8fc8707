import { createMetricEngine, METRIC_IDS } from '../../simulator/core/domain/metrics/engine.js';
import { DEFAULT_METRIC_CONFIG, type MetricConfig } from '../../simulator/core/domain/metrics/metric-config.js';
import { familyOf } from '../oracle/families.js';
import type { MeasurementPipeline } from './measurement-pipeline.js';

/**
 * The reference measurement pipeline: the shared metric definitions over ingested batches. It
 * computes exactly what the simulator computes as "observed", so on a lossless run every
 * reported figure equals the observed one; any other pipeline is judged against it. `config` is
 * the pipeline's configuration (Target Response Times, the governed exclusion list): the
 * harness passes the scenario's `measurement` block, exactly what the simulator's observed uses.
 */
export function createReferencePipeline(
  config: MetricConfig = DEFAULT_METRIC_CONFIG,
  families: readonly string[] = REFERENCE_FAMILIES,
): MeasurementPipeline {
  const engine = createMetricEngine(config);
  if (families === REFERENCE_FAMILIES)
    return { apply: (batch) => engine.apply(batch), report: (asOfMs) => engine.report(asOfMs), families };
  // A partial pipeline, as a team's pipeline is while it is being built (`serve --families`):
  // it computes, and says it computes, only these families.
  const kept = new Set(families);
  return {
    apply: (batch) => engine.apply(batch),
    report: (asOfMs) => engine.report(asOfMs).filter((m) => kept.has(familyOf(m.id))),
    families: [...kept].sort(),
  };
}

/** Every family of the shared definitions: the reference pipeline computes them all. */
export const REFERENCE_FAMILIES: readonly string[] = [...new Set([...METRIC_IDS].map(familyOf))].sort();
