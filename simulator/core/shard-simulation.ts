import { EventBatchBuilder, type EventBatchView, type EventFields } from './domain/event-batch.js';
import { createMetricEngine, type MetricEngine } from './domain/metrics/engine.js';
import { MetricTable, type MetricSample } from './domain/metrics/metric-table.js';
import { buildShardEstate, PremisesSampler, type ShardEstate } from './estate.js';
import { EventQueue } from './event-queue.js';
import { PmrMetric } from './domain/metrics/reporting-windows.js';
import { buildOutageSchedule } from './outages.js';
import { PROCESS_FACTORIES } from './processes/index.js';
import { createRng, deriveSeed, type Rng } from './rng.js';
import { shardRange, type ResolvedScenario } from './scenario/resolve.js';
import { CORE_EMIT, ProcessContext, ShardCore } from './process-context.js';
import { ACTIONS_PER_PROCESS, type BusinessProcess } from './sim-context.js';

/** log2(ACTIONS_PER_PROCESS): an action's process is its number shifted right by this. */
const ACTION_BITS = 8;

/**
 * One shard of the simulated network, run forward batch by batch. Pull-based: the edge asks
 * for the next batch when the wire can take it, so backpressure never needs a callback into
 * the core, and the core stays synchronous, pure and deterministic.
 */
export interface ShardSimulation {
  readonly shard: number;
  /** The next batch of observed events (valid until the next call), or null when done. */
  nextBatch(): EventBatchView | null;
  /** Virtual time reached (ms). */
  readonly now: number;
  /** Virtual time of the next pending action (≈ the next batch's first event), Infinity when done. */
  readonly nextTime: number;
  /** Share of the scenario's duration simulated, 0–1. */
  readonly progress: number;
  /** What devices experienced, as of `asOfMs` (default: the end of the scenario's window). */
  truth(asOfMs?: number): MetricSample[];
  /** The reference metric definitions applied to this shard's observed traffic. */
  observed(): MetricSample[];
  /**
   * Counts a batch as observed (traffic that crossed the wire). Only with
   * `{ observeOnTake: false }`, where the caller decides which batches were sent.
   */
  observe(batch: EventBatchView): void;
  readonly estate: ShardEstate;
}

export interface ShardSimulationOptions {
  /** Count every batch as observed as it is taken (default), or leave it to `observe()`. */
  readonly observeOnTake?: boolean;
}

export function createShardSimulation(scenario: ResolvedScenario, shard: number, options: ShardSimulationOptions = {}): ShardSimulation {
  const observeOnTake = options.observeOnTake ?? true;
  const { count } = shardRange(scenario, shard);
  const rngFor = (name: string): Rng => createRng(deriveSeed(scenario.seed, shard, name));
  const sampler = new PremisesSampler(scenario);
  const estate = buildShardEstate(shard, count, rngFor('estate'), sampler);
  const queue = new EventQueue();
  // Slack over batchSize: one action may emit a burst (an install's inventory) past the mark.
  const builder = new EventBatchBuilder(scenario.batchSize * 2 + 64);
  const observedEngine: MetricEngine = createMetricEngine(scenario.metrics);
  // The observed report as of endMs, kept until the next batch is observed: a worker asks for
  // it twice at the end of a shard (truth's events-per-month, then observed), and building it
  // was ~10 % of a gb-day shard's time (25-40 ms of 300-500 ms).
  let observedCache: MetricSample[] | null = null;
  const applyObserved = (batch: EventBatchView): void => {
    observedCache = null;
    observedEngine.apply(batch);
  };
  const observedReport = (): MetricSample[] => (observedCache ??= observedEngine.report(endMs));
  const outages = buildOutageSchedule(scenario);
  const endMs = scenario.endMs;
  const core = new ShardCore(scenario, shard, estate, sampler, outages, queue, builder, rngFor);
  let done = false;

  // Process slot 0 is the core itself; business processes start at 1.
  const processes: Array<BusinessProcess | null> = [null];
  PROCESS_FACTORIES.forEach((factory, i) => {
    processes.push(factory(new ProcessContext(core, i + 1), i + 1));
  });
  // Everything one action schedules is sorted together (EventQueue: bulk scheduling).
  for (const p of processes) {
    queue.beginBulk();
    p?.start();
    queue.endBulk();
  }

  return {
    shard,
    estate,
    get now() {
      return core.now;
    },
    get nextTime() {
      return queue.peekTime();
    },
    get progress() {
      return done ? 1 : Math.min(1, (core.now - scenario.startMs) / scenario.durationMs);
    },
    nextBatch() {
      const target = scenario.batchSize;
      const deferred = core.deferred;
      while (builder.size < target && queue.size > 0) {
        queue.pop();
        core.now = queue.poppedTime;
        const action = queue.poppedAction;
        if (action === CORE_EMIT) {
          const slot = queue.poppedA;
          core.emit(deferred[slot] as EventFields);
          deferred[slot] = undefined;
          core.freeSlots.push(slot);
          continue;
        }
        const process = processes[action >> ACTION_BITS];
        queue.beginBulk();
        process?.handle(action & (ACTIONS_PER_PROCESS - 1), queue.poppedA, queue.poppedB);
        queue.endBulk();
      }
      if (builder.size === 0) {
        done = true;
        core.now = Math.max(core.now, endMs);
        return null;
      }
      const batch = builder.take();
      if (observeOnTake) applyObserved(batch);
      return batch;
    },
    truth(asOfMs = endMs) {
      const table = new MetricTable();
      for (const p of processes) p?.truth(table, asOfMs);
      // Events per reporting month are traffic the DCC saw by definition: truth = observed.
      table.merge(observedReport().filter((m) => m.id === PmrMetric.MONTH_EVENTS));
      return table.samples();
    },
    observed() {
      return observedReport();
    },
    observe(batch) {
      applyObserved(batch);
    },
  };
}
