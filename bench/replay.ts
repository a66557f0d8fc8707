import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readRecording } from '../harness/record/read-recording.js';
import { RunRecorder } from '../harness/record/run-recorder.js';
import { recordScenario } from '../harness/run/record-scenario.js';
import { runScenario } from '../harness/run/run-scenario.js';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';

/** One full-path figure: events a second of the run, and its events. */
export interface PathFigure {
  readonly eventsPerSecond: number;
  readonly events: number;
}

function checkExact(r: { run: { lost: number; duplicates: number } }, what: string): void {
  if (r.run.lost !== 0 || r.run.duplicates !== 0) throw new Error(`${what} lost ${r.run.lost} / duplicated ${r.run.duplicates} events`);
}

/**
 * The recording figures on `shards` of a scenario: a live run with `--record` (its cost is
 * compared with the same run without it by the caller), the file's size, how long reading and
 * checking it takes, and the replay's full path (file → gRPC → reference pipeline with every
 * metric), `runs` times each (the caller takes medians).
 */
export async function replayBench(
  scenario: ResolvedScenario,
  shards: readonly number[],
  workers: number,
  replayWorkers: number,
  runs: number,
): Promise<{
  recorded: PathFigure[];
  replayed: PathFigure[];
  readSeconds: number[];
  recordOnlySeconds: number;
  bytes: number;
  events: number;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'smsim-bench-replay-'));
  const file = join(dir, 'bench.smrec');
  try {
    const recorded: PathFigure[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runScenario({
        scenario,
        scenarioFile: scenario.name,
        workers,
        shards,
        recorder: new RunRecorder(file, scenario, shards),
      });
      checkExact(r, 'recorded run');
      recorded.push({ eventsPerSecond: r.run.eventsPerSecond, events: r.run.sent });
    }
    // Simulating and writing only, nothing sent: what `smsim record` costs.
    const t0 = performance.now();
    await recordScenario({ scenario, file, workers, shards });
    const recordOnlySeconds = (performance.now() - t0) / 1000;
    const { size } = await stat(file);
    const replayed: PathFigure[] = [];
    const readSeconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const recording = await readRecording(file);
      readSeconds.push((performance.now() - t) / 1000);
      const r = await runScenario({ scenario, scenarioFile: file, workers: replayWorkers, shards, replay: recording });
      checkExact(r, 'replay');
      replayed.push({ eventsPerSecond: r.run.eventsPerSecond, events: r.run.sent });
    }
    return { recorded, replayed, readSeconds, recordOnlySeconds, bytes: size, events: replayed[0]?.events ?? 0 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
