import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadScenario } from '../harness/scenario/load-scenario.js';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';
import { createShardSimulation } from '../simulator/core/shard-simulation.js';
import { encodeEventBatch } from '../wire/codec.js';
import { findPackageRoot } from '../wire/proto-root.js';

/*
 * The simulator's own cost, without gRPC: what a worker does per batch (simulate, encode, count
 * as observed, hash into the fingerprint), on one thread, shard after shard.
 *
 *   node dist/bench/core-simulate.js [scenario.yaml] [shards, e.g. 0,1,2] [rounds]
 *       events/s of simulate + observe + encode (+ sha256), the best of `rounds` passes
 *   node dist/bench/core-simulate.js --fingerprints scenario.yaml [shards]
 *       per shard: the fingerprint and a hash of its truth and observed figures (to compare two
 *       builds: an optimisation must leave every line identical)
 */

export interface CoreFigures {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** One pass over `shards`, as a worker runs them (observeOnTake false, observe after encode). */
export function simulateShards(scenario: ResolvedScenario, shards: readonly number[]): { events: number; fingerprints: string[] } {
  let events = 0;
  const fingerprints: string[] = [];
  for (const shard of shards) {
    const sim = createShardSimulation(scenario, shard, { observeOnTake: false });
    const hash = createHash('sha256');
    for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) {
      const encoded = encodeEventBatch(b);
      sim.observe(b);
      hash.update(encoded);
      events += b.eventCount;
    }
    // The worker's end of shard: truth and the observed report.
    const figures = JSON.stringify([sim.truth(), sim.observed()]);
    fingerprints.push(`${shard} ${hash.digest('hex')} ${createHash('sha256').update(figures).digest('hex').slice(0, 16)}`);
  }
  return { events, fingerprints };
}

/** The best of `rounds` passes (the machine is shared: the least disturbed pass is the figure). */
export function coreBench(scenario: ResolvedScenario, shards: readonly number[], rounds = 3): CoreFigures {
  let best = Number.POSITIVE_INFINITY;
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    events = simulateShards(scenario, shards).events;
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return { events, seconds: best, eventsPerSecond: Math.round(events / best) };
}

async function main(argv: readonly string[]): Promise<void> {
  const root = findPackageRoot(import.meta.url);
  const fingerprints = argv[0] === '--fingerprints';
  const args = fingerprints ? argv.slice(1) : argv;
  const file = args[0] ?? join(root, 'scenarios', 'gb-day.yaml');
  const { scenario } = await loadScenario(file);
  const shards =
    args[1] === undefined || args[1] === 'all'
      ? Array.from({ length: fingerprints ? scenario.estate.shardCount : 1 }, (_, i) => i)
      : args[1].split(',').map(Number);
  if (fingerprints) {
    for (const line of simulateShards(scenario, shards).fingerprints) console.log(line);
    return;
  }
  const f = coreBench(scenario, shards, Number(args[2] ?? 3));
  console.log(`${f.events} events, best ${f.seconds.toFixed(3)} s: ${f.eventsPerSecond.toLocaleString('en-GB')} events/s`);
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) await main(process.argv.slice(2));
