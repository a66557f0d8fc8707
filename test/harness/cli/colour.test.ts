import { describe, expect, it } from 'vitest';
import { wantsColour } from '../../../harness/cli/colour.js';

describe('wantsColour', () => {
  const tty = { isTTY: true };
  const pipe = {};
  it('colours a terminal, not a pipe', () => {
    expect(wantsColour(tty, {})).toBe(true);
    expect(wantsColour(pipe, {})).toBe(false);
    expect(wantsColour(tty, { TERM: 'dumb' })).toBe(false);
  });
  it('NO_COLOR with any non-empty value wins over a terminal; empty is unset (no-color.org)', () => {
    expect(wantsColour(tty, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour(tty, { NO_COLOR: 'false' })).toBe(false);
    expect(wantsColour(tty, { NO_COLOR: '' })).toBe(true);
  });
  it('FORCE_COLOR forces it, on a pipe too, and over NO_COLOR (as in Node); 0 or false turns it off', () => {
    expect(wantsColour(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColour(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(wantsColour(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(wantsColour(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(wantsColour(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });
});
