import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { defaultWorkers, premisesDays } from '../harness/cli/workers.js';
import { runScenario } from '../harness/run/run-scenario.js';
import { loadScenario } from '../harness/scenario/load-scenario.js';
import { findPackageRoot } from '../wire/proto-root.js';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';
import { transportCeiling } from './ceiling.js';
import { codecBench } from './codec.js';
import { coreBench } from './core-simulate.js';
import { envelopeDecodeBench } from './envelope-decode.js';
import { estateMemory } from './estate-memory.js';
import { replayBench } from './replay.js';
import { unaryBaseline } from './unary-baseline.js';

/** Events of a whole gb-day (README: scenarios/gb-day.yaml, 66.3 M), for the recorded size of one. */
const GB_DAY_EVENTS = 66_300_000;

/*
 * `npm run bench`: figures measured in one run on this machine, each beside the baseline it is
 * compared with, written to bench/results/latest.json. Never run by the tests.
 *
 *   SMSIM_BENCH_RUNS=3    runs per full-path figure (the median is reported)
 *   SMSIM_BENCH_GB=0      skip gb-day (the whole GB estate for a day: minutes)
 *   SMSIM_BENCH_PACED=0   skip the 60 s paced run
 *
 * `node dist/bench/run.js replay` runs only the recording figures (record, replay, the ceiling
 * they are held against, and the live run they are compared with), written to
 * bench/results/replay.json.
 */

const ONLY_REPLAY = process.argv[2] === 'replay';
/** Replay's workers: what `smsim replay` uses with the embedded pipeline on 2 cores (see defaultReplayWorkers). */
const REPLAY_WORKERS = Number(process.env.SMSIM_BENCH_REPLAY_WORKERS ?? 1);

const RUNS = Number(process.env.SMSIM_BENCH_RUNS ?? 3);
const root = findPackageRoot(import.meta.url);
const cli = join(root, 'dist', 'harness', 'cli', 'main.js');

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const figures: Record<string, number> = {};
function log(name: string, value: number, unit: string): void {
  figures[name] = value;
  console.log(`${name.padEnd(40)} ${value.toLocaleString('en-GB').padStart(16)} ${unit}`);
}
const ratio = (a: number, b: number, digits = 2): number => Math.round((a / b) * 10 ** digits) / 10 ** digits;

async function fullPath(
  scenario: ResolvedScenario,
  workers: number,
  shards?: readonly number[],
): Promise<{ eventsPerSecond: number; wallSeconds: number; events: number }> {
  const eps: number[] = [];
  const wall: number[] = [];
  let events = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await runScenario({ scenario, scenarioFile: scenario.name, workers, ...(shards === undefined ? {} : { shards }) });
    if (r.run.lost !== 0 || r.run.duplicates !== 0) throw new Error(`bench run lost ${r.run.lost} / duplicated ${r.run.duplicates} events`);
    eps.push(r.run.eventsPerSecond);
    wall.push(r.run.wallSeconds);
    events = r.run.sent;
  }
  return { eventsPerSecond: median(eps), wallSeconds: median(wall), events };
}

