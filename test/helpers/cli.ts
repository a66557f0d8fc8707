import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** The compiled CLI (dist/ is built before the e2e tests run). */
export const CLI = join('dist', 'harness', 'cli', 'main.js');
/** A small scenario that runs in a few seconds. */
export const SMALL = 'test/fixtures/scenarios/small.yaml';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /**
   * Added to the process environment. SMSIM_TOKEN is '' (no token) unless given here, so a
   * token in the environment running the tests never leaks into a CLI process; FORCE_COLOR and
   * NO_COLOR are left out unless given here, so the summary the tests read is plain text.
   */
  env?: Record<string, string>;
  /** Kill the process and fail after this long (default 60 s). */
  timeoutMs?: number;
  /** Run it under this command (the node binary and the CLI follow), e.g. /usr/bin/time. */
  wrap?: readonly string[];
}

/** Every CLI process started here and not yet closed; see killChildren(). */
const children = new Set<ChildProcess>();

/** SIGKILLs every CLI process still running (for afterEach, so a failed test leaves none behind). */
export function killChildren(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

/** The environment without FORCE_COLOR and NO_COLOR: whether a CLI process colours is each test's choice. */
export function withoutColourSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...rest } = env;
  return rest;
}

/** `wrap` runs the CLI under another command, e.g. ['unshare', '--fork', '--pid', …]. */
function start(
  args: string[],
  env: Record<string, string> = {},
  wrap: readonly string[] = [],
): ChildProcessByStdio<null, Readable, Readable> {
  const [command, ...prefix] = [...wrap, process.execPath];
  const child = spawn(command as string, [...prefix, CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...withoutColourSettings(process.env), SMSIM_TOKEN: '', ...env },
  });
  children.add(child);
  child.on('close', () => children.delete(child));
  return child;
}

/** Runs the real CLI as a process (bounded in time). */
export function smsim(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return smsimProcess(args, options).done;
}

/** The real CLI as a process, with its handle (to kill that one process mid-run). */
export function smsimProcess(args: string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const { env, timeoutMs = 60_000, wrap } = options;
  const child = start(args, env, wrap);
  const done = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`smsim ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

export interface ServeOptions {
  /** As for smsim(): SMSIM_TOKEN is '' unless given here. */
  env?: Record<string, string>;
  /** The line to wait for, on stdout or stderr; its first group is the address (default /listening on (\S+)/). */
  listening?: RegExp;
  /** Fail if the server has not said so by then (default 15 s). */
  timeoutMs?: number;
  /** Run it under this command (the node binary and the CLI follow), e.g. unshare. */
  wrap?: readonly string[];
}

/** `smsim serve <args>`: resolves once it prints its "listening on" line, with the address it gives. */
export async function serve(args: string[], options: ServeOptions = {}): Promise<{ child: ChildProcess; address: string }> {
  const { env, listening = /listening on (\S+)/, timeoutMs = 15_000, wrap } = options;
  const child = start(['serve', ...args], env, wrap);
  let text = '';
  let onExit: ((code: number | null) => void) | undefined;
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${text}`)), timeoutMs);
      // Both streams stay read for the server's lifetime, so its writes never block on a full pipe.
      const onData = (d: Buffer): void => {
        text += d.toString();
        // Whole lines only, so an address cut between two chunks is never taken for the whole.
        const m = listening.exec(text.slice(0, text.lastIndexOf('\n') + 1));
        if (m?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      onExit = (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited ${code}: ${text}`));
      };
      child.on('exit', onExit);
    });
    return { child, address };
  } finally {
    if (onExit !== undefined) child.off('exit', onExit);
  }
}

/** A port nothing listens on (at the moment of asking): bind one, note it, close it. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  return port;
}
