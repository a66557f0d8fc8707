import type { EventBatchBuilder, EventFields } from './domain/event-batch.js';
import type { MetricTable } from './domain/metrics/metric-table.js';
import type { PremisesSampler, ShardEstate } from './estate.js';
import type { OutageSchedule } from './outages.js';
import type { Rng } from './rng.js';
import type { ResolvedScenario } from './scenario/resolve.js';

/** Actions are numbered `process index × ACTIONS_PER_PROCESS + local action`. */
export const ACTIONS_PER_PROCESS = 256;

/**
 * What a business process sees of its shard. Processes schedule actions on the shared queue
 * and emit observed events at the current virtual time; emission is always in time order.
 */
export interface SimContext {
  readonly scenario: ResolvedScenario;
  readonly shard: number;
  readonly estate: ShardEstate;
  readonly sampler: PremisesSampler;
  /**
   * Network-wide outages (same for every shard): ask `outages.isUp(network, t)` /
   * `outages.nextUpTime(network, t)` before using the WAN, and defer or delay accordingly.
   */
  readonly outages: OutageSchedule;
  /** Virtual time of the action being handled (ms since the epoch). */
  readonly now: number;
  /** This process's own substream: draws never shift another process's draws. */
  rng(name: string): Rng;
  /** Schedules one of the calling process's local actions. Actions after the run's end are dropped. */
  schedule(time: number, localAction: number, a?: number, b?: number): void;
  /** Emits an observed event now (fields.timeMs is ignored and set to `now`). */
  emit(fields: EventFields): void;
  /** Emits an observed event at a later time (≥ now), via the queue. */
  emitAt(time: number, fields: EventFields): void;
  /**
   * Emits an event now from positional arguments (no object per event): the fast path for
   * high-volume processes. For kinds other than alerts and incidents.
   */
  emitEvent(
    kind: number,
    device: number,
    deviceType: number,
    network: number,
    code: string,
    requestId: number,
    user: number,
    outcome: number,
    ref: number,
    value: number,
  ): void;
  /** Emits an alert now, with its 4 hop offsets in ms (-1 = not visible). */
  emitAlert(
    kind: number,
    device: number,
    deviceType: number,
    network: number,
    code: string,
    alertId: number,
    user: number,
    ref: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
  ): void;
  /** A new id, unique within the shard's stream (requests, alerts, incidents, outages). */
  nextId(): number;
}

/** One business process of the simulated network (installs, firmware, service requests, …). */
export interface BusinessProcess {
  readonly name: string;
  /** Schedules the process's first actions. */
  start(): void;
  /** Handles one of its own actions at ctx.now. */
  handle(localAction: number, a: number, b: number): void;
  /** Adds what devices experienced up to `asOfMs` to the truth table. */
  truth(out: MetricTable, asOfMs: number): void;
}

export type ProcessFactory = (ctx: SimContext, processIndex: number) => BusinessProcess | null;

/** Internal: the builder a context writes to. */
export interface EmitTarget {
  builder: EventBatchBuilder;
}
