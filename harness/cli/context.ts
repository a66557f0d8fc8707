/** Exit codes (DESIGN.md §7). */
export const ExitCode = { PASS: 0, EXPECTATIONS_FAILED: 1, USAGE: 2, RUN_FAILED: 3 } as const;

/** The CLI's only contact with the process: streams and a way to wait for a stop signal. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Resolves when the user asks a long-running command (serve) to stop. */
  readonly untilSignal: () => Promise<string>;
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
