import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, SMALL, killChildren, smsim, withoutColourSettings } from '../helpers/cli.js';

/**
 * Colour in the terminal summary, with real processes: none when stdout is a pipe, colour and
 * ✓/✗ on a terminal (a pseudo-terminal from util-linux's `script`) or with FORCE_COLOR, none on
 * a terminal with NO_COLOR set (https://no-color.org).
 */

afterEach(killChildren);

const FAILING = 'test/fixtures/scenarios/small-failing.yaml';
const ESC = '\u001b[';
const GREEN_PASS = `${ESC}32m${ESC}1m✓ PASS${ESC}22m${ESC}39m`;
const RED_FAIL = `${ESC}31m${ESC}1m✗ FAIL${ESC}22m${ESC}39m`;

/** The CLI on a pseudo-terminal: stdout and stderr are a tty, as in an interactive shell. */
async function onTerminal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
    // The test runner's own colour settings are not the terminal's.
    env: { ...withoutColourSettings(process.env), SMSIM_TOKEN: '', TERM: 'xterm', ...env },
    timeout: 60_000,
  }).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
  return stdout;
}

describe('colour in the terminal summary', () => {
  it('piped: plain PASS / FAIL, no escape codes', async () => {
    const r = await smsim(['run', FAILING, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toMatch(/[✓✗]/);
    expect(r.stdout).toContain('\n  FAIL  install.installAndLeave.reported == install.installAndLeave.truth');
    expect(r.stdout).toContain('\n  PASS  run.duplicates == 0');
  });

  it('on a terminal: green ✓ PASS, red ✗ FAIL', async () => {
    const out = await onTerminal(['run', FAILING, '--no-progress']);
    expect(out).toContain(`${RED_FAIL}  install.installAndLeave.reported == install.installAndLeave.truth`);
    expect(out).toContain(`${GREEN_PASS}  run.duplicates == 0`);
    expect(out).toContain(`Result: ${RED_FAIL} (expectations not met)`);
  });

  it('on a terminal with NO_COLOR=1: no escape codes', async () => {
    const out = await onTerminal(['run', SMALL, '--no-progress'], { NO_COLOR: '1' });
    expect(out).toContain('Result: PASS');
    expect(out).not.toContain('\u001b');
  });

  it('piped with FORCE_COLOR=1: colours', async () => {
    const r = await smsim(['run', SMALL, '--no-progress'], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Result: ${GREEN_PASS}`);
  });
});
