import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';
import { runScenario } from '../harness/run/run-scenario.js';
import { loadScenario } from '../harness/scenario/load-scenario.js';
import { findPackageRoot } from '../harness/wire/proto-root.js';
import { transportCeiling } from './ceiling.js';
import { unaryBaseline } from './unary-baseline.js';

/*
 * `npm run bench`: end-to-end figures measured in one run on this machine, each beside the
 * baseline it is compared with, written to bench/results/latest.json. Never run by the tests.
 */

const RUNS = Number(process.env.SMSIM_BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function fullPath(scenario: ResolvedScenario, workers: number): Promise<{ eventsPerSecond: number; wallSeconds: number; events: number }> {
  const eps: number[] = [];
  const wall: number[] = [];
  let events = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await runScenario({ scenario, scenarioFile: scenario.name, workers });
    if (r.run.lost !== 0 || r.run.duplicates !== 0) throw new Error(`bench run lost ${r.run.lost} / duplicated ${r.run.duplicates} events`);
    eps.push(r.run.eventsPerSecond);
    wall.push(r.run.wallSeconds);
    events = r.run.sent;
  }
  return { eventsPerSecond: median(eps), wallSeconds: median(wall), events };
}

async function main(): Promise<void> {
  const root = findPackageRoot(import.meta.url);
  const { scenario: defaultScenario } = await loadScenario(join(root, 'scenarios', 'default.yaml'));
  // The default week at 30× the GB install rate: enough traffic to measure throughput.
  const heavy: ResolvedScenario = {
    ...defaultScenario,
    name: 'default-installs-x30',
    installs: defaultScenario.installs === null ? null : { ...defaultScenario.installs, perDay: defaultScenario.installs.perDay * 30 },
  };
  const figures: Record<string, number> = {};
  const log = (name: string, value: number, unit: string): void => {
    figures[name] = value;
    console.log(`${name.padEnd(36)} ${value.toLocaleString('en-GB').padStart(14)} ${unit}`);
  };

  const d = await fullPath(defaultScenario, 2);
  log('default.wallSeconds', d.wallSeconds, 's');
  log('default.events', d.events, 'events');
  log('default.eventsPerSecond', d.eventsPerSecond, 'events/s');
  const w1 = await fullPath(heavy, 1);
  log('fullPath.workers1.eventsPerSecond', w1.eventsPerSecond, 'events/s');
  const w2 = await fullPath(heavy, 2);
  log('fullPath.events', w2.events, 'events');
  log('fullPath.eventsPerSecond', w2.eventsPerSecond, 'events/s');
  const ceilings: number[] = [];
  let bytesPerEvent = 0;
  for (let i = 0; i < RUNS; i++) {
    const c = await transportCeiling(heavy, 2);
    ceilings.push(c.eventsPerSecond);
    bytesPerEvent = c.bytesPerEvent;
  }
  log('ceiling.eventsPerSecond', median(ceilings), 'events/s');
  log('wire.bytesPerEvent', bytesPerEvent, 'bytes');
  log('ratio.fullPathToCeiling', Math.round((w2.eventsPerSecond / median(ceilings)) * 100) / 100, '×');
  const unary = await unaryBaseline(heavy, 20_000, 20);
  log('unary.eventsPerSecond', unary.eventsPerSecond, 'events/s');
  log('ratio.fullPathToUnary', Math.round((w2.eventsPerSecond / unary.eventsPerSecond) * 10) / 10, '×');
  log('ratio.workers2ToWorkers1', Math.round((w2.eventsPerSecond / w1.eventsPerSecond) * 100) / 100, '×');

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem() },
    runsPerFigure: RUNS,
    figures,
  };
  const dir = join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${join('bench', 'results', 'latest.json')}`);
}

await main();
