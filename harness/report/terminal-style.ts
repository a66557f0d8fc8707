import { styleText } from 'node:util';

/**
 * How the terminal summary marks a verdict. The CLI picks one from the stream and the
 * environment (a terminal, NO_COLOR, FORCE_COLOR); the renderer only applies it, so the summary
 * written to a pipe or a file is the plain text it has always been.
 */
export interface TerminalStyle {
  /** A verdict that holds: "PASS" plain, "✓ PASS" in green. */
  readonly pass: (word: string) => string;
  /** A verdict that does not: "FAIL" plain, "✗ FAIL" in red. */
  readonly fail: (word: string) => string;
  /** Neither (deferred, interrupted, incomplete): yellow. */
  readonly warn: (text: string) => string;
}

export const PLAIN_STYLE: TerminalStyle = { pass: (w) => w, fail: (w) => w, warn: (t) => t };

/** ANSI colours through node:util's styleText (the marks keep the verdict readable without colour vision). */
export const COLOUR_STYLE: TerminalStyle = {
  pass: (w) => styleText(['green', 'bold'], `✓ ${w}`),
  fail: (w) => styleText(['red', 'bold'], `✗ ${w}`),
  warn: (t) => styleText('yellow', t),
};
