import type { EventBatchView } from '../../simulator/core/domain/event-batch.js';
import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';

/**
 * What the ingest server drives: something that counts decoded batches and reports metrics.
 * The reference implementation wraps the shared metric definitions (simulator/core/domain);
 * the server owns delivery (sequences, duplicates, acks), never the metrics.
 */
export interface MeasurementPipeline {
  /**
   * Applies one valid batch. Called once per accepted batch, in stream order. The batch's columns
   * are reused for the next one: copy what must outlive the call.
   */
  apply(batch: EventBatchView): void;
  /** The metrics as of `asOfMs` (ms since the epoch); 0 = the latest event time seen. */
  report(asOfMs: number): MetricSample[];
  /**
   * The metric families it computes ("install", "srv", …: a metric id up to its first dot).
   * Absent = not said: a figure is then taken as reported when its family has any figure.
   */
  readonly families?: readonly string[];
}
