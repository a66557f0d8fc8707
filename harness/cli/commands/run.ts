import type { Command } from 'commander';
import { SmsimError } from '../../../simulator/core/errors.js';
import { MAX_EVENTS_PER_BATCH } from '../../../simulator/core/domain/wire-limits.js';
import { renderTerminal } from '../../report/render-terminal.js';
import type { RunReport } from '../../report/run-report.js';
import { checkOutDir } from '../../report/out-dir.js';
import { renderJunit, renderJunitFailure } from '../../report/render-junit.js';
import { checkJunitFile, writeJunit } from '../../report/write-junit.js';
import { writeReport } from '../../report/write-report.js';
import { runScenario } from '../../run/run-scenario.js';
import { STOP_DRAIN_MS } from '../../../simulator/shard-task.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { type CliIo, ExitCode, SIGNAL_EXIT_CODES, type CommandContext } from '../context.js';
import type { ResolvedScenario } from '../../../simulator/core/scenario/resolve.js';
import type { Recording } from '../../record/read-recording.js';
import { type RecordingSummary, RunRecorder } from '../../record/run-recorder.js';
import {
  familyList,
  hostPort,
  positiveNumber,
  readPem,
  shardIndex,
  shardSpec,
  tokenOf,
  wallDuration,
  wholeNumber,
  type ShardSpec,
} from '../options.js';
import { chooseRunId } from '../../run/run-id.js';
import { stdoutStyle } from '../colour.js';
import { createProgressBar } from '../progress-bar.js';
import { defaultReplayWorkers, defaultWorkers, premisesDays } from '../workers.js';

/** The flags of run and emit, as commander hands them over. */
export interface RunFlags {
  workers?: number;
  rate?: number;
  speed?: number;
  duration?: number;
  out?: string;
  target?: string;
  shard?: ShardSpec;
  batchSize?: number;
  json?: boolean;
  progress: boolean;
  tlsCa?: string;
  token?: string;
  reconnectTimeout?: number;
  ackTimeout?: number;
  runId?: string;
  resume?: boolean;
  families?: string[];
  record?: string;
  junit?: string;
}

/**
 * The options every command that drives a pipeline shares (run, emit, replay): workers, shards,
 * pacing, delivery and the run id. `--target` is added by each command.
 */
export function addDriveOptions(
  cmd: Command,
  workersHelp = 'simulator worker threads (default: one per core; cores − 1 for a small run with the embedded pipeline)',
): Command {
  return cmd
    .option('-w, --workers <n>', workersHelp, wholeNumber('--workers', 256))
    .option(
      '-o, --out <dir>',
      'write report.json, report.md, report.html and pmr.json into this directory (created if missing; checked before the run starts)',
    )
    .option(
      '--shard <i/N>',
      'run only the shards s with s mod N = i (for N machines); job/N takes i from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)',
      shardSpec,
    )
    .option('--json', 'print report.json to stdout instead of the summary')
    .option('--junit <file>', 'also write the expectations as JUnit XML for CI (one testcase per expectation; skipped when not checked)')
    .option('--no-progress', 'no progress bar (one is drawn on stderr only when stderr is a terminal)')
    .option('--rate <events/s>', 'paced: send at this many events per second (open model)', positiveNumber('--rate'))
    .option('--speed <N>', 'paced: play virtual time N× faster than real time (e.g. 3600 = an hour a second)', positiveNumber('--speed'))
    .option('--tls-ca <file>', 'dial the pipeline over TLS, trusting this CA (PEM)')
    .option('--token <token>', 'bearer token for the pipeline (default: $SMSIM_TOKEN)')
    .option('--reconnect-timeout <time>', 'give up on a pipeline that stays unreachable this long (default 10s)', wallDuration)
    .option('--ack-timeout <time>', 'a call with no ack for this long is cut and resumed (default 30s)', wallDuration)
    .option(
      '--run-id <id>',
      'the run the pipeline reports on (default: $SMSIM_RUN_ID, else the scenario name and a hash of the resolved scenario, the same in every shard process)',
    )
    .option('--resume', 'continue a run the pipeline already holds: send only what it has not acked (without it, such a run is refused)')
    .option(
      '--families <list>',
      'metric families the pipeline computes, e.g. srv,alert (default: what its Report says); the others show as "not reported"',
      familyList,
    );
}

