import { performance } from 'node:perf_hooks';
import { encodeEventBatch } from '../wire/codec.js';
import { createIngestEmitter } from '../wire/emitter.js';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';
import { createShardSimulation } from '../simulator/core/shard-simulation.js';

export interface CeilingTask {
  readonly scenario: ResolvedScenario;
  readonly shards: readonly number[];
  readonly target: string;
  readonly runId: string;
  /** Int32Array[1]: how many workers have finished generating. */
  readonly barrier: SharedArrayBuffer;
  readonly workers: number;
}

export interface CeilingResult {
  readonly events: number;
  readonly bytes: number;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The transport ceiling: a worker's shards are simulated and encoded first (untimed), then, once
 * every worker is ready, streamed as fast as the pipeline acks them. The server decodes and drops.
 */
export default async function ceilingTask(task: CeilingTask): Promise<CeilingResult> {
  const batches: Array<{ bytes: Uint8Array; events: number; shard: number }> = [];
  for (const shard of task.shards) {
    const sim = createShardSimulation(task.scenario, shard);
    for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch())
      batches.push({ bytes: encodeEventBatch(b), events: b.eventCount, shard });
  }
  const ready = new Int32Array(task.barrier);
  Atomics.add(ready, 0, 1);
  while (Atomics.load(ready, 0) < task.workers) Atomics.wait(ready, 0, Atomics.load(ready, 0), 5);
  const startMs = performance.timeOrigin + performance.now();
  let events = 0;
  let bytes = 0;
  for (const shard of task.shards) {
    const emitter = createIngestEmitter({ target: task.target, streamId: `${task.runId}/ceiling-${shard}` });
    for (const b of batches) {
      if (b.shard !== shard) continue;
      await emitter.send(b.bytes, b.events);
      events += b.events;
      bytes += b.bytes.byteLength;
    }
    await emitter.finish();
  }
  return { events, bytes, startMs, endMs: performance.timeOrigin + performance.now() };
}
