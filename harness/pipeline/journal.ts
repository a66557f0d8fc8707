import {
  closeSync,
  fdatasync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
  writev,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { SmsimError } from '../../simulator/core/errors.js';
import { asBuffer } from '../../wire/envelope.js';

/**
 * The reference pipeline's write-ahead journal: every IngestRequest that consumes a sequence is
 * appended here, and made durable, before it is acked (services.proto: "must not ack a batch
 * before it is durable"). On restart the journal is replayed into a fresh pipeline and delivery
 * state, so acked batches are never lost and resent ones are recognised as duplicates.
 *
 * File: an 8-byte magic, then records `[u32 LE payload length][u32 LE CRC-32 of payload][payload]`,
 * the payload being the IngestRequest envelope bytes (stream id, sequence, the batch exactly as
 * received). A crash can leave the last record torn (short header, short payload, or a checksum
 * that does not match): recovery stops at the first such record and truncates the file there, so
 * a torn record is discarded, never mis-read. Only a record that was never acked can be torn:
 * acks wait for the write (and, unless fsync is `never`, the fdatasync) that covers the record.
 */

export const JOURNAL_FILE = 'ingest.journal';
/** Holds the pid of the process that has the journal open: two writers would interleave records. */
export const LOCK_FILE = 'ingest.lock';
const MAGIC = Buffer.from('SMSIMJ01', 'latin1');
const HEADER_BYTES = 8;
/** Larger than any envelope the server accepts; a bigger length can only be garbage. */
const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

/**
 * When an append counts as durable:
 * - `batch` (default): group commit, one fdatasync covers every record that arrived while the
 *   previous one ran, so concurrent streams share the cost;
 * - `always`: one write and one fdatasync per record (no grouping: the slow, simple baseline);
 * - `never`: written to the OS before the ack, not synced: survives the process being killed
 *   (kill -9), not a power cut.
 */
export type FsyncMode = 'batch' | 'always' | 'never';
export const FSYNC_MODES: readonly FsyncMode[] = ['batch', 'always', 'never'];

export interface RecoveryInfo {
  readonly file: string;
  /** Records replayed. */
  readonly records: number;
  /** Bytes of the journal kept (magic included). */
  readonly bytes: number;
  /** Bytes of a torn or corrupt tail that were cut off (0 after a clean stop). */
  readonly discardedBytes: number;
  /** Why the tail was cut, when it was. */
  readonly discardReason?: string;
}

export interface JournalStats {
  readonly records: number;
  readonly bytes: number;
  /** write + fdatasync rounds: records / commits is the group-commit factor. */
  readonly commits: number;
}

export interface Journal {
  readonly file: string;
  readonly fsync: FsyncMode;
  /** Queues one record; durable() says when it is safe to ack. */
  append(payload: Uint8Array): void;
  /** Resolves once every record appended so far is durable; rejects if the journal failed. */
  durable(): Promise<void>;
  stats(): JournalStats;
  /** Waits for pending records, then closes the file. */
  close(): Promise<void>;
}

function journalError(message: string, file: string, cause?: unknown): SmsimError {
  return new SmsimError('SMSIM_ERR_JOURNAL_FAILED', `${file}: ${message}`, {
    details: { file },
    ...(cause === undefined ? {} : { cause }),
  });
}

function readFully(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * Reads every intact record in order, calls `onRecord` with each payload, and truncates a torn
 * or corrupt tail. Runs synchronously: it happens once, at start-up, before the port opens.
 */
function recover(fd: number, file: string, onRecord: (payload: Buffer) => void): RecoveryInfo {
  const size = fstatSync(fd).size;
  if (size < MAGIC.length) {
    // Empty, or torn while the magic itself was written: start the file afresh.
    ftruncateSync(fd, 0);
    writeSync(fd, MAGIC, 0, MAGIC.length, 0);
    fsyncSync(fd);
    return { file, records: 0, bytes: MAGIC.length, discardedBytes: size };
  }
  const magic = Buffer.alloc(MAGIC.length);
  readFully(fd, magic, 0);
  if (!magic.equals(MAGIC)) throw journalError('is not an smsim ingest journal (bad magic); refusing to touch it', file);
  const header = Buffer.alloc(HEADER_BYTES);
  let pos = MAGIC.length;
  let records = 0;
  let reason: string | undefined;
  while (pos < size) {
    if (size - pos < HEADER_BYTES) {
      reason = `torn record header at byte ${pos}`;
      break;
    }
    readFully(fd, header, pos);
    const length = header.readUInt32LE(0);
    const checksum = header.readUInt32LE(4);
    if (length > MAX_RECORD_BYTES) {
      reason = `record length ${length} at byte ${pos} is not plausible`;
      break;
    }
    if (size - pos - HEADER_BYTES < length) {
      reason = `torn record at byte ${pos} (${length} bytes announced, ${size - pos - HEADER_BYTES} present)`;
      break;
    }
    const payload = Buffer.allocUnsafe(length);
    readFully(fd, payload, pos + HEADER_BYTES);
    if (crc32(payload) !== checksum) {
      reason = `checksum mismatch in the record at byte ${pos}`;
      break;
    }
    onRecord(payload);
    records++;
    pos += HEADER_BYTES + length;
  }
  if (pos < size) {
    ftruncateSync(fd, pos);
    fsyncSync(fd);
  }
  return { file, records, bytes: pos, discardedBytes: size - pos, ...(reason === undefined ? {} : { discardReason: reason }) };
}

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

class FileJournal implements Journal {
  private pending: Buffer[] = [];
  private appended = 0;
  private durableThrough = 0;
  private waiters: Waiter[] = [];
  private flushing = false;
  private failure: SmsimError | null = null;
  private closed = false;
  private counters = { records: 0, bytes: 0, commits: 0 };

  constructor(
    readonly file: string,
    private readonly fd: number,
    private position: number,
    readonly fsync: FsyncMode,
    private readonly unlock: () => void,
  ) {}

  append(payload: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    if (this.closed) throw journalError('append after close', this.file);
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    this.pending.push(header, asBuffer(payload));
    this.appended++;
    if (!this.flushing) this.flush();
  }

  durable(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.durableThrough >= this.appended) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ target: this.appended, resolve, reject }));
  }

  stats(): JournalStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.durable();
    } finally {
      this.closed = true;
      closeSync(this.fd);
      this.unlock();
    }
  }

  /** One commit round: everything pending (one record in `always` mode), written then synced. */
  private flush(): void {
    if (this.pending.length === 0 || this.failure !== null) {
      this.flushing = false;
      return;
    }
    this.flushing = true;
    const take = this.fsync === 'always' ? 2 : this.pending.length;
    const group = this.pending.splice(0, take);
    // In `always` mode the target is this one record, so later ones keep waiting for their sync.
    const through = this.fsync === 'always' ? this.durableThrough + 1 : this.appended;
    let bytes = 0;
    for (const b of group) bytes += b.length;
    writev(this.fd, group, this.position, (err, written) => {
      if (err !== null) return this.fail(journalError(`append failed: ${err.message}`, this.file, err));
      if (written !== bytes) return this.fail(journalError(`short write (${written} of ${bytes} bytes)`, this.file));
      this.position += bytes;
      const done = (): void => {
        this.durableThrough = through;
        this.counters.records += group.length / 2;
        this.counters.bytes += bytes;
        this.counters.commits++;
        while (this.waiters.length > 0 && (this.waiters[0] as Waiter).target <= through) (this.waiters.shift() as Waiter).resolve();
        this.flush();
      };
      if (this.fsync === 'never') done();
      else
        fdatasync(this.fd, (syncErr) => {
          if (syncErr !== null) this.fail(journalError(`fdatasync failed: ${syncErr.message}`, this.file, syncErr));
          else done();
        });
    });
  }

  private fail(err: SmsimError): void {
    this.failure = err;
    this.flushing = false;
    this.pending = [];
    for (const w of this.waiters) w.reject(err);
    this.waiters = [];
  }
}

