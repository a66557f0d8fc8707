import { closeSync, existsSync, fstatSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { SmsimError } from '../../simulator/core/errors.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { decodeJournalRecord, encodeDropRunRecord, encodeLostRecord } from './journal-records.js';
import { HEADER_BYTES, MAGIC, readFully, walkJournal } from './journal-scan.js';
import { JOURNAL_FILE } from './journal.js';

/**
 * `smsim journal repair`: what a database does with a damaged log. Every intact record is kept,
 * before and after the damage; what cannot be read (damaged regions, records whose checksum is
 * right but whose content is no record) is moved to a quarantine file beside the journal, with
 * the offsets it had; the journal is rewritten atomically (temp file, fsync, rename, fsync dir).
 *
 * A quarantined record was (probably) acked, and its stream's later records are intact: replayed
 * as they are, the first of them would be refused as OUT_OF_ORDER and the rest of the stream
 * with it. So the repair writes a `lost` control record into each hole it finds (a stream's
 * sequence jumping past last + 1): replay counts those sequences consumed and lost
 * (IngestStats.lost_batches), acked_through does not go back, and the run's figures say they are
 * incomplete instead of hiding it. A damaged record that was the last of its stream leaves no
 * hole: acked_through ends before it and a resumed emitter sends it again. A sequence that
 * starts again (seq <= last) can only follow a DropRun of that run whose record was lost: the
 * drop is written again.
 */

export interface QuarantinedRegion {
  /** Where the bytes were in the journal before the repair. */
  readonly offset: number;
  readonly bytes: number;
  readonly reason: string;
}

export interface LostSequences {
  readonly runId: string;
  readonly streamId: string;
  readonly from: number;
  readonly to: number;
}

export interface RepairResult {
  readonly file: string;
  readonly keptRecords: number;
  readonly quarantined: readonly QuarantinedRegion[];
  /** Absent when nothing had to be quarantined (and the journal was left untouched). */
  readonly quarantineFile?: string;
  readonly lost: readonly LostSequences[];
  /** Runs whose lost DropRun record was written again. */
  readonly redropped: readonly string[];
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

const QUARANTINE_MAGIC = Buffer.from('SMSIMQ01', 'latin1');

type Step = { readonly keep: number; readonly length: number } | { readonly insert: Buffer };

function frame(payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** Writes `parts` to a new file at `path` and fsyncs it. */
function writeDurably(path: string, parts: Iterable<Buffer>): number {
  const fd = openSync(path, 'w');
  try {
    let pos = 0;
    for (const part of parts) pos += writeSync(fd, part, 0, part.length, pos);
    fsyncSync(fd);
    return pos;
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Walks the journal: what to keep, what to insert into holes, what to quarantine. */
function plan(fd: number, size: number) {
  const steps: Step[] = [];
  const quarantined: QuarantinedRegion[] = [];
  const lost: LostSequences[] = [];
  const redropped: string[] = [];
  /** The last sequence of each stream of each run, in journal order. */
  const last = new Map<string, Map<string, number>>();
  const streamsOf = (runId: string): Map<string, number> => {
    const m = last.get(runId) ?? new Map<string, number>();
    last.set(runId, m);
    return m;
  };
  for (const seg of walkJournal(fd, MAGIC.length, size)) {
    if (seg.kind === 'damaged') {
      quarantined.push({
        offset: seg.offset,
        bytes: seg.end - seg.offset,
        reason: seg.tornTail ? `${seg.reason} (a torn tail)` : seg.reason,
      });
      continue;
    }
    const bytes = HEADER_BYTES + seg.payload.length;
    let record: ReturnType<typeof decodeJournalRecord>;
    try {
      record = decodeJournalRecord(seg.payload);
    } catch (err) {
      const e = SmsimError.from(err);
      // Not damage but a newer smsim's record: leave the journal to the smsim that wrote it.
      if (e.code === 'SMSIM_ERR_JOURNAL_FAILED') throw new SmsimError(e.code, `record at byte ${seg.offset}: ${e.message}`, { cause: err });
      quarantined.push({ offset: seg.offset, bytes, reason: `a record with a valid checksum that cannot be read: ${e.message}` });
      continue;
    }
    if (record.kind === 'drop-run') last.delete(record.runId);
    else if (record.kind === 'lost') {
      const streams = streamsOf(record.runId);
      streams.set(record.streamId, Math.max(streams.get(record.streamId) ?? 0, record.to));
    } else {
      const { runId, streamId, sequence } = record.request;
      let streams = streamsOf(runId);
      if (sequence <= (streams.get(streamId) ?? 0)) {
        steps.push({ insert: encodeDropRunRecord(runId) });
        redropped.push(runId);
        last.delete(runId);
        streams = streamsOf(runId);
      }
      const through = streams.get(streamId) ?? 0;
      if (sequence > through + 1) {
        const hole = { runId, streamId, from: through + 1, to: sequence - 1 };
        steps.push({ insert: encodeLostRecord(runId, streamId, hole.from, hole.to) });
        lost.push(hole);
      }
      streams.set(streamId, sequence);
    }
    steps.push({ keep: seg.offset, length: bytes });
  }
  return { steps, quarantined, lost, redropped };
}

/** Repairs the journal in `dataDir` (see above); refused while a pipeline holds the data dir. */
export function repairJournal(dataDir: string, now: Date = new Date()): RepairResult {
  const file = join(dataDir, JOURNAL_FILE);
  if (!existsSync(file)) throw new SmsimError('SMSIM_ERR_JOURNAL_FAILED', `${file}: no journal to repair`, { details: { file } });
  const lock = acquireDataDirLock(dataDir, file);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const magic = Buffer.alloc(MAGIC.length);
    readFully(fd, magic, 0);
    if (size < MAGIC.length || !magic.equals(MAGIC)) {
      throw new SmsimError('SMSIM_ERR_JOURNAL_FAILED', `${file}: is not an smsim ingest journal (bad magic); refusing to touch it`, {
        details: { file },
      });
    }
    const { steps, quarantined, lost, redropped } = plan(fd, size);
    const keptRecords = steps.filter((s) => 'keep' in s).length;
    const result = { file, keptRecords, quarantined, lost, redropped, bytesBefore: size };
    if (quarantined.length === 0) return { ...result, bytesAfter: size };

    // The unreadable bytes are made durable elsewhere before they leave the journal.
    const quarantineFile = `${file}.quarantine-${now.toISOString().replace(/[:.]/g, '-')}`;
    const readFd = fd;
    writeDurably(
      quarantineFile,
      (function* () {
        yield QUARANTINE_MAGIC;
        for (const q of quarantined) {
          const meta = Buffer.from(JSON.stringify(q), 'utf8');
          const length = Buffer.allocUnsafe(4);
          length.writeUInt32LE(meta.length, 0);
          const bytes = Buffer.allocUnsafe(q.bytes);
          readFully(readFd, bytes, q.offset);
          yield length;
          yield meta;
          yield bytes;
        }
      })(),
    );
    const temp = `${file}.repair-tmp`;
    const bytesAfter = writeDurably(
      temp,
      (function* () {
        yield MAGIC;
        for (const step of steps) {
          if ('insert' in step) yield frame(step.insert);
          else {
            const bytes = Buffer.allocUnsafe(step.length);
            readFully(readFd, bytes, step.keep);
            yield bytes;
          }
        }
      })(),
    );
    renameSync(temp, file);
    fsyncDir(dirname(file));
    return { ...result, quarantineFile, bytesAfter };
  } finally {
    if (fd !== undefined) closeSync(fd);
    lock.release();
  }
}
