import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { recordingError } from './recording-format.js';

/** Bytes gathered before one write: a batch record is ~40-65 KB, so ~16-25 records a write. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Appends records to a file through one buffer, with synchronous writes: it runs on a simulator
 * worker's thread (one per shard being recorded), where a write to the page cache costs less
 * than the promise an asynchronous one would need, and the run's own pipeline is not blocked.
 */
export class RecordAppender {
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private closed = false;
  /** Bytes appended so far (written or buffered). */
  bytes = 0;

  private constructor(
    private readonly fd: number,
    readonly file: string,
  ) {}

  /** Creates (or empties) `file`; 'a' appends to what it holds. */
  static open(file: string, flags: 'w' | 'a' = 'w'): RecordAppender {
    try {
      return new RecordAppender(openSync(file, flags), file);
    } catch (err) {
      throw recordingError(
        'SMSIM_ERR_RECORDING_UNREADABLE',
        file,
        0,
        `cannot write it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        err,
      );
    }
  }

  /** Appends the pieces of one record (e.g. a batch record's head, then the batch bytes). */
  append(...pieces: readonly Uint8Array[]): void {
    for (const piece of pieces) {
      if (piece.byteLength > CHUNK_BYTES - this.used) {
        this.flush();
        if (piece.byteLength > CHUNK_BYTES) {
          this.write(piece);
          this.bytes += piece.byteLength;
          continue;
        }
      }
      this.chunk.set(piece, this.used);
      this.used += piece.byteLength;
      this.bytes += piece.byteLength;
    }
  }

  flush(): void {
    if (this.used === 0) return;
    this.write(this.chunk.subarray(0, this.used));
    this.used = 0;
  }

  /** Flushes, optionally fsyncs, and closes; closing again does nothing. */
  close(sync = false): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
      if (sync) fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }

  private write(bytes: Uint8Array): void {
    let done = 0;
    try {
      while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done);
    } catch (err) {
      throw recordingError(
        'SMSIM_ERR_RECORDING_UNREADABLE',
        this.file,
        this.bytes,
        `cannot write it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        err,
      );
    }
  }
}
