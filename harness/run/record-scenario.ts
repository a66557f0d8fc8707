import { SmsimError } from '../../simulator/core/errors.js';
import type { ResolvedScenario } from '../../simulator/core/scenario/resolve.js';
import { runShards } from '../../simulator/pool.js';
import { type RecordingSummary, RunRecorder } from '../record/run-recorder.js';
import { overallProgress } from './overall-progress.js';

export interface RecordOptions {
  readonly scenario: ResolvedScenario;
  readonly file: string;
  readonly workers: number;
  /** Only these shards (`--shard i/N`); default all. */
  readonly shards?: readonly number[];
  readonly onProgress?: (fraction: number, events: number) => void;
  /** Aborted to stop: the shards stop and nothing is recorded. */
  readonly interrupt?: AbortSignal;
}

/**
 * `smsim record`: simulates the scenario and writes its traffic to a recording, sending it
 * nowhere; every batch is observed, as on a lossless run. Returns undefined when interrupted
 * (the partial recording is removed).
 */
export async function recordScenario(options: RecordOptions): Promise<RecordingSummary | undefined> {
  const { scenario } = options;
  const shards = options.shards ?? Array.from({ length: scenario.estate.shardCount }, (_, i) => i);
  const recorder = new RunRecorder(options.file, scenario, shards);
  try {
    recorder.start();
    const results = await runShards({
      scenario,
      workers: options.workers,
      shards,
      sinkFor: () => ({ kind: 'none' }),
      recordFor: (shard) => recorder.partFor(shard),
      onProgress: overallProgress(shards.length, options.onProgress),
      ...(options.interrupt === undefined ? {} : { signal: options.interrupt }),
    });
    const failed = results.find((r) => r.error !== undefined);
    if (failed?.error !== undefined) throw SmsimError.fromData(failed.error);
    if (results.some((r) => r.stoppedAtMs !== undefined)) {
      await recorder.discard();
      return undefined;
    }
    return await recorder.finish(results);
  } catch (err) {
    await recorder.discard();
    throw err;
  }
}
