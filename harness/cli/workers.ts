import { availableParallelism } from 'node:os';
import { shardRange, type ResolvedScenario } from '../../simulator/core/scenario/resolve.js';

/**
 * Below this many premises-days (≈ 7 M events, ~10 s of work), a run with the embedded pipeline
 * leaves it a core of its own.
 */
export const SMALL_RUN_PREMISES_DAYS = 2_000_000;

/** Premises × days simulated by a run of these shards (all by default): its size in work. */
export function premisesDays(scenario: ResolvedScenario, shards?: readonly number[]): number {
  const premises = shards === undefined ? scenario.estate.premises : shards.reduce((sum, s) => sum + shardRange(scenario, s).count, 0);
  return (premises * scenario.durationMs) / 86_400_000;
}

/**
 * One worker per core, except for a small run with the embedded pipeline. That pipeline decodes
 * and counts every event on the main thread, and each worker pays its own JIT warm-up (~0.5 s of
 * half-speed simulation): measured on 2 cores, the default scenario (0.7 M premises-days) ran
 * 5–20 % faster with 1 worker than with 2, while a third of gb-day (6 M) ran 14 % faster with 2
 * and the whole of gb-day (17.8 M) 9 % faster (README, Performance notes). A pipeline elsewhere
 * leaves every core to the simulator.
 */
export function defaultWorkers(externalPipeline: boolean, runPremisesDays: number): number {
  const cores = availableParallelism();
  return externalPipeline || runPremisesDays >= SMALL_RUN_PREMISES_DAYS ? cores : Math.max(1, cores - 1);
}

/**
 * A replay's workers only read and send (profiled: a worker sending two shards of the default
 * scenario idled 64 % of its time), while the embedded pipeline decodes and counts every event
 * on the main thread, so with it a replay leaves the pipeline a core of its own whatever its
 * size; a pipeline elsewhere gets a sender per core.
 */
export function defaultReplayWorkers(externalPipeline: boolean): number {
  const cores = availableParallelism();
  return externalPipeline ? cores : Math.max(1, cores - 1);
}
