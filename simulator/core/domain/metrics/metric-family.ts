import type { EventBatchView } from '../event-batch.js';
import type { MetricSample } from './metric-table.js';

/**
 * The metric definitions of one business process: pure functions over observed events. The
 * same family runs in the simulator (on each shard's observed traffic) and in the reference
 * pipeline (on what it ingests), so "observed" and "reported" mean the same computation. Where
 * the simulator's truth counts too, the rules live in the family's Accumulator (accumulator.ts).
 */
export interface MetricFamily {
  apply(batch: EventBatchView): void;
  /** Figures as of `asOfMs` (ms since the epoch). */
  report(asOfMs: number): MetricSample[];
}
