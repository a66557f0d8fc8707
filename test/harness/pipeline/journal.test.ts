import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isSmsimError } from '../../../simulator/core/errors.js';
import { JOURNAL_FILE, LOCK_FILE, openJournal, type FsyncMode } from '../../../harness/pipeline/journal.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'smsim-journal-'));
const payload = (i: number, size = 100): Buffer => Buffer.alloc(size, i % 256);

/** Opens the journal in `d`, returning the payloads it replayed. */
function reopen(d: string, fsync: FsyncMode = 'batch') {
  const replayed: Buffer[] = [];
  const opened = openJournal(d, { fsync, onRecord: (p) => replayed.push(Buffer.from(p)) });
  return { ...opened, replayed };
}

async function writeRecords(d: string, n: number, fsync: FsyncMode = 'batch', size = 100): Promise<void> {
  const { journal } = reopen(d, fsync);
  for (let i = 0; i < n; i++) journal.append(payload(i, size));
  await journal.durable();
  await journal.close();
}

describe('ingest journal', () => {
  it('replays every record in order after a clean close', async () => {
    const d = dir();
    await writeRecords(d, 5);
    const { replayed, recovery, journal } = reopen(d);
    expect(replayed).toEqual([0, 1, 2, 3, 4].map((i) => payload(i)));
    // 8-byte magic + 5 × (8-byte header + 100-byte payload)
    expect(recovery).toEqual({ file: join(d, JOURNAL_FILE), records: 5, bytes: 8 + 5 * 108, discardedBytes: 0 });
    await journal.close();
  });

  it('appends after the replayed records', async () => {
    const d = dir();
    await writeRecords(d, 2);
    const { journal } = reopen(d);
    journal.append(payload(9));
    await journal.close();
    expect(reopen(d).replayed).toEqual([payload(0), payload(1), payload(9)]);
  });

  // Each way a crash can tear the last record: the intact records survive, the torn one is cut.
  // (A whole last record with a checksum mismatch is damage, refused: journal-damage.test.ts.)
  const tears: Array<[string, (file: string) => void, RegExp]> = [
    ['a partial header', (f) => appendFileSync(f, Buffer.from([100, 0, 0])), /torn record header at byte 224/],
    ['a partial payload', (f) => truncateSync(f, statSync(f).size - 40), /torn record at byte 116 \(100 bytes announced, 60 present\)/],
    [
      'an absurd length',
      (f) => {
        const h = Buffer.alloc(8);
        h.writeUInt32LE(0xfffffff0, 0);
        appendFileSync(f, h);
      },
      /record length 4294967280 at byte 224 is not plausible/,
    ],
  ];
  it.each(tears)('discards a torn last record: %s, and never mis-reads it', async (_name, tear, reason) => {
    const d = dir();
    const file = join(d, JOURNAL_FILE);
    await writeRecords(d, 2);
    tear(file);
    const sizeBefore = statSync(file).size;
    const { replayed, recovery, journal } = reopen(d);
    expect(recovery.discardReason).toMatch(reason);
    expect(recovery.discardedBytes).toBe(sizeBefore - recovery.bytes);
    expect(statSync(file).size).toBe(recovery.bytes);
    expect(replayed).toEqual(reason.source.includes('116') ? [payload(0)] : [payload(0), payload(1)]);
    // Appending after the cut yields a clean journal again.
    journal.append(payload(7));
    await journal.close();
    const again = reopen(d);
    expect(again.recovery.discardedBytes).toBe(0);
    expect(again.replayed.at(-1)).toEqual(payload(7));
    await again.journal.close();
  });

  it('writes the documented record format: u32 length, u32 CRC-32, payload', async () => {
    const d = dir();
    await writeRecords(d, 1, 'never', 3);
    const bytes = readFileSync(join(d, JOURNAL_FILE));
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('SMSIMJ01');
    expect(bytes.readUInt32LE(8)).toBe(3);
    expect(bytes.readUInt32LE(12)).toBe(crc32(payload(0, 3)));
    expect(bytes.subarray(16)).toEqual(payload(0, 3));
  });

  it('refuses a file that is not a journal rather than truncating it', () => {
    const d = dir();
    writeFileSync(join(d, JOURNAL_FILE), 'name: not a journal\n');
    try {
      reopen(d);
      throw new Error('expected SMSIM_ERR_JOURNAL_FAILED');
    } catch (err) {
      expect(isSmsimError(err, 'SMSIM_ERR_JOURNAL_FAILED')).toBe(true);
      expect((err as Error).message).toContain('is not an smsim ingest journal');
    }
    expect(readFileSync(join(d, JOURNAL_FILE), 'utf8')).toBe('name: not a journal\n');
  });

  it('one process per data dir: a live holder is refused, a lock left by a killed process is taken over', async () => {
    const d = dir();
    const first = reopen(d);
    expect(() => reopen(d)).toThrow(
      expect.objectContaining({
        code: 'SMSIM_ERR_JOURNAL_FAILED',
        message: expect.stringContaining(`is in use by process ${process.pid}`) as string,
      }),
    );
    await first.journal.close();
    // The pid of a process that has exited, as after kill -9.
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(join(d, LOCK_FILE), String(dead));
    const second = reopen(d);
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await second.journal.close();
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
  });

  it('group-commits: records appended while a commit runs share the next one (batch), one each (always)', async () => {
    for (const [mode, check] of [
      ['batch', (commits: number) => expect(commits).toBeLessThan(100)],
      ['always', (commits: number) => expect(commits).toBe(100)],
      ['never', (commits: number) => expect(commits).toBeLessThan(100)],
    ] as const) {
      const { journal } = reopen(dir(), mode);
      const acks: number[] = [];
      const waits: Array<Promise<void>> = [];
      for (let i = 0; i < 100; i++) {
        journal.append(payload(i));
        waits.push(journal.durable().then(() => void acks.push(i)));
      }
      await Promise.all(waits);
      // durable() resolves in append order: acks can be sent in request order.
      expect(acks).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(journal.stats().records).toBe(100);
      expect(journal.stats().bytes).toBe(100 * 108);
      check(journal.stats().commits);
      await journal.close();
    }
  });
});
