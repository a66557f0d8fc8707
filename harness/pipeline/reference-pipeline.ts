import { createMetricEngine, type MetricOptions } from '../../simulator/core/domain/metrics/engine.js';
import type { MeasurementPipeline } from './measurement-pipeline.js';

/**
 * The reference measurement pipeline: the shared metric definitions over ingested batches. It
 * computes exactly what the simulator computes as "observed", so on a lossless run every
 * reported figure equals the observed one; any other pipeline is judged against it.
 */
export function createReferencePipeline(options: MetricOptions = {}): MeasurementPipeline {
  return createMetricEngine(options);
}
