import type { Command } from 'commander';
import { readRecording } from '../../record/read-recording.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { scenarioDigest } from '../../run/run-id.js';
import { recordingError } from '../../../wire/recording-format.js';
import type { CommandContext } from '../context.js';
import { hostPort } from '../options.js';
import { addDriveOptions, driveRun, type RunFlags, selectShards } from './run.js';

interface ReplayFlags extends RunFlags {
  scenario?: string;
}

/**
 * `smsim replay F`: sends a recording's batches, as they were recorded, to the embedded reference
 * pipeline or `--target`, with a live run's delivery (acks, resend, run id, --resume) and pacing,
 * and writes the same report: truth and observed from the file, reported from the pipeline. The
 * whole file is read and checked first, so a damaged or foreign one is refused before anything
 * is sent.
 */
export function registerReplay(program: Command, ctx: CommandContext): void {
  addDriveOptions(
    program
      .command('replay <recording>')
      .description('send a recording (smsim record, --record) to a pipeline without simulating, and report as the run did'),
    'sender threads (default: cores − 1 with the embedded pipeline, which decodes and counts on a core of its own; one per core with --target)',
  )
    .option('-t, --target <host:port>', 'drive this pipeline instead of the embedded reference pipeline', hostPort)
    .option('--scenario <file>', 'refuse the recording unless it is of this scenario (as resolved: seed, batch size and every setting)')
    .action(async (file: string, flags: ReplayFlags) => {
      const recording = await readRecording(file);
      const { scenario } = recording;
      if (flags.scenario !== undefined) {
        const expected = (await loadScenario(flags.scenario)).scenario;
        if (scenarioDigest(expected) !== recording.header.scenarioSha256)
          throw recordingError(
            'SMSIM_ERR_RECORDING_MISMATCH',
            file,
            0,
            `it is a recording of scenario "${recording.header.scenarioName}" (sha256 ${recording.header.scenarioSha256.slice(0, 12)}), not of ${flags.scenario} ("${expected.name}", ${scenarioDigest(expected).slice(0, 12)})`,
          );
      }
      const selected = selectShards(scenario, flags, ctx.io, file) ?? recording.header.shards;
      const missing = selected.filter((s) => !recording.shards.has(s));
      if (missing.length > 0)
        throw recordingError(
          'SMSIM_ERR_RECORDING_MISMATCH',
          file,
          0,
          `shards ${missing.join(',')} are not in the recording, which holds shards ${recording.header.shards.join(',')} of ${recording.header.shardCount}`,
        );
      // All of the scenario's shards recorded and replayed: a whole run, as a live one would be.
      const whole = selected.length === scenario.estate.shardCount;
      await driveRun(ctx, flags, { scenario, scenarioFile: file, shards: whole ? undefined : selected, replay: recording });
    });
}
