import type { MetricTable } from './metric-table.js';

/**
 * The counting rules of one metric family, held in one place so that the simulator's truth (what
 * devices experienced) and the family (what was observed) feed the same code and can only differ
 * in what they were told, never in how they count. One verb per job:
 *
 * - `add` records one thing. Its arguments are the family's own (numbers on hot paths, so
 *   recording allocates nothing); where a family records several kinds of thing, the first
 *   argument says which, as an EventKind or the family's own small enum.
 * - `merge` combines another accumulator of the same kind. Optional: only where something merges.
 * - `report` writes the figures as of `asOfMs` into `out`, adding to what is already there (a
 *   truth table holds every process's figures). An accumulator whose counts do not depend on
 *   time takes `out` alone.
 */
export interface Accumulator {
  add(...args: never[]): void;
  merge?(other: this): void;
  report(out: MetricTable, asOfMs: number): void;
}
