import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { SmsimError } from '../../simulator/core/errors.js';
import { parseDuration } from '../../simulator/core/time.js';
import { shardRange, type ResolvedScenario } from '../../simulator/core/scenario/resolve.js';
import { MAX_EVENTS_PER_BATCH } from '../../simulator/core/domain/wire-limits.js';
import { openDurablePipeline } from '../pipeline/durable-pipeline.js';
import { startPipelineServer } from '../pipeline/ingest-server.js';
import { FSYNC_MODES, type FsyncMode } from '../pipeline/journal.js';
import { createReferencePipeline } from '../pipeline/reference-pipeline.js';
import { renderTerminal } from '../report/render-terminal.js';
import { readRunDir, renderRunDir, writeReport } from '../report/write-report.js';
import { runScenario } from '../run/run-scenario.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { SMSIM_VERSION } from '../version.js';
import { createProgressBar } from './progress-bar.js';

/** Exit codes (DESIGN.md §7). */
export const ExitCode = { PASS: 0, EXPECTATIONS_FAILED: 1, USAGE: 2, RUN_FAILED: 3 } as const;

/** Errors that mean the user's input (arguments, scenario, address, target) is at fault. */
const INPUT_ERRORS: ReadonlySet<string> = new Set([
  'SMSIM_ERR_SCENARIO_NOT_FOUND',
  'SMSIM_ERR_SCENARIO_PARSE',
  'SMSIM_ERR_SCENARIO_INVALID',
  'SMSIM_ERR_EXPECT_SYNTAX',
  'SMSIM_ERR_USAGE',
  'SMSIM_ERR_ADDRESS_IN_USE',
  'SMSIM_ERR_TARGET_UNREACHABLE',
  'SMSIM_ERR_RUN_DIR_INVALID',
  'SMSIM_ERR_UNAUTHENTICATED',
  'SMSIM_ERR_TLS_INVALID',
]);

/** The CLI's only contact with the process: streams and a way to wait for a stop signal. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Resolves when the user asks a long-running command (serve) to stop. */
  readonly untilSignal: () => Promise<string>;
  /** Environment (SMSIM_TOKEN), so a token need not appear in `ps`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface RunFlags {
  workers?: number;
  rate?: number;
  speed?: number;
  duration?: number;
  out?: string;
  target?: string;
  shard?: { index: number; count: number };
  batchSize?: number;
  json?: boolean;
  progress: boolean;
  tlsCa?: string;
  token?: string;
  reconnectTimeout?: number;
  ackTimeout?: number;
}

interface ServeFlags {
  host: string;
  port: number;
  scenario?: string;
  dataDir?: string;
  fsync: FsyncMode;
  tlsCert?: string;
  tlsKey?: string;
  token?: string;
  maxMessageBytes?: number;
  maxStreams?: number;
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new SmsimError('SMSIM_ERR_TLS_INVALID', `cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { details: { file }, cause: err });
  }
}

const byteSize = (name: string) => (v: string): number => {
  const m = /^(\d+)(k|m)?i?b?$/i.exec(v);
  const n = m === null ? Number.NaN : Number(m[1]) * (m[2] === undefined ? 1 : m[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024);
  if (!Number.isSafeInteger(n) || n < 1024 || n > 1024 * 1024 * 1024) throw new InvalidArgumentError(`${name} must be a size from 1KiB to 1GiB, e.g. 4MiB`);
  return n;
};

/**
 * Below this many premises-days (≈ 7 M events, ~10 s of work), a run with the embedded pipeline
 * leaves it a core of its own.
 */
export const SMALL_RUN_PREMISES_DAYS = 2_000_000;

/**
 * One worker per core, except for a small run with the embedded pipeline. That pipeline decodes
 * and counts every event on the main thread, and each worker pays its own JIT warm-up (~0.5 s of
 * half-speed simulation): measured on 2 cores, the default scenario (0.7 M premises-days) ran
 * 5–20 % faster with 1 worker than with 2, while a third of gb-day (6 M) ran 14 % faster with 2
 * and the whole of gb-day (17.8 M) 9 % faster (README, Performance notes). A pipeline elsewhere
 * leaves every core to the simulator.
 */
/** Premises × days simulated by a run of these shards (all by default): its size in work. */
export function premisesDays(scenario: ResolvedScenario, shards?: readonly number[]): number {
  const premises = shards === undefined ? scenario.estate.premises : shards.reduce((sum, s) => sum + shardRange(scenario, s).count, 0);
  return (premises * scenario.durationMs) / 86_400_000;
}

export function defaultWorkers(externalPipeline: boolean, runPremisesDays: number): number {
  const cores = availableParallelism();
  return externalPipeline || runPremisesDays >= SMALL_RUN_PREMISES_DAYS ? cores : Math.max(1, cores - 1);
}

const wholeNumber = (name: string, max: number) => (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
  return Number(v);
};

const hostPort = (v: string): string => {
  if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(v) || Number(v.slice(v.lastIndexOf(':') + 1)) > 65535)
    throw new InvalidArgumentError('must be host:port, e.g. 127.0.0.1:50051');
  return v;
};

