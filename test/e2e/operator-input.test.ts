import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, SMALL, smsim } from '../helpers/cli.js';

/**
 * What an operator broke (hardening round 2), with real processes: an impossible date, an
 * unusable --out, a busy emitter with a short --ack-timeout. Each test prints an `OPERATOR {…}`
 * line: the figures in docs/reliability.md come from those lines.
 */

afterEach(killChildren);

const GNU_TIME = '/usr/bin/time';
const TASKSET = '/usr/bin/taskset';

interface Timed {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Peak RSS of the smsim process (KiB), where GNU time is there to measure it. */
  peakRssKiB: number | undefined;
}

/** The CLI as a process (behind `wrapper`, e.g. taskset), timed, and measured by GNU time when the machine has it. */
async function timed(args: string[], timeoutMs = 30_000, wrapper: string[] = []): Promise<Timed> {
  const wrap = existsSync(GNU_TIME) ? [GNU_TIME, '-f', 'smsim-peak-rss-kib %M', ...wrapper] : wrapper;
  const started = performance.now();
  const r = await smsim(args, { timeoutMs, wrap });
  const rss = /smsim-peak-rss-kib (\d+)/.exec(r.stderr);
  return {
    code: r.code,
    stdout: r.stdout,
    stderr: r.stderr.replace(/.*smsim-peak-rss-kib \d+\n?/, ''),
    seconds: Math.round(performance.now() - started) / 1000,
    peakRssKiB: rss === null ? undefined : Number(rss[1]),
  };
}

function operatorLine(attack: string, figures: Record<string, unknown>): void {
  console.log(`OPERATOR ${JSON.stringify({ attack, ...figures })}`);
}

describe('an impossible date', () => {
  it('is refused by validate and by run, naming the path and the date, before anything runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsim-date-'));
    const file = join(dir, 'small.yaml');
    writeFileSync(file, readFileSync(SMALL, 'utf8').replace('start: "2026-03-02T00:00:00Z"', 'start: "2026-02-30T00:00:00Z"'));
    const validate = await smsim(['validate', file]);
    expect(validate.code).toBe(2);
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('start:')) + 1;
    expect(validate.stderr).toContain(
      `${file}:${line}:8: start: "2026-02-30T00:00:00Z" is not a calendar date: day 30 does not exist: February 2026 has 28 days (2026 is not a leap year)`,
    );
    expect(validate.stderr).toContain('[SMSIM_ERR_SCENARIO_INVALID]');
    const run = await timed(['run', file, '--out', join(dir, 'out'), '--no-progress']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('start: "2026-02-30T00:00:00Z" is not a calendar date');
    expect(run.stdout).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    operatorLine('impossible date', { exit: run.code, events: 0, seconds: run.seconds, peakRssKiB: run.peakRssKiB });
  });
});

describe('an unusable --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsim-out-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory\n');
  const reportIsDir = join(dir, 'report-is-a-dir');
  mkdirSync(join(reportIsDir, 'report.json'), { recursive: true });
  const cases: Array<[string, string, RegExp]> = [
    ['an existing file', file, /exists and is not a directory/],
    ['a path under a file', join(file, 'x'), /a-file exists and is not a directory/],
    ['/dev/null/x', '/dev/null/x', /\/dev\/null exists and is not a directory/],
    ['a directory whose report.json is a directory', reportIsDir, /report\.json exists and is not a regular file/],
  ];
  // Node's recursive mkdir spins for good on procfs (ENOENT for a child of a directory that exists).
  if (existsSync('/proc/self'))
    cases.push(['/proc/self/x', '/proc/self/x', /cannot create \/proc\/self\/x: the file system does not allow creating it/]);

  it.each(cases)('%s is refused before the run starts (exit 2, SMSIM_ERR_OUT_INVALID)', async (name, out, why) => {
    // scenarios/default.yaml runs for seconds: a refusal after the run would take that long.
    const r = await timed(['run', 'scenarios/default.yaml', '--out', out, '--no-progress'], 15_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${out}: `);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).toContain('[SMSIM_ERR_OUT_INVALID]');
    expect(r.stdout).toBe('');
    expect(r.seconds).toBeLessThan(5);
    operatorLine(`unusable --out (${name})`, { exit: r.code, events: 0, seconds: r.seconds, peakRssKiB: r.peakRssKiB });
  });

  it('a directory it can make (nested, not there yet) is made and gets the report', async () => {
    const out = join(dir, 'new', 'nested');
    const r = await smsim(['run', SMALL, '--out', out, '--no-progress']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).run.lost).toBe(0);
  });
});

describe('a busy emitter with --ack-timeout 1s', () => {
  interface RunJson {
    run: { sent: number; acked: number; lost: number; duplicates: number; resent: number; wallSeconds: number; peakRssBytes: number };
    passed: boolean;
  }

  // Two workers and the embedded pipeline on one core: each worker runs its event loop only now
  // and then, and its writes and the pipeline's acks wait meanwhile. Before the fix the ack timer
  // counted that as the pipeline's silence and cut healthy calls (64 and 128 batches resent in
  // two runs). test/wire/ack-watchdog.test.ts has the same in miniature, on any machine.
  const cases: Array<[string, string[], string[]]> = [['the default run', [], []]];
  if (existsSync(TASKSET)) cases.unshift(['two workers and the pipeline on one core', ['-c', '0'], ['--workers', '2']]);
  it.each(cases)('%s: no call is cut, nothing resent, nothing lost', async (name, pin, extra) => {
    const args = ['run', 'scenarios/default.yaml', '--ack-timeout', '1s', '--json', '--no-progress', ...extra];
    const r = await timed(args, 120_000, pin.length === 0 ? [] : [TASKSET, ...pin]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RunJson;
    expect(report.run.resent).toBe(0);
    expect(report.run.lost).toBe(0);
    expect(report.run.duplicates).toBe(0);
    expect(report.run.acked).toBe(report.run.sent);
    expect(report.passed).toBe(true);
    operatorLine(`busy emitter with --ack-timeout 1s (${name})`, {
      sent: report.run.sent,
      lost: report.run.lost,
      duplicates: report.run.duplicates,
      resent: report.run.resent,
      wallSeconds: report.run.wallSeconds,
      peakRssMiB: Math.round(report.run.peakRssBytes / 1_048_576),
    });
  });
});
