import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE, LOCK_REFRESH_MS } from '../../../harness/pipeline/data-dir-lock.js';
import { openJournal } from '../../../harness/pipeline/journal.js';
import { processStartTime, selfIdentity } from '../../../harness/pipeline/process-identity.js';
import { killChildren, serve, smsim } from '../../helpers/cli.js';

/*
 * The data dir's lock with real processes: a pid that exists is not enough to hold it (after a
 * container restart the new server is PID 1 again), a live server still keeps every other one
 * out, and two servers starting at once on a stale lock never both get it.
 */

afterEach(killChildren);

const dir = (): string => mkdtempSync(join(tmpdir(), 'smsim-lock-'));
const lockOf = (d: string): Record<string, unknown> => JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')) as Record<string, unknown>;

/** A lock file as a holder writes it; `mtimeMs` back-dates it. */
function writeLock(d: string, owner: Record<string, unknown>, mtimeMs = Date.now()): void {
  const f = join(d, LOCK_FILE);
  writeFileSync(f, `${JSON.stringify({ token: '0123456789abcdef', ...owner })}\n`);
  utimesSync(f, new Date(mtimeMs), new Date(mtimeMs));
}

function takes(d: string): void {
  const lock = acquireDataDirLock(d, 'test');
  expect(lockOf(d)).toMatchObject({ pid: process.pid, startTime: selfIdentity().startTime });
  lock.release();
  expect(existsSync(join(d, LOCK_FILE))).toBe(false);
}