/** Whether a process with this pid exists (EPERM: it exists, but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data dir's lock: a lock left by a process that is gone (kill -9) is taken over; one
 * held by a live process, this one included, is refused.
 */
function lock(dataDir: string, file: string): () => void {
  const lockFile = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw journalError(`cannot lock the data dir: ${(err as Error).message}`, file, err);
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isSafeInteger(holder) && holder > 0 && isAlive(holder)) {
        throw journalError(`is in use by process ${holder} (${lockFile}); one pipeline per data dir`, file);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw journalError(`cannot lock the data dir (${lockFile} keeps coming back)`, file);
}

/**
 * Opens (creating if needed) the journal in `dataDir`, replays its intact records through
 * `onRecord`, cuts a torn tail, and returns it ready to append.
 */
export function openJournal(
  dataDir: string,
  options: { readonly fsync?: FsyncMode | undefined; readonly onRecord: (payload: Buffer) => void },
): { journal: Journal; recovery: RecoveryInfo } {
  const file = join(dataDir, JOURNAL_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw journalError(`cannot create the data dir: ${err instanceof Error ? err.message : String(err)}`, file, err);
  }
  const unlock = lock(dataDir, file);
  let fd: number;
  try {
    fd = openSync(file, 'a+');
    closeSync(fd);
    fd = openSync(file, 'r+');
  } catch (err) {
    unlock();
    throw journalError(`cannot open the journal: ${err instanceof Error ? err.message : String(err)}`, file, err);
  }
  try {
    const recovery = recover(fd, file, options.onRecord);
    return { journal: new FileJournal(file, fd, recovery.bytes, options.fsync ?? 'batch', unlock), recovery };
  } catch (err) {
    closeSync(fd);
    unlock();
    throw err;
  }
}
