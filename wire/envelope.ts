import { SmsimError } from '../simulator/core/errors.js';
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './columnar-wire.js';
import { invalid } from './wire-invalid.js';
import { MAX_RUN_ID_BYTES, MAX_STREAM_ID_BYTES } from '../simulator/core/domain/wire-limits.js';

/**
 * The IngestRequest envelope, framed by hand so the exact batch bytes travel untouched and can
 * be hashed or journaled as received.
 */

// ---------------------------------------------------------------------------------------------
// Hand-framed protobuf primitives (IngestRequest envelope)

export function varintSize(v: number): number {
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    size++;
  }
  return size;
}

/** Writes a non-negative safe integer; division, not bit ops, because values pass 2^32. */
export function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[pos++] = v;
  return pos;
}

/** The same bytes as a Buffer, without a copy. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A forward-only reader over one message; every overrun is BATCH_INVALID, never a RangeError. */
class WireReader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  fail(reason: string): SmsimError {
    return invalid(`${this.what}: ${reason} at byte ${this.pos}`, { column: null, offset: this.pos });
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw this.fail('truncated varint');
      const b = this.buf[this.pos++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) throw this.fail('varint above 2^53');
        return value;
      }
      scale *= 0x80;
    }
    throw this.fail('varint longer than 10 bytes');
  }

  /**
   * Steps over a length-delimited value and returns where it starts (it ends at `pos`): no view
   * is made, so a message of a million tiny fields allocates nothing per field.
   */
  span(): number {
    const length = this.varint();
    const start = this.pos;
    const end = start + length;
    if (end > this.buf.length) throw this.fail(`length ${length} runs past the end`);
    this.pos = end;
    return start;
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_LEN) this.span();
    else if (wireType === WIRE_I64 || wireType === WIRE_I32) {
      const end = this.pos + (wireType === WIRE_I64 ? 8 : 4);
      if (end > this.buf.length) throw this.fail('truncated fixed field');
      this.pos = end;
    } else throw this.fail(`unsupported wire type ${wireType}`);
  }
}

