import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE } from '../../harness/pipeline/data-dir-lock.js';
import { fetchReport } from '../../harness/pipeline/report-client.js';
import { freePort, killChildren, SMALL, serve, smsim } from '../helpers/cli.js';

/**
 * `smsim serve --data-dir` as PID 1 of its own pid namespace, as in a container: killed with
 * SIGKILL and started again the same way (a container restart: a new pid namespace, and the new
 * server is PID 1 again) while `smsim emit` streams into it. Needs `unshare --pid` (root, or user
 * namespaces); skipped where it is not permitted.
 */

afterEach(killChildren);

const UNSHARE = ['unshare', '--fork', '--pid', '--mount-proc', '--kill-child=SIGKILL'];
const unshareWorks = spawnSync(UNSHARE[0] as string, [...UNSHARE.slice(1), 'true']).status === 0;
const RUN = 'container';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Peak RSS (VmHWM) of the node process unshare forked, in MiB. */
function peakRssMiB(unshare: ChildProcess): number {
  const pid = readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim().split(' ')[0];
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

async function acceptedAtLeast(target: string, events: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (
    (await fetchReport(target, RUN, 0, { timeoutMs: 1000 }).then(
      (r) => r.stats.eventsAccepted,
      () => 0,
    )) < events
  ) {
    if (Date.now() > deadline) throw new Error(`${target} never accepted ${events} events`);
    await sleep(50);
  }
}

describe('container restart (real processes, serve as PID 1)', () => {
  it.skipIf(!unshareWorks)(
    'PID 1 killed with SIGKILL and started again takes its data dir back; a live one keeps others out',
    async () => {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'smsim-pid1-'));
      const target = `127.0.0.1:${port}`;
      const args = ['--port', String(port), '--data-dir', dir];
      const first = await serve(args, { wrap: UNSHARE });
      const lock = (): Record<string, unknown> => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
      expect(lock()).toMatchObject({ pid: 1 });
      // A live server in another pid namespace: refused, though this process cannot see it.
      expect(() => acquireDataDirLock(dir, 'test')).toThrow(/is in use by process 1 of another pid namespace/);

      const emit = smsim(
        ['emit', SMALL, '--target', target, '--rate', '4000', '--json', '--no-progress', '--run-id', RUN, '--reconnect-timeout', '40s'],
        {
          timeoutMs: 90_000,
        },
      );
      await acceptedAtLeast(target, 3000);
      const rss = peakRssMiB(first.child);
      const exited = new Promise((r) => first.child.once('exit', r));
      first.child.kill('SIGKILL');
      await exited;
      const killedAt = performance.now();
      expect(lock()).toMatchObject({ pid: 1 });
      const second = await serve(args, { wrap: UNSHARE, timeoutMs: 30_000 });
      const recoverMs = performance.now() - killedAt;
      expect(lock()).toMatchObject({ pid: 1 });

      const r = await emit;
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { run: { sent: number; acked: number; lost: number; duplicates: number; resent: number } };
      expect(report.run).toMatchObject({ lost: 0, duplicates: 0, acked: report.run.sent });
      expect((await fetchReport(target, RUN, 0)).stats.eventsAccepted).toBe(report.run.sent);
      console.log(
        `CONTAINER ${JSON.stringify({ sent: report.run.sent, lost: report.run.lost, duplicates: report.run.duplicates, resent: report.run.resent, killToListeningMs: Math.round(recoverMs), servePeakRssMiB: rss, restartedPeakRssMiB: peakRssMiB(second.child) })}`,
      );
    },
    90_000,
  );
});
