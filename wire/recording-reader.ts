import { type FileHandle, open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { FRAME_BYTES, MAX_RECORD_BYTES, recordingError } from './recording-format.js';

/** Bytes read at once: large reads keep a replay on the wire, not in read calls. */
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface FramedRecord {
  /** Where the record (its frame) starts in the file. */
  readonly offset: number;
  /** Its payload, CRC checked: a view into a buffer of its own chunk, never overwritten. */
  readonly payload: Buffer;
}

/**
 * Reads a recording's records one at a time between two offsets, without loading the file. A
 * record lying inside one chunk is handed out as a view into it (chunks are never reused, so the
 * payloads handed out before stay valid, e.g. batches still waiting for their acks); only a
 * record cut by a chunk's end is copied, into a buffer of its own. The next chunk is read ahead
 * while the caller works on this one.
 */
export class RecordReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** File offset of the next byte to hand out. */
  private at: number;
  private ahead: Promise<Buffer> | undefined;
  private readAt: number;

  private constructor(
    private readonly fh: FileHandle,
    readonly file: string,
    start: number,
    private readonly end: number,
    private readonly chunkBytes: number,
  ) {
    this.at = start;
    this.readAt = start;
  }

  /** Opens `file` to read the records in [start, end) (default: from `start` to its end). */
  static async open(file: string, start: number, end?: number, chunkBytes = CHUNK_BYTES): Promise<RecordReader> {
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      throw recordingError(
        'SMSIM_ERR_RECORDING_UNREADABLE',
        file,
        0,
        `cannot open it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        err,
      );
    }
    const size = end ?? (await fh.stat()).size;
    return new RecordReader(fh, file, start, size, chunkBytes);
  }

  /** The offset of the next record. */
  get offset(): number {
    return this.at;
  }

  /** The next record, or null at the end; a cut or damaged record is refused with its offset. */
  async next(): Promise<FramedRecord | null> {
    const offset = this.at;
    if (offset >= this.end) return null;
    if (offset + FRAME_BYTES > this.end)
      throw recordingError(
        'SMSIM_ERR_RECORDING_TRUNCATED',
        this.file,
        offset,
        `the file ends ${this.end - offset} bytes into a record's 8-byte frame`,
      );
    const frame = await this.read(FRAME_BYTES);
    const length = frame.readUInt32LE(0);
    const expected = frame.readUInt32LE(4);
    if (length === 0 || length > MAX_RECORD_BYTES)
      throw recordingError('SMSIM_ERR_RECORDING_INVALID', this.file, offset, `a record length of ${length} bytes: the frame is damaged`);
    if (this.at + length > this.end)
      throw recordingError(
        'SMSIM_ERR_RECORDING_TRUNCATED',
        this.file,
        offset,
        `the record is ${FRAME_BYTES + length} bytes but the file ends after ${this.end - offset}`,
      );
    const payload = await this.read(length);
    if (crc32(payload) !== expected)
      throw recordingError(
        'SMSIM_ERR_RECORDING_CHECKSUM',
        this.file,
        offset,
        "the record's CRC-32 does not match its bytes: the file is damaged",
      );
    return { offset, payload };
  }

  async close(): Promise<void> {
    await this.ahead?.catch(() => undefined);
    await this.fh.close();
  }

  /** The next n bytes (checked to lie before the end): a view, or a copy if they span chunks. */
  private async read(n: number): Promise<Buffer> {
    this.at += n;
    if (this.buf.length - this.pos >= n) {
      this.pos += n;
      return this.buf.subarray(this.pos - n, this.pos);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = this.buf.copy(out, 0, this.pos);
    while (filled < n) {
      this.buf = await this.take();
      this.pos = this.buf.copy(out, filled, 0, Math.min(this.buf.length, n - filled));
      filled += this.pos;
    }
    return out;
  }

  private prefetch(): void {
    if (this.ahead !== undefined || this.readAt >= this.end) return;
    const at = this.readAt;
    const want = Math.min(this.chunkBytes, this.end - at);
    this.readAt += want;
    this.ahead = this.readFully(at, want);
    // Awaited later by take(); until then a failed read must not count as unhandled.
    this.ahead.catch(() => undefined);
  }

  private async take(): Promise<Buffer> {
    this.prefetch();
    const chunk = await (this.ahead as Promise<Buffer>);
    this.ahead = undefined;
    this.prefetch();
    return chunk;
  }

  private async readFully(at: number, want: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.fh.read(out, got, want - got, at + got));
      } catch (err) {
        throw recordingError('SMSIM_ERR_RECORDING_UNREADABLE', this.file, at + got, `cannot read it: ${String(err)}`, err);
      }
      if (bytesRead === 0) throw recordingError('SMSIM_ERR_RECORDING_TRUNCATED', this.file, at + got, 'the file is shorter than it was');
      got += bytesRead;
    }
    return out;
  }
}
