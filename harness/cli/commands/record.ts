import type { Command } from 'commander';
import { MAX_EVENTS_PER_BATCH } from '../../../simulator/core/domain/wire-limits.js';
import { recordScenario } from '../../run/record-scenario.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { ExitCode, SIGNAL_EXIT_CODES, type CommandContext } from '../context.js';
import { shardSpec, type ShardSpec, wholeNumber } from '../options.js';
import { createProgressBar } from '../progress-bar.js';
import { defaultWorkers, premisesDays } from '../workers.js';
import { recordingLine, selectShards } from './run.js';

interface RecordFlags {
  file: string;
  workers?: number;
  shard?: ShardSpec;
  batchSize?: number;
  json?: boolean;
  progress: boolean;
}

/**
 * `smsim record <scenario> --file F`: simulate once, send nowhere, and keep the traffic with its
 * truth and observed figures, for `smsim replay` to send to any pipeline without simulating.
 */
export function registerRecord(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('record <scenario>')
    .description('simulate a scenario and write its traffic and figures to a recording (see smsim replay), sending it nowhere')
    .requiredOption('-f, --file <file>', 'the recording to write (docs/recording.md)')
    .option('-w, --workers <n>', 'simulator worker threads (default: one per core)', wholeNumber('--workers', 256))
    .option('--shard <i/N>', 'record only the shards s with s mod N = i', shardSpec)
    .option(
      '--batch-size <n>',
      "events per batch on the wire, instead of the scenario's batchSize",
      wholeNumber('--batch-size', MAX_EVENTS_PER_BATCH),
    )
    .option('--json', 'print the recording summary as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, flags: RecordFlags) => {
      const loaded = (await loadScenario(file)).scenario;
      const scenario = flags.batchSize === undefined ? loaded : { ...loaded, batchSize: flags.batchSize };
      const shards = selectShards(scenario, flags, io, file);
      const bar = flags.progress && io.stderr.isTTY === true ? createProgressBar(io.stderr) : undefined;
      const interrupt = new AbortController();
      const release = io.interruptible?.((signal) => {
        bar?.done();
        interrupt.abort(signal);
      });
      try {
        const summary = await recordScenario({
          scenario,
          file: flags.file,
          workers: flags.workers ?? defaultWorkers(true, premisesDays(scenario, shards)),
          interrupt: interrupt.signal,
          ...(shards === undefined ? {} : { shards }),
          ...(bar === undefined ? {} : { onProgress: (fraction: number, events: number) => bar.update(fraction, events) }),
        }).finally(() => bar?.done());
        if (summary === undefined) {
          io.stderr.write('smsim: interrupted: no recording written\n');
          setExitCode(SIGNAL_EXIT_CODES[interrupt.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT']);
          return;
        }
        io.stdout.write(flags.json === true ? `${JSON.stringify(summary, null, 2)}\n` : `${recordingLine(summary)}\n`);
        setExitCode(ExitCode.PASS);
      } finally {
        release?.();
      }
    });
}