/** Reads `event_count` (field 1) without decoding the columns: cheap counting of duplicates. */
export function peekEventCount(batchBytes: Uint8Array): number {
  try {
    const r = new WireReader(asBuffer(batchBytes), 'EventBatch');
    let count = 0;
    while (!r.done) {
      const tag = r.varint();
      if (tag === (1 << 3) + WIRE_VARINT) count = r.varint();
      else r.skip(tag & 7);
    }
    return count;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// IngestRequest envelope

export interface IngestRequest {
  /** The run the batch belongs to ("" for an emitter older than v1.1): streams are scoped by it. */
  readonly runId: string;
  readonly streamId: string;
  readonly sequence: number;
  /** The EventBatch exactly as received (a view into the message buffer, not a copy). */
  readonly batchBytes: Uint8Array;
}

const TAG_STREAM_ID = (1 << 3) | WIRE_LEN;
const TAG_SEQUENCE = (2 << 3) | WIRE_VARINT;
const TAG_BATCH = (3 << 3) | WIRE_LEN;
const TAG_RUN_ID = (4 << 3) | WIRE_LEN;

/**
 * Frames an already-encoded EventBatch as an IngestRequest, byte for byte what protobufjs would
 * write for {streamId, sequence, batch, runId} (fields in number order; proto3: empty strings
 * and 0 are omitted; the batch is always present). Returns a Buffer so grpc-js can send it
 * without another copy.
 */
export function encodeIngestRequest(streamId: string, sequence: number, batchBytes: Uint8Array, runId = ''): Buffer {
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new SmsimError('SMSIM_ERR_INTERNAL', `IngestRequest.sequence ${sequence} is not a non-negative integer`);
  }
  const idLength = Buffer.byteLength(streamId, 'utf8');
  const runLength = Buffer.byteLength(runId, 'utf8');
  const size =
    (idLength > 0 ? 1 + varintSize(idLength) + idLength : 0) +
    (sequence > 0 ? 1 + varintSize(sequence) : 0) +
    1 +
    varintSize(batchBytes.length) +
    batchBytes.length +
    (runLength > 0 ? 1 + varintSize(runLength) + runLength : 0);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  if (idLength > 0) {
    out[pos++] = TAG_STREAM_ID;
    pos = writeVarint(out, pos, idLength);
    pos += out.write(streamId, pos, 'utf8');
  }
  if (sequence > 0) {
    out[pos++] = TAG_SEQUENCE;
    pos = writeVarint(out, pos, sequence);
  }
  out[pos++] = TAG_BATCH;
  pos = writeVarint(out, pos, batchBytes.length);
  out.set(batchBytes, pos);
  pos += batchBytes.length;
  if (runLength > 0) {
    out[pos++] = TAG_RUN_ID;
    pos = writeVarint(out, pos, runLength);
    out.write(runId, pos, 'utf8');
  }
  return out;
}

/** An id past its wire limit: refused before it is turned into a string. */
function idTooLong(field: 'stream_id' | 'run_id', bytes: number, limit: number): SmsimError {
  return new SmsimError('SMSIM_ERR_LIMIT_EXCEEDED', `IngestRequest.${field} is ${bytes} bytes, over the limit of ${limit}`, {
    details: { field, bytes, limit },
  });
}

const EMPTY = Buffer.alloc(0);

/**
 * Parses an envelope in any field order, skipping unknown fields; problems are BATCH_INVALID, an
 * id past its limit (wire-limits.ts) LIMIT_EXCEEDED.
 *
 * Linear in the message size whatever its fields: a repeated string keeps its last value (proto3)
 * and is decoded once, at the end; a repeated batch (field 3) is an embedded message, which
 * protobuf merges, i.e. its pieces are concatenated, and that is done in one copy. Concatenating
 * piece by piece was quadratic: a 900 KB message of 2-byte pieces held the server for 9 s, 4 MiB
 * would for minutes.
 */
export function decodeIngestRequest(bytes: Uint8Array): IngestRequest {
  const buf = asBuffer(bytes);
  const r = new WireReader(buf, 'IngestRequest');
  let sequence = 0;
  // Where the last stream id / run id and the first batch piece lie: -1 = absent.
  let idStart = -1;
  let idEnd = 0;
  let runStart = -1;
  let runEnd = 0;
  let batchStart = -1;
  let batchEnd = 0;
  let batchPieces = 0;
  let batchTotal = 0;
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 0) throw r.fail('field number 0');
    if (field === 1 || field === 3 || field === 4) {
      if (wireType !== WIRE_LEN) throw r.fail(`field ${field} has wire type ${wireType}`);
      const start = r.span();
      if (field === 1) {
        idStart = start;
        idEnd = r.pos;
      } else if (field === 4) {
        runStart = start;
        runEnd = r.pos;
      } else {
        if (batchPieces++ === 0) {
          batchStart = start;
          batchEnd = r.pos;
        }
        batchTotal += r.pos - start;
      }
    } else if (field === 2) {
      if (wireType !== WIRE_VARINT) throw r.fail(`field 2 has wire type ${wireType}`);
      sequence = r.varint();
    } else {
      r.skip(wireType);
    }
  }
  if (idStart >= 0 && idEnd - idStart > MAX_STREAM_ID_BYTES) throw idTooLong('stream_id', idEnd - idStart, MAX_STREAM_ID_BYTES);
  if (runStart >= 0 && runEnd - runStart > MAX_RUN_ID_BYTES) throw idTooLong('run_id', runEnd - runStart, MAX_RUN_ID_BYTES);
  let batchBytes: Buffer = EMPTY;
  if (batchPieces === 1) batchBytes = buf.subarray(batchStart, batchEnd);
  else if (batchPieces > 1) batchBytes = mergeBatchPieces(buf, batchTotal);
  return {
    runId: runStart < 0 ? '' : buf.toString('utf8', runStart, runEnd),
    streamId: idStart < 0 ? '' : buf.toString('utf8', idStart, idEnd),
    sequence,
    batchBytes,
  };
}

/** The batch pieces of an envelope already parsed once, concatenated in order: one allocation, one pass. */
function mergeBatchPieces(buf: Buffer, total: number): Buffer {
  const out = Buffer.allocUnsafe(total);
  const r = new WireReader(buf, 'IngestRequest');
  let at = 0;
  while (!r.done) {
    const tag = r.varint();
    if (tag === TAG_BATCH) {
      const start = r.span();
      at += buf.copy(out, at, start, r.pos);
    } else r.skip(tag & 7);
  }
  return out;
}
