import { closeSync, fdatasync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, writeSync, writev } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { SmsimError } from '../../simulator/core/errors.js';
import { asBuffer } from '../../wire/envelope.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { HEADER_BYTES, MAGIC, readFully, walkJournal } from './journal-scan.js';
import { NO_SERVE_METRICS, type ServeMetrics } from './serve-metrics.js';

/**
 * The reference pipeline's write-ahead journal: every IngestRequest that consumes a sequence is
 * appended here, and made durable, before it is acked (services.proto: "must not ack a batch
 * before it is durable"). On restart the journal is replayed into a fresh pipeline and delivery
 * state, so acked batches are never lost and resent ones are recognised as duplicates.
 *
 * File: an 8-byte magic, then records `[u32 LE payload length][u32 LE CRC-32 of payload][payload]`,
 * the payload being the IngestRequest envelope bytes (stream id, sequence, the batch exactly as
 * received). A crash can leave the last record torn (a short header or a short payload at the end
 * of the file): recovery truncates it, never mis-reads it. Only a record that was never acked can
 * be torn: acks wait for the write (and, unless fsync is `never`, the fdatasync) that covers it.
 * Anything else that cannot be read (a checksum mismatch, an implausible length, a record whose
 * checksum is right but whose content is no record) may be an acked record, so recovery refuses
 * to start (SMSIM_ERR_JOURNAL_DAMAGED) and names the repair (journal-repair.ts), which keeps every
 * intact record and quarantines the rest. journal-scan.ts tells the two apart.
 */

export const JOURNAL_FILE = 'ingest.journal';
export { LOCK_FILE } from './data-dir-lock.js';

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

/** The command that repairs the journal in `dataDir` (harness/cli/commands/journal.ts). */
export function repairCommand(dataDir: string): string {
  return `smsim journal repair --data-dir ${dataDir}`;
}

/**
 * Refusal to start on a journal damaged before its end: cutting it there would drop records
 * that were acked. Counts the intact records after the damage, so the operator knows what is at
 * stake, and names the command that keeps them.
 */
function damagedError(file: string, dataDir: string, offset: number, what: string, fd: number, resumeAt: number, size: number): SmsimError {
  let intactAfter = 0;
  for (const seg of walkJournal(fd, resumeAt, size)) if (seg.kind === 'record') intactAfter++;
  return new SmsimError(
    'SMSIM_ERR_JOURNAL_DAMAGED',
    `${file}: damaged before its end: ${what}, and ${intactAfter} intact records after it: refusing to start, as cutting the journal ` +
      `there would drop batches that were acked. \`${repairCommand(dataDir)}\` keeps every intact record and moves the ` +
      'damaged bytes to a quarantine file beside the journal',
    { details: { file, offset, intactAfter, repair: repairCommand(dataDir) } },
  );
}

/**
 * Replays every intact record in order through `onRecord` and truncates a torn tail; refuses
 * (SMSIM_ERR_JOURNAL_DAMAGED) damage with intact records after it, or a record it cannot read.
 * Runs synchronously: it happens once, at start-up, before the port opens.
 */
