import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeEventBatch } from '../../wire/codec.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { runFingerprint } from '../../harness/oracle/merge-shards.js';
import { createShardSimulation } from '../../simulator/core/shard-simulation.js';
import { runShards } from '../../simulator/pool.js';

const FILE = 'test/fixtures/scenarios/small.yaml';

describe('determinism', () => {
  it('gives byte-identical batches for the same shard and seed, and different ones for another seed', async () => {
    const { scenario } = await loadScenario(FILE);
    const digest = (seed: string): string => {
      const h = createHash('sha256');
      const sim = createShardSimulation({ ...scenario, seed }, 1);
      for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) h.update(encodeEventBatch(b));
      return h.digest('hex');
    };
    expect(digest(scenario.seed)).toBe(digest(scenario.seed));
    expect(digest(scenario.seed)).not.toBe(digest('another seed'));
  });

  it('gives the same fingerprint and truth with 1 and with 2 workers', async () => {
    const { scenario } = await loadScenario(FILE);
    const run = (workers: number) => runShards({ scenario, workers, sinkFor: () => ({ kind: 'none' }) });
    const one = await run(1);
    const two = await run(2);
    expect(one.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    expect(one.map((r) => r.fingerprint)).toEqual(two.map((r) => r.fingerprint));
    expect(runFingerprint(one)).toBe(runFingerprint(two));
    expect(one.map((r) => r.truth)).toEqual(two.map((r) => r.truth));
    expect(one.map((r) => r.observed)).toEqual(two.map((r) => r.observed));
    expect(one.reduce((s, r) => s + r.events, 0)).toBeGreaterThan(10_000);
  });

  it('runs a subset of shards exactly as the full run does (--shard i/N)', async () => {
    const { scenario } = await loadScenario(FILE);
    const all = await runShards({ scenario, workers: 2, sinkFor: () => ({ kind: 'none' }) });
    const only = await runShards({ scenario, workers: 1, shards: [2], sinkFor: () => ({ kind: 'none' }) });
    expect(only[0]?.fingerprint).toBe(all[2]?.fingerprint);
  });
});