const refuses = (d: string, message: RegExp): void =>
  expect(() => acquireDataDirLock(d, 'test')).toThrow(
    expect.objectContaining({ code: 'SMSIM_ERR_JOURNAL_FAILED', message: expect.stringMatching(message) as string }),
  );

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('data dir lock', () => {
  const self = selfIdentity();
  const linux = self.bootId !== null && self.pidNs !== null;

  it.skipIf(!linux)('takes over a lock naming a live pid with another start time (pid reuse), refuses it with the right one', async () => {
    const sleeper = spawn('sleep', ['30']);
    await new Promise((r) => sleeper.once('spawn', r));
    const pid = sleeper.pid as number;
    const startTime = processStartTime(pid);
    try {
      for (const live of [1, pid]) {
        const d = dir();
        writeLock(d, { pid: live, startTime: '1', bootId: self.bootId, pidNs: self.pidNs });
        takes(d);
      }
      const d = dir();
      writeLock(d, { pid, startTime, bootId: self.bootId, pidNs: self.pidNs, since: '2026-03-02T00:00:00.000Z' });
      refuses(
        d,
        new RegExp(`^test: is in use by process ${pid} \\(${d}/ingest.lock, since 2026-03-02T00:00:00.000Z\\); one pipeline per data dir$`),
      );
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it.skipIf(!linux)('a holder it cannot look at (another boot or pid namespace) holds while it refreshes the lock, not after', () => {
    for (const other of [{ bootId: 'another-boot' }, { pidNs: 'pid:[1]' }]) {
      const stale = dir();
      writeLock(stale, { pid: 1, startTime: processStartTime(1), bootId: self.bootId, pidNs: self.pidNs, ...other }, Date.now() - 11_000);
      takes(stale);
      const fresh = dir();
      writeLock(fresh, { pid: 1, startTime: processStartTime(1), bootId: self.bootId, pidNs: self.pidNs, ...other }, Date.now() - 3000);
      expect(() => acquireDataDirLock(fresh, 'test')).toThrow(
        expect.objectContaining({
          message: expect.stringMatching(/is in use by process 1 of another pid namespace or boot .*refreshed 3\.\d s ago/) as string,
          details: expect.objectContaining({ retryAfterMs: expect.any(Number) as number }) as object,
        }),
      );
    }
  });

  it('a lock of the old format (a bare pid) naming this very process, or garbage, is taken over', () => {
    for (const content of [String(process.pid), '', '{"pid": 12']) {
      const d = dir();
      writeFileSync(join(d, LOCK_FILE), content);
      takes(d);
    }
  });

  it('a live `smsim serve` is refused, naming the lock file and its pid; after kill -9 a restart takes the data dir at once', async () => {
    const d = dir();
    const first = await serve(['--port', '0', '--data-dir', d]);
    const pid = first.child.pid as number;
    expect(lockOf(d)).toMatchObject({ pid });
    refuses(d, new RegExp(`is in use by process ${pid} \\(${d}/ingest.lock`));
    const second = await smsim(['serve', '--port', '0', '--data-dir', d]);
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`${d}/ingest.journal: is in use by process ${pid} (${d}/ingest.lock`);
    expect(second.stderr).toContain('[SMSIM_ERR_JOURNAL_FAILED]');

    await kill9(first.child);
    expect(lockOf(d)).toMatchObject({ pid });
    const started = performance.now();
    const again = await serve(['--port', '0', '--data-dir', d]);
    const ms = performance.now() - started;
    expect(lockOf(d)).toMatchObject({ pid: again.child.pid });
    console.log(`LOCK ${JSON.stringify({ case: 'kill -9, restart (same pid namespace)', restartToListeningMs: Math.round(ms) })}`);
    expect(ms).toBeLessThan(5000);
  }, 30_000);

  it('a holder whose lock was taken over (e.g. after a long stall) stops writing and acking', async () => {
    const d = dir();
    const { journal } = openJournal(d, { onRecord: () => undefined });
    journal.append(Buffer.from('a'));
    await journal.durable();
    writeLock(d, { pid: 1, startTime: '1', bootId: 'elsewhere', pidNs: null, token: 'fedcba9876543210' });
    await new Promise((r) => setTimeout(r, LOCK_REFRESH_MS + 100));
    // The refresh timer or the next commit finds out, whichever comes first.
    const appended = (): Promise<void> => {
      try {
        journal.append(Buffer.from('b'));
        return journal.durable();
      } catch (err) {
        return Promise.reject(err);
      }
    };
    await expect(appended()).rejects.toMatchObject({
      code: 'SMSIM_ERR_JOURNAL_FAILED',
      message: expect.stringContaining("lost the data dir's lock") as string,
    });
    await journal.close().catch(() => undefined);
    // The other holder's lock is left alone.
    expect(lockOf(d)).toMatchObject({ token: 'fedcba9876543210' });
  });

  it('servers starting at once on a stale lock: exactly one gets it, every round', async () => {
    const module = resolve('dist/harness/pipeline/data-dir-lock.js');
    for (let round = 0; round < 2; round++) {
      const d = dir();
      // A dead holder: this boot and pid namespace but a start time no process has; an old-format pid.
      if (round === 0) writeLock(d, { pid: 1, startTime: '1', bootId: self.bootId, pidNs: self.pidNs });
      if (round === 1) writeFileSync(join(d, LOCK_FILE), String(spawnSync(process.execPath, ['-e', '']).pid));
      const at = Date.now() + 2000;
      // A winner holds the lock 3 s, so a process that decides late cannot find it dead again.
      const script =
        `const m = await import(${JSON.stringify(module)}); while (Date.now() < ${at});` +
        `const late = Date.now() - ${at} > 2500 ? 'late ' : '';` +
        `try { m.acquireDataDirLock(${JSON.stringify(d)}, 'x'); console.log(late + 'won'); setTimeout(() => {}, 3000); }` +
        "catch (e) { console.log(late + 'refused ' + e.message); }";
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, () => {
          const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          c.stdout.on('data', (b: Buffer) => (out += b.toString()));
          return new Promise<string>((r) => c.on('close', () => r(out.trim())));
        }),
      );
      expect(
        outcomes.filter((o) => o === 'won'),
        outcomes.join('\n'),
      ).toHaveLength(1);
      expect(outcomes.filter((o) => o.startsWith('refused x: is in use by process'))).toHaveLength(5);
    }
  }, 60_000);
});
