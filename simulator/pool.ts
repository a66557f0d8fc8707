import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { findPackageRoot } from '../wire/proto-root.js';
import type { ResolvedScenario } from './core/scenario/resolve.js';
import type { Pacing } from './pacing.js';
import { shardRange } from './core/scenario/resolve.js';
import type { RecordedShardSource, ShardProgress, ShardResult, ShardSink, ShardTask, StopMessage } from './shard-task.js';

export interface RunShardsOptions {
  readonly scenario: ResolvedScenario;
  /** Worker threads (default 2: the machine smsim is sized for). */
  readonly workers?: number;
  /** Sink per shard (e.g. a gRPC stream id per shard). */
  readonly sinkFor: (shard: number) => ShardSink;
  /** Only these shards (default: all); `--shard i/N` picks a subset. */
  readonly shards?: readonly number[];
  readonly onProgress?: (p: ShardProgress) => void;
  /** Paced sending: every shard must then run at once (see below). */
  readonly pacing?: Pacing;
  /**
   * Aborted when the run is interrupted: every shard stops sending, waits a bounded time for its
   * acks and returns what it sent (ShardResult.stoppedAtMs); shards not yet started send nothing.
   */
  readonly signal?: AbortSignal;
  /** Replay: where each shard's recorded batches lie, sent instead of simulating it. */
  readonly replayFor?: (shard: number) => RecordedShardSource;
  /** Record: the file each shard appends its batch records to. */
  readonly recordFor?: (shard: number) => string;
}

/**
 * The compiled worker entry. Workers always run compiled JavaScript from dist/ (the build runs
 * before start, test and bench), also when the caller is TypeScript run by vitest.
 */
export function workerFilename(): string {
  return join(findPackageRoot(import.meta.url), 'dist', 'simulator', 'worker.js');
}

/**
 * Runs one task per shard on a piscina pool and returns the results in shard order, never in
 * completion order, so everything merged from them is independent of scheduling.
 */
export async function runShards(options: RunShardsOptions): Promise<ShardResult[]> {
  const { scenario } = options;
  const shards = options.shards ?? Array.from({ length: scenario.estate.shardCount }, (_, i) => i);
  // A paced --rate is shared by the shards this run simulates (all, or those of --shard i/N).
  const premisesRun = shards.reduce((sum, s) => sum + shardRange(scenario, s).count, 0);
  const pool = new Piscina<ShardTask, ShardResult>({
    filename: workerFilename(),
    minThreads: 1,
    maxThreads: Math.max(1, options.workers ?? 2),
    idleTimeout: 1000,
    // Paced shards keep a schedule, so they all run at once, interleaved on each worker's event
    // loop. Unpaced, two shards per worker: while one waits for its last acks and its stream to
    // close, the other builds its estate and simulates (one at a time left each worker ~10 %
    // idle on a tenth of gb-day: 18 shard tails of ~60 ms each).
    concurrentTasksPerWorker: options.pacing === undefined ? 2 : Math.ceil(shards.length / Math.max(1, options.workers ?? 2)),
  });
  const stop = new SharedArrayBuffer(4);
  const open = new Set<MessagePort>();
  const interrupt = (): void => {
    Atomics.store(new Int32Array(stop), 0, 1);
    const message: StopMessage = { stop: true };
    // A shard still queued gets it once it starts: a port keeps what was posted before.
    for (const port of open) port.postMessage(message);
  };
  if (options.signal?.aborted === true) interrupt();
  else options.signal?.addEventListener('abort', interrupt, { once: true });
  try {
    return await Promise.all(
      shards.map((shard) => {
        const channel = new MessageChannel();
        channel.port2.on('message', (p: ShardProgress) => options.onProgress?.(p));
        open.add(channel.port2);
        const task: ShardTask = {
          scenario,
          shard,
          sink: options.sinkFor(shard),
          ...(options.replayFor === undefined ? {} : { replay: options.replayFor(shard) }),
          ...(options.recordFor === undefined ? {} : { recordTo: options.recordFor(shard) }),
          ...(options.pacing === undefined
            ? {}
            : {
                pacing: options.pacing,
                rateShare: shardRange(scenario, shard).count / premisesRun,
                pacingPhase: shards.indexOf(shard) / shards.length,
              }),
          progressPort: channel.port1,
          stop,
        };
        return pool.run(task, { transferList: [channel.port1] }).finally(() => {
          open.delete(channel.port2);
          channel.port2.close();
        });
      }),
    );
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    await pool.destroy();
  }
}