const positiveNumber = (name: string) => (v: string): number => {
  const n = Number(v.replace(/x$/i, ''));
  if (!Number.isFinite(n) || n <= 0 || n > 1e12) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

const wallDuration = (v: string): number => {
  const ms = parseDuration(v);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a duration such as 60s, 5m or 1h');
  return ms;
};

const shardSpec = (v: string): { index: number; count: number } => {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (m === null || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new InvalidArgumentError('must be i/N with 0 ≤ i < N, e.g. 0/4');
  return { index: Number(m[1]), count: Number(m[2]) };
};

/** Runs the CLI; resolves to the exit code. Never calls process.exit (main.ts does). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.PASS;
  const program = new Command('smsim')
    .description('Smart-metering network simulator and test harness for MP122 measurement pipelines')
    .version(SMSIM_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run "smsim --help" for usage)');

  const addRunOptions = (cmd: Command, targetRequired: boolean): Command => {
    cmd
      .option('-w, --workers <n>', 'simulator worker threads (default: one per core; cores − 1 for a small run with the embedded pipeline)', wholeNumber('--workers', 256))
      .option('-o, --out <dir>', 'write report.json and report.md into this directory')
      .option('--shard <i/N>', 'run only the shards s with s mod N = i (for N machines)', shardSpec)
      .option('--batch-size <n>', "events per batch on the wire, instead of the scenario's batchSize", wholeNumber('--batch-size', MAX_EVENTS_PER_BATCH))
      .option('--json', 'print report.json to stdout instead of the summary')
      .option('--no-progress', 'no progress bar')
      .option('--rate <events/s>', 'paced: send at this many events per second (open model)', positiveNumber('--rate'))
      .option('--speed <N>', 'paced: play virtual time N× faster than real time (e.g. 3600 = an hour a second)', positiveNumber('--speed'))
      .option('--duration <time>', 'paced: stop sending after this much wall time (e.g. 60s)', wallDuration)
      .option('--tls-ca <file>', 'dial the pipeline over TLS, trusting this CA (PEM)')
      .option('--token <token>', 'bearer token for the pipeline (default: $SMSIM_TOKEN)')
      .option('--reconnect-timeout <time>', 'give up on a pipeline that stays unreachable this long (default 10s)', wallDuration)
      .option('--ack-timeout <time>', 'a call with no ack for this long is cut and resumed (default 30s)', wallDuration);
    if (targetRequired) cmd.requiredOption('-t, --target <host:port>', 'the pipeline to drive', hostPort);
    else cmd.option('-t, --target <host:port>', 'drive this pipeline instead of the embedded reference pipeline', hostPort);
    return cmd;
  };

  const run = async (file: string, flags: RunFlags): Promise<void> => {
    const loaded = (await loadScenario(file)).scenario;
    const scenario = flags.batchSize === undefined ? loaded : { ...loaded, batchSize: flags.batchSize };
    const shards =
      flags.shard === undefined
        ? undefined
        : Array.from({ length: scenario.estate.shardCount }, (_, i) => i).filter((s) => s % (flags.shard as { count: number }).count === (flags.shard as { index: number }).index);
    if (flags.rate !== undefined && flags.speed !== undefined)
      throw new SmsimError('SMSIM_ERR_USAGE', '--rate and --speed cannot be used together: pick one way to pace the run');
    if (flags.duration !== undefined && flags.rate === undefined && flags.speed === undefined)
      throw new SmsimError('SMSIM_ERR_USAGE', '--duration bounds a paced run: give --rate or --speed too');
    const maxWall = flags.duration === undefined ? {} : { maxWallMs: flags.duration };
    const pacing =
      flags.rate !== undefined
        ? { mode: 'rate' as const, eventsPerSecond: flags.rate, ...maxWall }
        : flags.speed !== undefined
          ? { mode: 'speed' as const, speed: flags.speed, ...maxWall }
          : undefined;
    const token = flags.token ?? io.env?.['SMSIM_TOKEN'];
    const delivery = {
      ...(flags.tlsCa === undefined ? {} : { caPem: await readPem(flags.tlsCa, 'CA certificate') }),
      ...(token === undefined || token === '' ? {} : { token }),
      ...(flags.reconnectTimeout === undefined ? {} : { reconnectTimeoutMs: flags.reconnectTimeout }),
      ...(flags.ackTimeout === undefined ? {} : { ackTimeoutMs: flags.ackTimeout }),
    };
    const bar = flags.progress && io.stderr.isTTY === true ? createProgressBar(io.stderr) : undefined;
    let report;
    try {
      report = await runScenario({
        scenario,
        scenarioFile: file,
        workers: flags.workers ?? defaultWorkers(flags.target !== undefined, premisesDays(scenario, shards)),
        ...(flags.target === undefined ? {} : { target: flags.target }),
        ...(shards === undefined ? {} : { shards }),
        ...(pacing === undefined ? {} : { pacing }),
        ...(Object.keys(delivery).length === 0 ? {} : { delivery }),
        ...(bar === undefined ? {} : { onProgress: bar.update }),
      });
    } finally {
      bar?.done();
    }
    if (flags.out !== undefined) await writeReport(flags.out, report);
    io.stdout.write(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${renderTerminal(report)}\n`);
    if (flags.out !== undefined && flags.json !== true)
      io.stdout.write(`\nReport written to ${flags.out}/report.json, report.md, report.html and pmr.json\n`);
    exitCode = report.passed ? ExitCode.PASS : ExitCode.EXPECTATIONS_FAILED;
  };

  addRunOptions(
    program.command('run <scenario>').description('run a scenario end to end (against the embedded reference pipeline unless --target is given)'),
    false,
  ).action(run);
  addRunOptions(program.command('emit <scenario>').description('drive a pipeline that runs elsewhere with a scenario\'s traffic'), true).action(run);

  program
    .command('validate <scenario>')
    .description('check a scenario file and print what it resolves to')
    .action(async (file: string) => {
      const { scenario } = await loadScenario(file);
      io.stdout.write(`${file}: valid (${scenario.estate.premises} premises in ${scenario.estate.shardCount} shards, ${scenario.durationMs / 86_400_000} days)\n`);
    });

  program
    .command('report <runDir>')
    .description('re-render report.md, report.html and pmr.json (the PMR) from a run directory\'s report.json')
    .action(async (dir: string) => {
      const report = await readRunDir(dir);
      const files = await renderRunDir(dir, report);
      io.stdout.write(`Rendered ${files.join(', ')}\n`);
    });

  program
    .command('serve')
    .description('run the reference measurement pipeline stand-alone')
    .option('--host <host>', 'address to bind (0.0.0.0 exposes it to the network)', '127.0.0.1')
    .option('-p, --port <port>', 'port (0 = any free port)', (v) => {
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
      return Number(v);
    }, 50051)
    .option('--scenario <file>', "take the pipeline configuration (TRTs, exclusion list, incident targets, lateness) from this scenario's measurement block")
    .option('--data-dir <dir>', 'journal every batch here before acking it, and recover from it on start (default: in memory only)')
    .option('--fsync <mode>', 'with --data-dir: batch (group commit), always (per batch) or never (survives kill -9, not power loss)', (v) => {
      if (!(FSYNC_MODES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${FSYNC_MODES.join(', ')}`);
      return v as FsyncMode;
    }, 'batch')
    .option('--tls-cert <file>', 'serve TLS with this certificate chain (PEM); needs --tls-key')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--token <token>', 'require this bearer token on every call (default: $SMSIM_TOKEN)')
    .option('--max-message-bytes <size>', 'largest IngestRequest accepted (default 4MiB)', byteSize('--max-message-bytes'))
    .option('--max-streams <n>', 'Ingest streams open at once, over all connections (default 1024)', wholeNumber('--max-streams', 1_000_000))
    .action(async (flags: ServeFlags) => {
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new SmsimError('SMSIM_ERR_USAGE', '--tls-cert and --tls-key go together');
      const token = flags.token ?? io.env?.['SMSIM_TOKEN'];
      const security = {
        ...(flags.tlsCert === undefined ? {} : { certPem: await readPem(flags.tlsCert, 'TLS certificate') }),
        ...(flags.tlsKey === undefined ? {} : { keyPem: await readPem(flags.tlsKey, 'TLS key') }),
        ...(token === undefined || token === '' ? {} : { token }),
      };
      const config = flags.scenario === undefined ? undefined : (await loadScenario(flags.scenario)).scenario.metrics;
      const durable = flags.dataDir === undefined ? undefined : openDurablePipeline(flags.dataDir, flags.fsync, createReferencePipeline(config));
      if (durable !== undefined) {
        const r = durable.recovery;
        io.stderr.write(`journal ${r.file}: replayed ${r.records} batches (${r.bytes} bytes)${r.discardedBytes > 0 ? `; discarded a ${r.discardedBytes}-byte tail: ${r.discardReason ?? 'incomplete file header'}` : ''}\n`);
      }
      let server;
      try {
        server = await startPipelineServer({
          pipeline: durable?.pipeline ?? createReferencePipeline(config),
          host: flags.host,
          port: flags.port,
          security,
          ...(durable === undefined ? {} : { state: durable.state, journal: durable.journal }),
          ...(flags.maxMessageBytes === undefined ? {} : { maxMessageBytes: flags.maxMessageBytes }),
          ...(flags.maxStreams === undefined ? {} : { maxStreams: flags.maxStreams }),
        });
      } catch (err) {
        await durable?.journal.close();
        throw err;
      }
      io.stdout.write(`smsim reference pipeline listening on ${server.address}${security.certPem === undefined ? '' : ' (TLS)'}\n`);
      const signal = await io.untilSignal();
      io.stderr.write(`${signal}: stopping\n`);
      await server.stop();
      await durable?.journal.close();
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and exit 0; every other commander error is a usage error.
      return err.exitCode === 0 ? ExitCode.PASS : ExitCode.USAGE;
    }
    const e = SmsimError.from(err);
    io.stderr.write(`smsim: ${e.message}\n  [${e.code}]\n`);
    return INPUT_ERRORS.has(e.code) ? ExitCode.USAGE : ExitCode.RUN_FAILED;
  }
}