/** The options of run and emit, defined once: the two differ only in whether --target is required. */
export function addRunOptions(cmd: Command, targetRequired: boolean): Command {
  addDriveOptions(cmd)
    .option(
      '--batch-size <n>',
      "events per batch on the wire, instead of the scenario's batchSize",
      wholeNumber('--batch-size', MAX_EVENTS_PER_BATCH),
    )
    .option('--duration <time>', 'paced: stop sending after this much wall time (e.g. 60s)', wallDuration)
    .option('--record <file>', "also record the batches sent and the run's truth and observed figures into this file (smsim replay)");
  if (targetRequired) cmd.requiredOption('-t, --target <host:port>', 'the pipeline to drive', hostPort);
  else cmd.option('-t, --target <host:port>', 'drive this pipeline instead of the embedded reference pipeline', hostPort);
  return cmd;
}

/** --rate or --speed (with an optional --duration bound), or undefined for a run at full speed. */
function pacingOf(flags: RunFlags) {
  if (flags.rate !== undefined && flags.speed !== undefined)
    throw new SmsimError('SMSIM_ERR_USAGE', '--rate and --speed cannot be used together: pick one way to pace the run');
  if (flags.duration !== undefined && flags.rate === undefined && flags.speed === undefined)
    throw new SmsimError('SMSIM_ERR_USAGE', '--duration bounds a paced run: give --rate or --speed too');
  const maxWall = flags.duration === undefined ? {} : { maxWallMs: flags.duration };
  return flags.rate !== undefined
    ? { mode: 'rate' as const, eventsPerSecond: flags.rate, ...maxWall }
    : flags.speed !== undefined
      ? { mode: 'speed' as const, speed: flags.speed, ...maxWall }
      : undefined;
}

/** The shards `--shard i/N` selects among `among` (all of the scenario's by default); undefined without it. */
export function selectShards(scenario: ResolvedScenario, flags: Pick<RunFlags, 'shard'>, io: CliIo, file: string): number[] | undefined {
  if (flags.shard === undefined) return undefined;
  const shard = { index: shardIndex(flags.shard, io.env), count: flags.shard.count };
  const shards = Array.from({ length: scenario.estate.shardCount }, (_, i) => i).filter((s) => s % shard.count === shard.index);
  if (shards.length === 0) {
    throw new SmsimError(
      'SMSIM_ERR_USAGE',
      `--shard ${shard.index}/${shard.count} selects none of the ${scenario.estate.shardCount} shards of ${file}: use a shard count of at most ${scenario.estate.shardCount}`,
    );
  }
  return shards;
}

/** The action of run and emit: simulate, deliver, report, and exit on the expectations' verdict. */
export function runAction(ctx: CommandContext): (file: string, flags: RunFlags) => Promise<void> {
  return async (file, flags) => {
    const loaded = (await loadScenario(file)).scenario;
    const scenario = flags.batchSize === undefined ? loaded : { ...loaded, batchSize: flags.batchSize };
    const shards = selectShards(scenario, flags, ctx.io, file);
    const all = shards ?? Array.from({ length: scenario.estate.shardCount }, (_, i) => i);
    const recorder = flags.record === undefined ? undefined : new RunRecorder(flags.record, scenario, all);
    await driveRun(ctx, flags, { scenario, scenarioFile: file, shards, recorder });
  };
}

/** What a run drives: a scenario to simulate (and perhaps record), or a recording to replay. */
export interface DriveSource {
  readonly scenario: ResolvedScenario;
  readonly scenarioFile: string;
  readonly shards: readonly number[] | undefined;
  readonly recorder?: RunRecorder | undefined;
  readonly replay?: Recording | undefined;
}

