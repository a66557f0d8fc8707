import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchReport } from '../../harness/pipeline/report-client.js';
import { SMALL, freePort, killChildren, serve as serveCli, smsim, type CliResult } from '../helpers/cli.js';

/**
 * Fault injection with real processes on 127.0.0.1 (docs/reliability.md): a journalled
 * `smsim serve` is killed with SIGKILL and restarted, its connections are cut, and it is
 * stalled with SIGSTOP, while `smsim emit` streams a paced scenario into it. Every run must end
 * with every event counted exactly once. Each test prints one `FAULT {...}` line: the figures in
 * docs/reliability.md come from those lines.
 */

/** Paced so the run spans several seconds and the faults land mid-run (~24.6 k events). */
const RATE = '4000';
/** Every test runs one run into its own pipeline; the Report is asked for that run. */
const RUN = 'faults';

afterEach(killChildren);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the pipeline has accepted at least `events` events (asked over Report), so a fault
 * is injected while traffic flows rather than at a guessed moment; returns the count.
 */
async function acceptedAtLeast(target: string, events: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const accepted = await fetchReport(target, RUN, 0, { timeoutMs: 1000 }).then(
      (r) => r.stats.eventsAccepted,
      () => 0,
    );
    if (accepted >= events) return accepted;
    if (Date.now() > deadline) throw new Error(`the pipeline at ${target} accepted only ${accepted} of ${events} events`);
    await sleep(50);
  }
}

/** `smsim serve` on a fixed port and data dir; resolves once it listens. */
async function serve(port: number, dataDir: string): Promise<ChildProcess> {
  return (await serveCli(['--port', String(port), '--data-dir', dataDir])).child;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

function emit(target: string, extra: string[] = []): { done: Promise<CliResult> } {
  // Bounded by the tests' own 90 s timeout, as before.
  return {
    done: smsim(['emit', SMALL, '--target', target, '--rate', RATE, '--json', '--no-progress', '--run-id', RUN, ...extra], {
      timeoutMs: 90_000,
    }),
  };
}

interface Report {
  run: { sent: number; acked: number; lost: number; duplicates: number; resent: number };
  metrics: Array<{ id: string; observed: number; reported: number }>;
  passed: boolean;
}

/** Checks the run counted every event once; prints the figures for docs/reliability.md. */
async function exactlyOnce(r: CliResult, fault: string, pipeline: string): Promise<Report> {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  expect(report.run.lost).toBe(0);
  expect(report.run.duplicates).toBe(0);
  expect(report.run.acked).toBe(report.run.sent);
  expect(report.metrics.length).toBeGreaterThan(0);
  for (const m of report.metrics) expect(m.reported, `${m.id}`).toBe(m.observed);
  expect(report.passed).toBe(true);
  // Resent batches the (last) pipeline process recognised and dropped; duplicates are not journalled.
  const { stats } = await fetchReport(pipeline, RUN, 0, { timeoutMs: 5000 });
  expect(stats.eventsAccepted).toBe(report.run.sent);
  console.log(
    `FAULT ${JSON.stringify({ fault, sent: report.run.sent, lost: report.run.lost, duplicates: report.run.duplicates, resent: report.run.resent, droppedAsDuplicates: stats.duplicateBatches })}`,
  );
  return report;
}

describe('fault injection (real processes)', () => {
  it('kill -9 of the pipeline server three times mid-run: nothing lost, nothing counted twice', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'smsim-kill-'));
    const target = `127.0.0.1:${port}`;
    let server = await serve(port, dir);
    const run = emit(target, ['--reconnect-timeout', '20s']);
    let accepted = 0;
    for (let kill = 0; kill < 3; kill++) {
      accepted = await acceptedAtLeast(target, accepted + 3000);
      // Stopped first, so batches pile up unacked (some journalled, some not) when SIGKILL lands.
      server.kill('SIGSTOP');
      await sleep(500);
      await kill9(server);
      server = await serve(port, dir);
    }
    const report = await exactlyOnce(await run.done, 'kill -9 ×3 + restart', target);
    // The faults landed mid-run: unacked batches were resent and recognised as duplicates.
    expect(report.run.resent).toBeGreaterThan(0);
  }, 90_000);

  it('connections cut twice mid-run (TCP proxy): nothing lost, nothing counted twice', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'smsim-cut-'));
    await serve(port, dir);
    const direct = `127.0.0.1:${port}`;
    const sockets = new Set<Socket>();
    // While set, the server's answers (acks) are swallowed, so the cut finds batches unacked.
    let holdAcks = false;
    const proxy = createServer((client) => {
      const upstream = connect(port, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream);
      upstream.on('data', (d: Buffer) => {
        if (!holdAcks) client.write(d);
      });
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const run = emit(`127.0.0.1:${(proxy.address() as { port: number }).port}`, ['--reconnect-timeout', '20s']);
      let cuts = 0;
      let accepted = 0;
      for (let cut = 0; cut < 2; cut++) {
        accepted = await acceptedAtLeast(direct, accepted + 3000);
        holdAcks = true;
        await sleep(800);
        cuts += sockets.size;
        for (const s of sockets) s.resetAndDestroy();
        holdAcks = false;
      }
      const report = await exactlyOnce(await run.done, 'connections reset ×2', direct);
      expect(cuts).toBeGreaterThan(0);
      expect(report.run.resent).toBeGreaterThan(0);
    } finally {
      proxy.close();
    }
  }, 90_000);

  it('a stalled pipeline (SIGSTOP 3 s, acks time out after 1 s) that recovers: nothing lost, nothing counted twice', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'smsim-stall-'));
    const server = await serve(port, dir);
    const run = emit(`127.0.0.1:${port}`, ['--reconnect-timeout', '20s', '--ack-timeout', '1s']);
    await acceptedAtLeast(`127.0.0.1:${port}`, 3000);
    server.kill('SIGSTOP');
    await sleep(3000);
    server.kill('SIGCONT');
    const report = await exactlyOnce(await run.done, 'stall 3 s (SIGSTOP) then recover', `127.0.0.1:${port}`);
    expect(report.run.resent).toBeGreaterThan(0);
  }, 90_000);

  it('a pipeline that stays stalled ends the run with SMSIM_ERR_STREAM_FAILED, not a hang', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'smsim-hang-'));
    const server = await serve(port, dir);
    const run = emit(`127.0.0.1:${port}`, ['--reconnect-timeout', '2s', '--ack-timeout', '1s']);
    // Every shard mid-stream (3 shards of ~1000-event batches), so each has a call to stall.
    await acceptedAtLeast(`127.0.0.1:${port}`, 6000);
    server.kill('SIGSTOP');
    const r = await run.done;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('[SMSIM_ERR_STREAM_FAILED]');
    expect(r.stderr).toMatch(/no ack for 1000 ms/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
