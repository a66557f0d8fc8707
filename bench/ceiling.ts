import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { startPipelineServer } from '../harness/pipeline/ingest-server.js';
import { RunRegistry } from '../harness/pipeline/run-registry.js';
import { findPackageRoot } from '../wire/proto-root.js';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';
import type { CeilingResult, CeilingTask } from './ceiling-worker.js';

/** Streams a scenario's pre-encoded batches from `workers` threads into a decode-and-drop server. */
export async function transportCeiling(
  scenario: ResolvedScenario,
  workers: number,
  only?: readonly number[],
): Promise<{ eventsPerSecond: number; events: number; bytesPerEvent: number }> {
  const server = await startPipelineServer({ runs: new RunRegistry(() => ({ apply: () => undefined, report: () => [] })) });
  const pool = new Piscina<CeilingTask, CeilingResult>({
    filename: join(findPackageRoot(import.meta.url), 'dist', 'bench', 'ceiling-worker.js'),
    minThreads: workers,
    maxThreads: workers,
  });
  try {
    const barrier = new SharedArrayBuffer(4);
    const runId = randomUUID();
    const shards = only ?? Array.from({ length: scenario.estate.shardCount }, (_, i) => i);
    const results = await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        pool.run({ scenario, shards: shards.filter((s) => s % workers === w), target: server.address, runId, barrier, workers }),
      ),
    );
    const events = results.reduce((s, r) => s + r.events, 0);
    const bytes = results.reduce((s, r) => s + r.bytes, 0);
    const seconds = (Math.max(...results.map((r) => r.endMs)) - Math.min(...results.map((r) => r.startMs))) / 1000;
    return { eventsPerSecond: Math.round(events / seconds), events, bytesPerEvent: Math.round((bytes / events) * 10) / 10 };
  } finally {
    await pool.destroy();
    await server.stop();
  }
}