/** Delivers, reports, and exits on the expectations' verdict: run, emit and replay alike. */
export async function driveRun({ io, setExitCode }: CommandContext, flags: RunFlags, source: DriveSource): Promise<void> {
  const { scenario, shards } = source;
  const runId = chooseRunId(scenario, flags.runId, io.env?.SMSIM_RUN_ID);
  const pacing = pacingOf(flags);
  // Before the run, not after it: a run of hours must not end without its report.
  if (flags.out !== undefined) await checkOutDir(flags.out);
  if (flags.junit !== undefined) await checkJunitFile(flags.junit);
  const delivery = {
    ...(flags.tlsCa === undefined ? {} : { caPem: await readPem(flags.tlsCa, 'CA certificate') }),
    ...tokenOf(flags.token, io),
    ...(flags.reconnectTimeout === undefined ? {} : { reconnectTimeoutMs: flags.reconnectTimeout }),
    ...(flags.ackTimeout === undefined ? {} : { ackTimeoutMs: flags.ackTimeout }),
  };
  const bar = flags.progress && io.stderr.isTTY === true ? createProgressBar(io.stderr) : undefined;
  // Ctrl-C mid-run: stop sending, drain, and still report what was sent (a second one quits).
  const interrupt = new AbortController();
  const release = io.interruptible?.((signal) => {
    bar?.done();
    io.stderr.write(
      `smsim: ${signal}: stopping: no new batches; waiting up to ${STOP_DRAIN_MS / 1000} s for the pipeline's acks, then the report (${signal} again quits at once)\n`,
    );
    interrupt.abort(signal);
  });
  try {
    let report: RunReport;
    let recorded: RecordingSummary | undefined;
    const startedAt = new Date();
    try {
      report = await runScenario({
        scenario,
        scenarioFile: source.scenarioFile,
        workers:
          flags.workers ??
          (source.replay === undefined
            ? defaultWorkers(flags.target !== undefined, premisesDays(scenario, shards))
            : defaultReplayWorkers(flags.target !== undefined)),
        runId,
        interrupt: interrupt.signal,
        ...(flags.resume === true ? { resume: true } : {}),
        ...(flags.families === undefined ? {} : { families: flags.families }),
        ...(flags.target === undefined ? {} : { target: flags.target }),
        ...(shards === undefined ? {} : { shards }),
        ...(pacing === undefined ? {} : { pacing }),
        ...(Object.keys(delivery).length === 0 ? {} : { delivery }),
        ...(source.replay === undefined ? {} : { replay: source.replay }),
        ...(source.recorder === undefined ? {} : { recorder: source.recorder, onRecorded: (r: RecordingSummary) => (recorded = r) }),
        ...(bar === undefined
          ? {}
          : {
              onProgress: (fraction: number, events: number) => {
                if (!interrupt.signal.aborted) bar.update(fraction, events);
              },
            }),
      });
    } catch (err) {
      // CI reads the JUnit file: it says why the run failed rather than being missing.
      if (flags.junit !== undefined) {
        const e = SmsimError.from(err);
        const failed = {
          scenario: { name: scenario.name, file: source.scenarioFile, expect: scenario.expect },
          runId,
          seed: scenario.seed,
          error: { code: e.code, message: e.message },
          wallSeconds: (Date.now() - startedAt.getTime()) / 1000,
        };
        await writeJunit(flags.junit, renderJunitFailure(failed, { startedAt })).catch(() => undefined);
      }
      throw err;
    } finally {
      bar?.done();
    }
    // The summary is printed even when the report cannot be written: the run's figures are not lost with it.
    const written = flags.out === undefined ? undefined : await writeReport(flags.out, report).catch((err: unknown) => err);
    const junit =
      flags.junit === undefined
        ? undefined
        : await writeJunit(flags.junit, renderJunit(report, { startedAt })).catch((err: unknown) => err);
    io.stdout.write(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${renderTerminal(report, stdoutStyle(io))}\n`);
    if (written !== undefined && !Array.isArray(written)) throw written;
    if (junit !== undefined) throw junit;
    if (flags.out !== undefined && flags.json !== true)
      io.stdout.write(`\nReport written to ${flags.out}/report.json, report.md, report.html and pmr.json\n`);
    if (source.recorder !== undefined)
      io.stderr.write(
        recorded === undefined ? 'smsim: the run was interrupted: no recording written\n' : `smsim: ${recordingLine(recorded)}\n`,
      );
    setExitCode(
      report.interrupted !== undefined
        ? SIGNAL_EXIT_CODES[report.interrupted.signal]
        : report.passed
          ? ExitCode.PASS
          : ExitCode.EXPECTATIONS_FAILED,
    );
  } finally {
    release?.();
  }
}

/** One line about a recording written. */
export function recordingLine(r: RecordingSummary): string {
  const perEvent = r.events === 0 ? 0 : r.bytes / r.events;
  return `recorded ${r.events} events in ${r.batches} batches to ${r.file}: ${r.bytes} bytes (${perEvent.toFixed(2)} bytes/event), fingerprint ${r.fingerprint}`;
}

export function registerRun(program: Command, ctx: CommandContext): void {
  addRunOptions(
    program
      .command('run <scenario>')
      .description('run a scenario end to end (against the embedded reference pipeline unless --target is given)'),
    false,
  ).action(runAction(ctx));
}
