import type { Command } from 'commander';
import { isSmsimError } from '../../../simulator/core/errors.js';
import { ESTIMATE_METHOD, estimateRun } from '../../scenario/estimate-run.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { ExitCode, type CommandContext } from '../context.js';

const num = (n: number): string => n.toLocaleString('en-GB');

/** "3.7 s", "2.2 min", "1.1 h": a wall time a person reads at a glance. */
const wall = (seconds: number): string =>
  seconds < 120
    ? `${num(seconds)} s`
    : seconds < 7200
      ? `${num(Math.round(seconds / 6) / 10)} min`
      : `${num(Math.round(seconds / 360) / 10)} h`;

/** Bad input a scenario author fixes: with --json, listed on stdout for an editor or CI to read. */
const SCENARIO_CODES: ReadonlySet<string> = new Set([
  'SMSIM_ERR_SCENARIO_NOT_FOUND',
  'SMSIM_ERR_SCENARIO_PARSE',
  'SMSIM_ERR_SCENARIO_INVALID',
]);

export function registerValidate(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('validate <scenario>')
    .description('check a scenario file (every problem, with its line and column) and print what it resolves to and what it will cost')
    .option('--json', 'print the resolved scenario (every default filled in, times in ms) and the estimate as JSON; problems too')
    .addHelpText('after', `\nThe estimate: ${ESTIMATE_METHOD}.\nPaced runs (--rate, --speed) take as long as the pacing makes them.\n`)
    .action(async (file: string, flags: { json?: boolean }) => {
      let loaded: Awaited<ReturnType<typeof loadScenario>>;
      try {
        loaded = await loadScenario(file);
      } catch (err) {
        if (flags.json !== true || !isSmsimError(err) || !SCENARIO_CODES.has(err.code)) throw err;
        const problems = (err.details.problems as unknown[] | undefined) ?? [{ message: err.message }];
        io.stdout.write(`${JSON.stringify({ file, valid: false, code: err.code, problems }, null, 2)}\n`);
        setExitCode(ExitCode.USAGE);
        return;
      }
      const { scenario } = loaded;
      const estimate = estimateRun(scenario);
      if (flags.json === true) {
        const window = { start: new Date(scenario.startMs).toISOString(), end: new Date(scenario.endMs).toISOString() };
        io.stdout.write(`${JSON.stringify({ file, valid: true, ...window, scenario, estimate }, null, 2)}\n`);
        return;
      }
      io.stdout.write(
        `${file}: valid (${scenario.estate.premises} premises in ${scenario.estate.shardCount} shards, ${scenario.durationMs / 86_400_000} days)\n` +
          `  estimate: ~${num(estimate.events)} events in ~${num(estimate.batches)} batches, ~${wall(estimate.seconds)} unpaced` +
          ` (${Object.entries(estimate.eventsByTraffic)
            .map(([k, v]) => `${k} ${num(v)}`)
            .join(', ')}; how: smsim validate --help)\n`,
      );
    });
}
