import { readSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/*
 * Reading the journal's framing (journal.ts writes it): an 8-byte magic, then records
 * `[u32 LE payload length][u32 LE CRC-32 of payload][payload]`. This walks a file and tells
 * intact records from damaged regions, and a torn tail (the end of a write a crash cut short)
 * from damage with intact records after it, which must never be cut off silently.
 */

export const MAGIC = Buffer.from('SMSIMJ01', 'latin1');
export const HEADER_BYTES = 8;
/** Larger than any envelope the server accepts; a bigger length can only be garbage. */
export const MAX_RECORD_BYTES = 1024 * 1024 * 1024;
/** Headers looked at per read while searching for the next intact record. */
const SCAN_WINDOW = 1024 * 1024;

export function readFully(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  readFully(fd, buf, position);
  return buf;
}

type Problem = 'short-header' | 'bad-length' | 'short-payload' | 'checksum';

type Probe =
  | { readonly ok: true; readonly payload: Buffer }
  | { readonly ok: false; readonly problem: Problem; readonly reason: string; readonly length: number; readonly checksum: number };

/** The record at `pos`, or what is wrong with it. */
function probeRecord(fd: number, pos: number, size: number): Probe {
  if (size - pos < HEADER_BYTES) {
    return { ok: false, problem: 'short-header', reason: `torn record header at byte ${pos}`, length: 0, checksum: 0 };
  }
  const header = readAt(fd, pos, HEADER_BYTES);
  const length = header.readUInt32LE(0);
  const checksum = header.readUInt32LE(4);
  const bad = (problem: Problem, reason: string): Probe => ({ ok: false, problem, reason, length, checksum });
  // The journal never writes an empty record, so a zero length (a zero-filled tail) is garbage.
  if (length === 0 || length > MAX_RECORD_BYTES) return bad('bad-length', `record length ${length} at byte ${pos} is not plausible`);
  const present = size - pos - HEADER_BYTES;
  if (present < length) return bad('short-payload', `record at byte ${pos} (${length} bytes announced, ${present} present)`);
  const payload = readAt(fd, pos + HEADER_BYTES, length);
  if (crc32(payload) !== checksum) return bad('checksum', `checksum mismatch in the record at byte ${pos}`);
  return { ok: true, payload };
}

/**
 * The offset of the first intact record (plausible length, matching CRC) starting in
 * `[from, size)`, or undefined. `hint` (where the record after a damaged one would start if its
 * length is right) is tried first; then every byte offset. A false match needs a CRC-32 to agree
 * by chance (2^-32 per candidate), and would only make damage of a torn tail: the safe side.
 */
function findNextRecord(fd: number, from: number, size: number, hint?: number): number | undefined {
  if (hint !== undefined && hint > from && probeRecord(fd, hint, size).ok) return hint;
  for (let start = from; start + HEADER_BYTES <= size; start += SCAN_WINDOW) {
    const buf = readAt(fd, start, Math.min(size - start, SCAN_WINDOW + HEADER_BYTES - 1));
    for (let i = 0; i < SCAN_WINDOW && i + HEADER_BYTES <= buf.length; i++) {
      const at = start + i;
      const length = buf.readUInt32LE(i);
      if (length === 0 || length > MAX_RECORD_BYTES || length > size - at - HEADER_BYTES) continue;
      const end = i + HEADER_BYTES + length;
      const payload = end <= buf.length ? buf.subarray(i + HEADER_BYTES, end) : readAt(fd, at + HEADER_BYTES, length);
      if (crc32(payload) === buf.readUInt32LE(i + 4)) return at;
    }
  }
  return undefined;
}

/**
 * Whether a bad record with no intact record after it is a torn tail: the end of a write a crash
 * cut short, which was never acked (an ack waits for the write, and unless fsync is `never` the
 * fdatasync, that covers the whole record).
 * - A short header, or a payload shorter than announced: a write cut short. Torn; unless the
 *   bytes present do match the checksum, which means the record is whole and its length field is
 *   what got damaged.
 * - A whole record whose checksum does not match: damage. A crash of the process cannot make
 *   one (the kernel keeps what was written, in order; a cut write is a short file). Only a power
 *   cut before the fdatasync (a record never acked) or a damaged disk can, and the two cannot be
 *   told apart, so it is refused rather than cut: `smsim journal repair` quarantines its bytes.
 */
function isTornTail(fd: number, pos: number, size: number, probe: Probe & { ok: false }): boolean {
  if (probe.problem === 'short-header') return true;
  if (probe.problem === 'checksum') return false;
  const present = size - pos - HEADER_BYTES;
  if (present <= 0 || present > MAX_RECORD_BYTES) return true;
  return crc32(readAt(fd, pos + HEADER_BYTES, present)) !== probe.checksum;
}

export type Segment =
  | { readonly kind: 'record'; readonly offset: number; readonly payload: Buffer }
  /** Bytes `[offset, end)` that hold no intact record; `tornTail` when they are a torn last write. */
  | { readonly kind: 'damaged'; readonly offset: number; readonly end: number; readonly reason: string; readonly tornTail: boolean };

/** Every intact record and every damaged region of `[from, size)`, in file order. */
export function* walkJournal(fd: number, from: number, size: number): Generator<Segment> {
  let pos = from;
  while (pos < size) {
    const probe = probeRecord(fd, pos, size);
    if (probe.ok) {
      yield { kind: 'record', offset: pos, payload: probe.payload };
      pos += HEADER_BYTES + probe.payload.length;
      continue;
    }
    const hint = probe.problem === 'checksum' ? pos + HEADER_BYTES + probe.length : undefined;
    const next = findNextRecord(fd, pos + 1, size, hint);
    const end = next ?? size;
    const tornTail = next === undefined && isTornTail(fd, pos, size, probe);
    const reason = tornTail && probe.problem === 'short-payload' ? `torn ${probe.reason}` : probe.reason;
    yield { kind: 'damaged', offset: pos, end, reason, tornTail };
    pos = end;
  }
}