function recover(fd: number, file: string, dataDir: string, onRecord: (payload: Buffer) => void, lock: DataDirLock): RecoveryInfo {
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
  let records = 0;
  let pos = MAGIC.length;
  for (const seg of walkJournal(fd, MAGIC.length, size)) {
    if (seg.kind === 'damaged') {
      if (!seg.tornTail) throw damagedError(file, dataDir, seg.offset, seg.reason, fd, seg.end, size);
      ftruncateSync(fd, seg.offset);
      fsyncSync(fd);
      return { file, records, bytes: seg.offset, discardedBytes: size - seg.offset, discardReason: seg.reason };
    }
    try {
      onRecord(seg.payload);
    } catch (err) {
      const e = SmsimError.from(err);
      const next = seg.offset + HEADER_BYTES + seg.payload.length;
      // A record whose checksum is right but whose bytes are no envelope or control record.
      if (e.code === 'SMSIM_ERR_BATCH_INVALID' || e.code === 'SMSIM_ERR_JOURNAL_DAMAGED')
        throw damagedError(
          file,
          dataDir,
          seg.offset,
          `the record at byte ${seg.offset} has a valid checksum but cannot be read (${e.message})`,
          fd,
          next,
          size,
        );
      throw new SmsimError(
        e.code === 'SMSIM_ERR_JOURNAL_FAILED' ? e.code : 'SMSIM_ERR_JOURNAL_FAILED',
        `${file}: record at byte ${seg.offset}: ${e.message}`,
        {
          details: { file, offset: seg.offset },
          cause: err,
        },
      );
    }
    records++;
    pos = seg.offset + HEADER_BYTES + seg.payload.length;
    // A long replay blocks the event loop: keep the lock fresh for pipelines that cannot see this process.
    lock.touch();
  }
  return { file, records, bytes: pos, discardedBytes: 0 };
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
    private readonly lock: DataDirLock,
    private readonly metrics: ServeMetrics,
  ) {
    // Another process took the data dir over: writing on would interleave two writers' records.
    lock.onLost((err) => this.fail(err));
  }

  append(payload: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    // Recovery takes a zero length for garbage (a zero-filled tail), so none may be written.
    if (payload.length === 0) throw journalError('an empty record cannot be journalled', this.file);
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
      this.lock.release();
    }
  }

  /** One commit round: everything pending (one record in `always` mode), written then synced. */
  private flush(): void {
    // After a stall (SIGSTOP) longer than the lock's refresh, make sure no one took the data dir
    // over before writing: touch() checks the lock when a refresh is due, and fails us if lost.
    this.lock.touch();
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
      const done = (fsyncSeconds?: number): void => {
        this.metrics.journalCommit(group.length / 2, bytes, fsyncSeconds);
        this.durableThrough = through;
        this.counters.records += group.length / 2;
        this.counters.bytes += bytes;
        this.counters.commits++;
        while (this.waiters.length > 0 && (this.waiters[0] as Waiter).target <= through) (this.waiters.shift() as Waiter).resolve();
        this.flush();
      };
      if (this.fsync === 'never') done();
      else {
        const syncStart = performance.now();
        fdatasync(this.fd, (syncErr) => {
          if (syncErr !== null) this.fail(journalError(`fdatasync failed: ${syncErr.message}`, this.file, syncErr));
          else done((performance.now() - syncStart) / 1000);
        });
      }
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

/**
 * Opens (creating if needed) the journal in `dataDir`, replays its intact records through
 * `onRecord`, cuts a torn tail, and returns it ready to append.
 */
export function openJournal(
  dataDir: string,
  options: {
    readonly fsync?: FsyncMode | undefined;
    readonly onRecord: (payload: Buffer) => void;
    /** Counts each commit and its fdatasync time (smsim serve --metrics-port). */
    readonly metrics?: ServeMetrics | undefined;
  },
): { journal: Journal; recovery: RecoveryInfo } {
  const file = join(dataDir, JOURNAL_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw journalError(`cannot create the data dir: ${err instanceof Error ? err.message : String(err)}`, file, err);
  }
  const lock = acquireDataDirLock(dataDir, file);
  let fd: number;
  try {
    fd = openSync(file, 'a+');
    closeSync(fd);
    fd = openSync(file, 'r+');
  } catch (err) {
    lock.release();
    throw journalError(`cannot open the journal: ${err instanceof Error ? err.message : String(err)}`, file, err);
  }
  try {
    const recovery = recover(fd, file, dataDir, options.onRecord, lock);
    return {
      journal: new FileJournal(file, fd, recovery.bytes, options.fsync ?? 'batch', lock, options.metrics ?? NO_SERVE_METRICS),
      recovery,
    };
  } catch (err) {
    closeSync(fd);
    lock.release();
    throw err;
  }
}
