import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchReport } from '../../harness/pipeline/report-client.js';
import { freePort, killChildren, SMALL, serve, smsim, smsimProcess } from '../helpers/cli.js';

/**
 * Ctrl-C (SIGINT) and SIGTERM during `run` / `emit`, with real processes: the run stops sending,
 * waits for its acks, reports what crossed the wire marked `interrupted`, and exits 130 / 143; a
 * second signal ends it at once. Each test prints an `OPERATOR {…}` line for docs/reliability.md.
 */

afterEach(killChildren);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Report {
  run: { sent: number; acked: number; lost: number; duplicates: number; batches: number; peakRssBytes: number };
  interrupted?: { signal: string; atVirtualMs: number; shardsComplete: number; shardsStopped: number; shardsNotStarted: number };
  shards: Array<{ index: number; events: number; stoppedAtMs?: number }>;
  metrics: Array<{ id: string; observed: number; reported: number | null }>;
  expectations: unknown[];
  passed: boolean;
  window: { startMs: number; endMs: number };
}

/** Sends `signal` and measures how long the process takes to end after it. */
async function stopWith(child: ChildProcess, signal: NodeJS.Signals): Promise<number> {
  const ended = new Promise((r) => child.once('close', r));
  const sent = performance.now();
  child.kill(signal);
  await ended;
  return Math.round(performance.now() - sent) / 1000;
}

/** What every interrupted report must say: honest figures, marked, expectations not evaluated. */
function expectHonestInterruptedReport(report: Report, signal: string): void {
  expect(report.interrupted?.signal).toBe(signal);
  expect(report.interrupted?.shardsStopped).toBeGreaterThan(0);
  expect(report.passed).toBe(false);
  expect(report.expectations).toEqual([]);
  expect(report.run.lost).toBe(0);
  expect(report.run.duplicates).toBe(0);
  expect(report.run.acked).toBe(report.run.sent);
  // Observed is what crossed the wire, so the pipeline reports exactly it.
  for (const m of report.metrics) if (m.reported !== null) expect(m.reported, m.id).toBe(m.observed);
  const stopped = report.shards.filter((s) => s.stoppedAtMs !== undefined);
  expect(stopped.length).toBe(report.interrupted?.shardsStopped);
  for (const s of stopped) expect(s.stoppedAtMs).toBeLessThan(report.window.endMs);
}

describe('interrupting a run', () => {
  it('Ctrl-C (SIGINT) mid-run: summary printed, report.json written and marked, exit 130', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'smsim-int-')), 'out');
    // One worker, so the run takes seconds on any machine (the interrupt must land mid-run).
    const { child, done } = smsimProcess(['run', 'scenarios/default.yaml', '--out', dir, '--no-progress', '--workers', '1']);
    await sleep(2500);
    const seconds = await stopWith(child, 'SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("SIGINT: stopping: no new batches; waiting up to 5 s for the pipeline's acks");
    expect(r.stdout).toContain('Result: INTERRUPTED (SIGINT: stopped early, expectations not evaluated)');
    expect(r.stdout).toMatch(/ {2}stopped {2}by SIGINT: of 10 shards \d+ complete/);
    expect(r.stdout).toContain(`Report written to ${dir}/report.json`);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expectHonestInterruptedReport(report, 'SIGINT');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('**Result: INTERRUPTED**');
    console.log(
      `OPERATOR ${JSON.stringify({ attack: 'Ctrl-C mid-run (run, embedded)', exit: r.code, sent: report.run.sent, lost: report.run.lost, duplicates: report.run.duplicates, secondsToExit: seconds, peakRssMiB: Math.round(report.run.peakRssBytes / 1_048_576), interrupted: report.interrupted })}`,
    );
  });

  it('SIGTERM while emitting to an external pipeline: exit 143, what was sent is what the pipeline holds', async () => {
    const port = await freePort();
    await serve(['--port', String(port)]);
    const target = `127.0.0.1:${port}`;
    const { child, done } = smsimProcess([
      'emit',
      'scenarios/default.yaml',
      '--target',
      target,
      '--json',
      '--no-progress',
      '--run-id',
      'term',
    ]);
    // Mid-run for certain: the pipeline has taken traffic.
    const deadline = Date.now() + 30_000;
    while (
      (await fetchReport(target, 'term', 0, { timeoutMs: 1000 }).then(
        (x) => x.stats.eventsAccepted,
        () => 0,
      )) < 100_000
    ) {
      if (Date.now() > deadline) throw new Error('the run never got going');
      await sleep(50);
    }
    const seconds = await stopWith(child, 'SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    const report = JSON.parse(r.stdout) as Report;
    expectHonestInterruptedReport(report, 'SIGTERM');
    expect(report.run.sent).toBeGreaterThanOrEqual(100_000);
    const held = await fetchReport(target, 'term', report.window.endMs, { timeoutMs: 5000 });
    expect(held.stats.eventsAccepted).toBe(report.run.sent);
    console.log(
      `OPERATOR ${JSON.stringify({ attack: 'SIGTERM mid-run (emit, external)', exit: r.code, sent: report.run.sent, lost: report.run.lost, duplicates: report.run.duplicates, secondsToExit: seconds, peakRssMiB: Math.round(report.run.peakRssBytes / 1_048_576), interrupted: report.interrupted })}`,
    );
  });

  it('a paced run waiting for its next slot stops at once, not when the slot comes', async () => {
    // At 600× the next batch of the small scenario is due minutes of wall time away.
    const { child, done } = smsimProcess(['run', SMALL, '--speed', '600', '--json', '--no-progress']);
    await sleep(2500);
    const seconds = await stopWith(child, 'SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(seconds).toBeLessThan(5);
    expectHonestInterruptedReport(JSON.parse(r.stdout) as Report, 'SIGINT');
  });

  it('a second Ctrl-C ends the process at once, without waiting for the report', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'smsim-int2-')), 'out');
    const { child, done } = smsimProcess(['run', 'scenarios/default.yaml', '--out', dir, '--no-progress', '--workers', '1']);
    await sleep(2500);
    child.kill('SIGINT');
    await sleep(20);
    const seconds = await stopWith(child, 'SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(seconds).toBeLessThan(2);
    expect(existsSync(join(dir, 'report.json'))).toBe(false);
  });

  it('an interrupted shard process is refused by smsim merge', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'smsim-int3-')), 'out');
    const { child, done } = smsimProcess(['run', SMALL, '--speed', '600', '--out', dir, '--no-progress', '--shard', '0/2']);
    await sleep(2000);
    await stopWith(child, 'SIGINT');
    expect((await done).code).toBe(130);
    const merge = await smsim(['merge', dir]);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toContain(`${dir}: that shard process was interrupted (SIGINT)`);
    expect(merge.stderr).toContain('[SMSIM_ERR_MERGE_INVALID]');
  });
});
