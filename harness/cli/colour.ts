import { COLOUR_STYLE, PLAIN_STYLE, type TerminalStyle } from '../report/terminal-style.js';
import type { CliIo } from './context.js';

/**
 * Colour on a terminal only, by the conventions other tools follow: FORCE_COLOR forces it (0 or
 * false turns it off), and takes precedence, as in Node itself; otherwise NO_COLOR with any
 * non-empty value turns it off (https://no-color.org), as does TERM=dumb; otherwise it is on when
 * stdout is a terminal, off when it is a pipe or a file.
 */
export function wantsColour(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The style of the terminal summary written to stdout. */
export function stdoutStyle(io: CliIo): TerminalStyle {
  return wantsColour(io.stdout, io.env ?? {}) ? COLOUR_STYLE : PLAIN_STYLE;
}
