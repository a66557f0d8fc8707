import { SmsimError } from '../simulator/core/errors.js';
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './columnar-wire.js';
import { invalid } from './wire-invalid.js';

/**
 * The IngestRequest envelope, framed by hand so the exact batch bytes travel untouched and can
 * be hashed or journaled as received (DESIGN.md §5).
 */

// ---------------------------------------------------------------------------------------------
// Hand-framed protobuf primitives (IngestRequest envelope)

function varintSize(v: number): number {
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    size++;
  }
  return size;
}

/** Writes a non-negative safe integer; division, not bit ops, because values pass 2^32. */
function writeVarint(buf: Uint8Array, pos: number, v: number): number {
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

  bytes(): Buffer {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.buf.length) throw this.fail(`length ${length} runs past the end`);
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_LEN) this.bytes();
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

/** Parses an envelope in any field order, skipping unknown fields; problems are BATCH_INVALID. */
export function decodeIngestRequest(bytes: Uint8Array): IngestRequest {
  const r = new WireReader(asBuffer(bytes), 'IngestRequest');
  let runId = '';
  let streamId = '';
  let sequence = 0;
  let batch: Buffer | undefined;
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 0) throw r.fail('field number 0');
    if (field === 1 || field === 3 || field === 4) {
      if (wireType !== WIRE_LEN) throw r.fail(`field ${field} has wire type ${wireType}`);
      const value = r.bytes();
      if (field === 1) streamId = value.toString('utf8');
      else if (field === 4) runId = value.toString('utf8');
      // A repeated embedded message merges; for protobuf bytes that is concatenation.
      else batch = batch === undefined ? value : Buffer.concat([batch, value]);
    } else if (field === 2) {
      if (wireType !== WIRE_VARINT) throw r.fail(`field 2 has wire type ${wireType}`);
      sequence = r.varint();
    } else {
      r.skip(wireType);
    }
  }
  return { runId, streamId, sequence, batchBytes: batch ?? new Uint8Array(0) };
}
