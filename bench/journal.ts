import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';
import { createShardSimulation } from '../simulator/core/shard-simulation.js';
import { openDurablePipeline } from '../harness/pipeline/durable-pipeline.js';
import { startPipelineServer } from '../harness/pipeline/ingest-server.js';
import { openJournal, type FsyncMode } from '../harness/pipeline/journal.js';
import { createReferencePipeline } from '../harness/pipeline/reference-pipeline.js';
import { runScenario } from '../harness/run/run-scenario.js';
import { loadScenario } from '../harness/scenario/load-scenario.js';
import { encodeEventBatch } from '../wire/codec.js';
import { encodeIngestRequest } from '../wire/envelope.js';
import { RunRegistry } from '../harness/pipeline/run-registry.js';
import { findPackageRoot } from '../wire/proto-root.js';

/*
 * `npm run bench:journal`: what the ingest journal costs (docs/reliability.md).
 * 1. Appending real batches to the journal alone, per fsync mode, with 1 or 32 batches arriving
 *    together (32 = one emitter's in-flight window; group commit shares one fdatasync among them).
 * 2. The default scenario (at SCALE× its install rate) end to end against the reference pipeline in memory and journalled.
 * Never run by the tests.
 */

const root = findPackageRoot(import.meta.url);
/** The default week at this many times the GB install rate: enough traffic to measure. */
const SCALE = Number(process.env.SMSIM_BENCH_SCALE ?? 300);

async function heavyScenario(): Promise<ResolvedScenario> {
  const { scenario } = await loadScenario(join(root, 'scenarios', 'default.yaml'));
  return {
    ...scenario,
    name: `default-installs-x${SCALE}`,
    installs: scenario.installs === null ? null : { ...scenario.installs, perDay: scenario.installs.perDay * SCALE },
  };
}

async function journalAlone(
  envelopes: Buffer[],
  events: number[],
  mode: FsyncMode,
  together: number,
): Promise<{ eventsPerSecond: number; batchesPerCommit: number; mbPerSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'smsim-bench-journal-'));
  try {
    const { journal } = openJournal(dir, { fsync: mode, onRecord: () => undefined });
    const started = performance.now();
    let sent = 0;
    let bytes = 0;
    // Bounded so fsync-per-batch runs finish in seconds on a slow disk.
    const deadline = started + 5000;
    for (let i = 0; i < envelopes.length && performance.now() < deadline; i += together) {
      const waits: Array<Promise<void>> = [];
      for (let j = i; j < Math.min(i + together, envelopes.length); j++) {
        journal.append(envelopes[j] as Buffer);
        sent += events[j] as number;
        bytes += (envelopes[j] as Buffer).length;
        waits.push(journal.durable());
      }
      await Promise.all(waits);
    }
    const seconds = (performance.now() - started) / 1000;
    const stats = journal.stats();
    await journal.close();
    return {
      eventsPerSecond: Math.round(sent / seconds),
      batchesPerCommit: Math.round((stats.records / stats.commits) * 10) / 10,
      mbPerSecond: Math.round(bytes / seconds / 1e5) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function endToEnd(dataDir: string | undefined, mode: FsyncMode): Promise<number> {
  const scenario = await heavyScenario();
  const durable = dataDir === undefined ? undefined : openDurablePipeline(dataDir, mode);
  const server = await startPipelineServer({
    runs: durable?.runs ?? new RunRegistry(() => createReferencePipeline()),
    ...(durable === undefined ? {} : { journal: durable.journal }),
  });
  try {
    const report = await runScenario({ scenario, scenarioFile: 'default.yaml', workers: 2, target: server.address });
    if (report.run.lost !== 0 || report.run.duplicates !== 0) throw new Error('lost or duplicated events');
    return report.run.eventsPerSecond;
  } finally {
    await server.stop();
    await durable?.journal.close();
  }
}

async function main(): Promise<void> {
  const scenario = await heavyScenario();
  const envelopes: Buffer[] = [];
  const events: number[] = [];
  for (let shard = 0; shard < scenario.estate.shardCount; shard++) {
    const sim = createShardSimulation(scenario, shard);
    for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) {
      envelopes.push(encodeIngestRequest(`bench/shard-${shard}`, envelopes.length + 1, encodeEventBatch(b)));
      events.push(b.eventCount);
    }
  }
  const totalEvents = events.reduce((a, b) => a + b, 0);
  console.log(
    `${envelopes.length} batches, ${totalEvents} events, ${Math.round(envelopes.reduce((a, e) => a + e.length, 0) / envelopes.length)} bytes per envelope`,
  );
  for (const [mode, together] of [
    ['never', 32],
    ['batch', 32],
    ['batch', 1],
    ['always', 32],
  ] as const) {
    const r = await journalAlone(envelopes, events, mode, together);
    console.log(
      `journal alone, fsync=${mode}, ${together} arriving together: ${r.eventsPerSecond} events/s, ${r.mbPerSecond} MB/s, ${r.batchesPerCommit} batches per commit`,
    );
  }
  const inMemory = await endToEnd(undefined, 'batch');
  console.log(`end to end, default ×${SCALE}, 2 workers, in memory: ${inMemory} events/s`);
  for (const mode of ['never', 'batch', 'always'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'smsim-bench-e2e-'));
    try {
      console.log(`end to end, default ×${SCALE}, 2 workers, journal fsync=${mode}: ${await endToEnd(dir, mode)} events/s`);
      // Recovery: how fast a restarted `serve --data-dir` rebuilds itself from that journal.
      const started = performance.now();
      const recovered = openDurablePipeline(dir);
      const seconds = (performance.now() - started) / 1000;
      const events = recovered.runs.list().reduce((a, r) => a + r.eventsAccepted, 0);
      await recovered.journal.close();
      console.log(
        `  replay of that journal: ${recovered.recovery.records} batches, ${events} events in ${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
