import type { StopSignal } from '../report/run-report.js';

/** Exit codes (README, CLI): 0 pass, 1 an expectation failed, 2 bad input, 3 the run failed. */
export const ExitCode = { PASS: 0, EXPECTATIONS_FAILED: 1, USAGE: 2, RUN_FAILED: 3 } as const;

/** An interrupted run exits as a process killed by its signal would be reported: 128 + its number. */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The CLI's only contact with the process: streams and a way to wait for a stop signal. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Resolves when the user asks a long-running command (serve) to stop. */
  readonly untilSignal: () => Promise<string>;
  /**
   * Makes a run interruptible: the first SIGINT / SIGTERM calls `onStop` (the run stops sending,
   * drains its acks and reports), a second one ends the process at once. Returns the function
   * that hands the signals back. Absent (a CLI run in-process), a run cannot be interrupted.
   */
  readonly interruptible?: (onStop: (signal: StopSignal) => void) => () => void;
  /** Environment (SMSIM_TOKEN), so a token need not appear in `ps`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * What a command receives from the program. Commander ignores what an action returns, so a
 * command that ends in something other than PASS says so through setExitCode.
 */
export interface CommandContext {
  readonly io: CliIo;
  readonly setExitCode: (code: number) => void;
}
