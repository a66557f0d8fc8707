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
import { ExitCode, SIGNAL_EXIT_CODES, type CommandContext } from '../context.js';
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
import { defaultWorkers, premisesDays } from '../workers.js';

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
  junit?: string;
}

/** The options of run and emit, defined once: the two differ only in whether --target is required. */
export function addRunOptions(cmd: Command, targetRequired: boolean): Command {
  cmd
    .option(
      '-w, --workers <n>',
      'simulator worker threads (default: one per core; cores − 1 for a small run with the embedded pipeline)',
      wholeNumber('--workers', 256),
    )
    .option(
      '-o, --out <dir>',
      'write report.json, report.md, report.html and pmr.json into this directory (created if missing; checked before the run starts)',
    )
    .option(
      '--shard <i/N>',
      'run only the shards s with s mod N = i (for N machines); job/N takes i from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)',
      shardSpec,
    )
    .option(
      '--batch-size <n>',
      "events per batch on the wire, instead of the scenario's batchSize",
      wholeNumber('--batch-size', MAX_EVENTS_PER_BATCH),
    )
    .option('--json', 'print report.json to stdout instead of the summary')
    .option('--junit <file>', 'also write the expectations as JUnit XML for CI (one testcase per expectation; skipped when not checked)')
    .option('--no-progress', 'no progress bar (one is drawn on stderr only when stderr is a terminal)')
    .option('--rate <events/s>', 'paced: send at this many events per second (open model)', positiveNumber('--rate'))
    .option('--speed <N>', 'paced: play virtual time N× faster than real time (e.g. 3600 = an hour a second)', positiveNumber('--speed'))
    .option('--duration <time>', 'paced: stop sending after this much wall time (e.g. 60s)', wallDuration)
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

/** The action of run and emit: simulate, deliver, report, and exit on the expectations' verdict. */
export function runAction({ io, setExitCode }: CommandContext): (file: string, flags: RunFlags) => Promise<void> {
  return async (file, flags) => {
    const loaded = (await loadScenario(file)).scenario;
    const scenario = flags.batchSize === undefined ? loaded : { ...loaded, batchSize: flags.batchSize };
    const shard = flags.shard === undefined ? undefined : { index: shardIndex(flags.shard, io.env), count: flags.shard.count };
    const shards =
      shard === undefined
        ? undefined
        : Array.from({ length: scenario.estate.shardCount }, (_, i) => i).filter((s) => s % shard.count === shard.index);
    if (shard !== undefined && shards?.length === 0) {
      throw new SmsimError(
        'SMSIM_ERR_USAGE',
        `--shard ${shard.index}/${shard.count} selects none of the ${scenario.estate.shardCount} shards of ${file}: use a shard count of at most ${scenario.estate.shardCount}`,
      );
    }
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
      const startedAt = new Date();
      try {
        report = await runScenario({
          scenario,
          scenarioFile: file,
          workers: flags.workers ?? defaultWorkers(flags.target !== undefined, premisesDays(scenario, shards)),
          runId,
          interrupt: interrupt.signal,
          ...(flags.resume === true ? { resume: true } : {}),
          ...(flags.families === undefined ? {} : { families: flags.families }),
          ...(flags.target === undefined ? {} : { target: flags.target }),
          ...(shards === undefined ? {} : { shards }),
          ...(pacing === undefined ? {} : { pacing }),
          ...(Object.keys(delivery).length === 0 ? {} : { delivery }),
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
            scenario: { name: scenario.name, file, expect: scenario.expect },
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
  };
}

export function registerRun(program: Command, ctx: CommandContext): void {
  addRunOptions(
    program
      .command('run <scenario>')
      .description('run a scenario end to end (against the embedded reference pipeline unless --target is given)'),
    false,
  ).action(runAction(ctx));
}