/** Runs the CLI in its own process (so its peak RSS is its own) and returns report.json. */
function cliRun(args: readonly string[]): {
  run: Record<string, number> & { pacing?: { scheduleLagMs: Record<string, number>; ackLatencyMs: Record<string, number> } };
  passed: boolean;
} {
  const r = spawnSync(process.execPath, [cli, 'run', ...args, '--json', '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`smsim ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * Record and replay on the same third of gb-day as the full path: a recorded live run against
 * the same run without recording, the file's size, and the replay against the transport
 * ceiling measured here too (the two share the machine's moment).
 */
async function replayFigures(gbDay: ResolvedScenario, third: readonly number[], live: number | undefined): Promise<void> {
  const plain = live ?? (await fullPath(gbDay, 2, third)).eventsPerSecond;
  const r = await replayBench(gbDay, third, 2, REPLAY_WORKERS, RUNS);
  const recorded = median(r.recorded.map((x) => x.eventsPerSecond));
  log('record.fullPath.eventsPerSecond', recorded, 'events/s');
  log('record.overheadRatio', ratio(plain, recorded, 3), '×');
  log('record.recordOnlySeconds', Math.round(r.recordOnlySeconds * 100) / 100, 's');
  log('record.bytes', r.bytes, 'bytes');
  log('record.bytesPerEvent', ratio(r.bytes, r.events), 'bytes');
  log('record.gbDayBytesEstimate', Math.round((r.bytes / r.events) * GB_DAY_EVENTS), 'bytes');
  log('replay.events', r.events, 'events');
  log('replay.readSeconds', Math.round(median(r.readSeconds) * 100) / 100, 's');
  const replay = median(r.replayed.map((x) => x.eventsPerSecond));
  log('replay.eventsPerSecond', replay, 'events/s');
  const ceilings: number[] = [];
  for (let i = 0; i < RUNS; i++) ceilings.push((await transportCeiling(gbDay, 2, third)).eventsPerSecond);
  log('replay.ceiling.eventsPerSecond', median(ceilings), 'events/s');
  log('replay.ceilingRatio', ratio(replay, median(ceilings)), '×');
}

async function main(): Promise<void> {
  const { scenario } = await loadScenario(join(root, 'scenarios', 'default.yaml'));
  const { scenario: gbDay } = await loadScenario(join(root, 'scenarios', 'gb-day.yaml'));
  const everyNth = (n: number): number[] => Array.from({ length: gbDay.estate.shardCount }, (_, i) => i).filter((s) => s % n === 0);
  const third = everyNth(3);
  if (ONLY_REPLAY) {
    await replayFigures(gbDay, third, undefined);
    await writeResults('replay.json');
    return;
  }

  // With the workers `npm start` uses (1 on 2 cores: a small run).
  const d = await fullPath(scenario, defaultWorkers(false, premisesDays(scenario)));
  log('default.events', d.events, 'events');
  log('default.wallSeconds', d.wallSeconds, 's');
  log('default.eventsPerSecond', d.eventsPerSecond, 'events/s');

  // Throughput: a third of gb-day (60 shards of 100,000 premises, ≈ 22 M events, ~20 s), long
  // enough that pool start-up and each worker's JIT warm-up (~0.5 s of half-speed simulation)
  // weigh as little as in a real day; on a tenth (~7 s) they cost ~20 % (fullPath.tenth.*).
  const tenth = await fullPath(gbDay, 2, everyNth(10));
  log('fullPath.tenth.events', tenth.events, 'events');
  log('fullPath.tenth.eventsPerSecond', tenth.eventsPerSecond, 'events/s');
  const w2 = await fullPath(gbDay, 2, third);
  log('fullPath.events', w2.events, 'events');
  log('fullPath.eventsPerSecond', w2.eventsPerSecond, 'events/s');
  const w1 = await fullPath(gbDay, 1, third);
  log('fullPath.workers1.eventsPerSecond', w1.eventsPerSecond, 'events/s');
  log('ratio.workers2ToWorkers1', ratio(w2.eventsPerSecond, w1.eventsPerSecond), '×');

  // The simulator alone, one thread, no gRPC: simulate + encode + observed metrics + fingerprint,
  // as a worker does per batch, on 4 gb-day shards after 2 shards of JIT warm-up (best of 3).
  coreBench(gbDay, [1, 2], 1);
  const core = coreBench(gbDay, [3, 60, 120, 171], 3);
  log('core.events', core.events, 'events');
  log('core.eventsPerSecond', core.eventsPerSecond, 'events/s');
  log('core.microsPerEvent', Math.round((core.seconds / core.events) * 1e9) / 1000, 'µs');

  const ceilings: number[] = [];
  for (let i = 0; i < RUNS; i++) ceilings.push((await transportCeiling(gbDay, 2, third)).eventsPerSecond);
  log('ceiling.eventsPerSecond', median(ceilings), 'events/s');
  log('ratio.fullPathToCeiling', ratio(w2.eventsPerSecond, median(ceilings)), '×');
  await replayFigures(gbDay, third, w2.eventsPerSecond);

  const unary = await unaryBaseline(scenario, 20_000, 20);
  log('unary.eventsPerSecond', unary.eventsPerSecond, 'events/s');
  log('ratio.fullPathToUnary', ratio(w2.eventsPerSecond, unary.eventsPerSecond, 1), '×');

  for (const [name, value] of Object.entries(await codecBench())) log(name, value, name.endsWith('bytesPerEvent') ? 'bytes' : 'events/s');
  // A hostile envelope (its batch as 2-byte pieces) against a plain one of the same size.
  for (const [name, value] of Object.entries(envelopeDecodeBench())) log(name, value, name.endsWith('pieces') ? 'pieces' : 'µs/MiB');
  log(
    'ratio.envelopeRepeatedToPlain',
    ratio(figures['envelope.repeated2B.decodeMicrosPerMiB'] ?? 0, figures['envelope.plain.decodeMicrosPerMiB'] ?? 1, 1),
    '×',
  );

  const estate = estateMemory(1_000_000);
  log('estate.bytesPerPremises', estate.bytesPerPremises, 'bytes');
  log('estate.bytesPerDevice', estate.bytesPerDevice, 'bytes');
  log('estate.gbEstateBytes', estate.gbEstateBytes, 'bytes');

  if (process.env.SMSIM_BENCH_GB !== '0') {
    const gb = cliRun([join(root, 'scenarios', 'gb-day.yaml')]);
    log('gbDay.events', gb.run.sent as number, 'events');
    log('gbDay.wallSeconds', gb.run.wallSeconds as number, 's');
    log('gbDay.eventsPerSecond', gb.run.eventsPerSecond as number, 'events/s');
    log('gbDay.peakRssBytes', gb.run.peakRssBytes as number, 'bytes');
    log('gbDay.lost', gb.run.lost as number, 'events');
  }

  if (process.env.SMSIM_BENCH_PACED !== '0') {
    // A tenth of gb-day (≈ 6.6 M events) paced at 100 k events/s for 60 s, in batches of 1000:
    // gb-day's 4000 suit throughput, but a paced run is about latency (measured with 4000: p99
    // ack latency 69-79 ms and lag max 170-260 ms, against 23 ms and 76 ms with 1000).
    const paced = cliRun([
      join(root, 'scenarios', 'gb-day.yaml'),
      '--shard',
      '0/10',
      '--rate',
      '100000',
      '--duration',
      '60s',
      '--batch-size',
      '1000',
    ]);
    log('paced.targetEventsPerSecond', 100_000, 'events/s');
    log('paced.eventsPerSecond', paced.run.eventsPerSecond as number, 'events/s');
    log('paced.scheduleLagP99Ms', paced.run.pacing?.scheduleLagMs.p99 ?? Number.NaN, 'ms');
    log('paced.scheduleLagMaxMs', paced.run.pacing?.scheduleLagMs.max ?? Number.NaN, 'ms');
    log('paced.ackLatencyP99Ms', paced.run.pacing?.ackLatencyMs.p99 ?? Number.NaN, 'ms');
    log('paced.lost', paced.run.lost as number, 'events');
  }

  await writeResults('latest.json');
}

async function writeResults(name: string): Promise<void> {
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem() },
    runsPerFigure: RUNS,
    figures,
  };
  const dir = join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${join('bench', 'results', name)}`);
}

await main();
