import { Command, CommanderError } from 'commander';
import { SmsimError } from '../../simulator/core/errors.js';
import { routeGrpcLogs } from '../../wire/grpc-logging.js';
import { SMSIM_VERSION } from '../version.js';
import { registerEmit } from './commands/emit.js';
import { registerJournal } from './commands/journal.js';
import { registerMerge } from './commands/merge.js';
import { registerRecord } from './commands/record.js';
import { registerReplay } from './commands/replay.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerServe } from './commands/serve.js';
import { registerValidate } from './commands/validate.js';
import { ExitCode, type CliIo, type CommandContext } from './context.js';

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
  'SMSIM_ERR_RUN_EXISTS',
  'SMSIM_ERR_MERGE_INVALID',
  // Retrying on the same data dir cannot succeed: the operator must repair it first.
  'SMSIM_ERR_JOURNAL_DAMAGED',
  // The run needs more than the pipeline allows (streams, runs): a setting on either side.
  'SMSIM_ERR_LIMIT_EXCEEDED',
  'SMSIM_ERR_OUT_INVALID',
  // A damaged, foreign or mismatched recording: replaying it again cannot succeed.
  'SMSIM_ERR_RECORDING_FOREIGN',
  'SMSIM_ERR_RECORDING_VERSION',
  'SMSIM_ERR_RECORDING_TRUNCATED',
  'SMSIM_ERR_RECORDING_CHECKSUM',
  'SMSIM_ERR_RECORDING_INVALID',
  'SMSIM_ERR_RECORDING_MISMATCH',
]);

/** The smsim program with every command registered; `--help` lists them in this order. */
function buildProgram(ctx: CommandContext): Command {
  const program = new Command('smsim')
    .description('Smart-metering network simulator and test harness for MP122 measurement pipelines')
    .version(SMSIM_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .showHelpAfterError('(see smsim --help)');
  registerRun(program, ctx);
  registerEmit(program, ctx);
  registerRecord(program, ctx);
  registerReplay(program, ctx);
  registerValidate(program, ctx);
  registerReport(program, ctx);
  registerMerge(program, ctx);
  registerServe(program, ctx);
  registerRuns(program, ctx);
  registerJournal(program, ctx);
  pointAtOwnHelp(program, 'smsim');
  return program;
}

/** A usage error points at the help of the command it is in: "see smsim run --help", not the top-level list. */
function pointAtOwnHelp(command: Command, path: string): void {
  for (const sub of command.commands) {
    const subPath = `${path} ${sub.name()}`;
    sub.showHelpAfterError(`(see ${subPath} --help)`);
    pointAtOwnHelp(sub, subPath);
  }
}

/** Runs the CLI; resolves to the exit code. Never calls process.exit (main.ts does). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  routeGrpcLogs(io.env ?? {}, (line) => io.stderr.write(line));
  let exitCode: number = ExitCode.PASS;
  const program = buildProgram({ io, setExitCode: (code) => (exitCode = code) });
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
