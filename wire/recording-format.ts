import { crc32 } from 'node:zlib';
import type { MetricSample } from '../simulator/core/domain/metrics/metric-table.js';
import { type ErrorCode, SmsimError } from '../simulator/core/errors.js';
import { varintSize, writeVarint } from './envelope.js';
import { protoTypes } from './proto-root.js';

/*
 * The recording format (proto/smsim/v1/recording.proto, docs/recording.md): a preamble, then
 * records framed as [uint32 LE length][uint32 LE CRC-32][payload = RecordingRecord].
 *
 * CRC-32 (IEEE, zlib's): node:zlib has it natively, and so does every language's standard
 * library (Python zlib.crc32, Go hash/crc32.ChecksumIEEE, Java CRC32), so a reader elsewhere
 * needs no table of its own; a record is at most a few MiB, well inside what a 32-bit check
 * guards against random damage. It detects damage, not tampering: the trailer's sha256
 * fingerprints, recomputed on replay, cover the batches themselves.
 */

export const RECORDING_MAGIC = Buffer.from('SMSIMREC', 'latin1');
export const RECORDING_FORMAT_VERSION = 1;
export const PREAMBLE_BYTES = 12;
export const FRAME_BYTES = 8;
/** Largest payload a reader accepts: a length past it is damage, not a record to allocate for. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export interface RecordingHeader {
  readonly formatVersion: number;
  readonly smsimVersion: string;
  readonly scenarioName: string;
  readonly scenarioSha256: string;
  readonly resolvedScenarioJson: string;
  readonly seed: string;
  readonly shardCount: number;
  readonly shards: readonly number[];
  readonly batchSize: number;
}

export interface RecordedShard {
  readonly shard: number;
  readonly batches: number;
  readonly events: number;
  readonly batchBytes: number;
  readonly fingerprint: string;
  readonly offset: number;
  readonly length: number;
  readonly figuresOffset: number;
}

export interface RecordedShardFigures {
  readonly shard: number;
  readonly truth: readonly MetricSample[];
  readonly observed: readonly MetricSample[];
}

export interface RecordingTrailer {
  readonly shards: readonly RecordedShard[];
  readonly fingerprint: string;
  readonly batches: number;
  readonly events: number;
}

export interface RecordedBatch {
  readonly shard: number;
  readonly sequence: number;
  readonly eventCount: number;
  readonly baseTimeMs: number;
  /** The encoded EventBatch, a view into the bytes read (never a copy). */
  readonly eventBatch: Buffer;
}

export type DecodedRecord =
  | { readonly kind: 'header'; readonly header: RecordingHeader }
  | { readonly kind: 'batch'; readonly batch: RecordedBatch }
  | { readonly kind: 'figures'; readonly figures: RecordedShardFigures }
  | { readonly kind: 'trailer'; readonly trailer: RecordingTrailer };

/** Every recording error names the file and the byte offset it is about. */
export function recordingError(code: ErrorCode, file: string, offset: number, message: string, cause?: unknown): SmsimError {
  return new SmsimError(code, `recording ${file}: ${message} (at byte ${offset})`, {
    details: { file, offset },
    ...(cause === undefined ? {} : { cause }),
  });
}

export function encodePreamble(): Buffer {
  const b = Buffer.alloc(PREAMBLE_BYTES);
  RECORDING_MAGIC.copy(b, 0);
  b.writeUInt32LE(RECORDING_FORMAT_VERSION, 8);
  return b;
}

/** Refuses anything but a recording of the version this smsim reads. */
export function checkPreamble(bytes: Buffer, file: string): void {
  if (bytes.length < RECORDING_MAGIC.length || !bytes.subarray(0, RECORDING_MAGIC.length).equals(RECORDING_MAGIC)) {
    if (bytes.length < RECORDING_MAGIC.length && RECORDING_MAGIC.subarray(0, bytes.length).equals(bytes))
      throw recordingError('SMSIM_ERR_RECORDING_TRUNCATED', file, 0, `the file is ${bytes.length} bytes, shorter than its preamble`);
    throw recordingError('SMSIM_ERR_RECORDING_FOREIGN', file, 0, 'not an smsim recording: it does not start with "SMSIMREC"');
  }
  if (bytes.length < PREAMBLE_BYTES)
    throw recordingError('SMSIM_ERR_RECORDING_TRUNCATED', file, 0, `the file is ${bytes.length} bytes, shorter than its preamble`);
  const version = bytes.readUInt32LE(8);
  if (version !== RECORDING_FORMAT_VERSION) {
    const e = recordingError(
      'SMSIM_ERR_RECORDING_VERSION',
      file,
      8,
      `format version ${version}; this smsim reads version ${RECORDING_FORMAT_VERSION}`,
    );
    throw new SmsimError(e.code, e.message, { details: { ...e.details, version } });
  }
}

/** Frames one payload: its length, its CRC-32, then itself. */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_BYTES + payload.byteLength);
  out.writeUInt32LE(payload.byteLength, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, FRAME_BYTES);
  return out;
}

/**
 * The frame and the payload's head of a batch record (RecordingRecord.batch), everything but
 * the batch bytes, which follow it unchanged: the writer never copies a batch to frame it. The
 * bytes are the message's canonical protobuf encoding (zero fields omitted, fields in number
 * order), as protobufjs writes it.
 */
export function batchRecordHead(shard: number, sequence: number, eventCount: number, baseTimeMs: number, batch: Uint8Array): Buffer {
  const n = batch.byteLength;
  const inner =
    (shard === 0 ? 0 : 1 + varintSize(shard)) +
    (sequence === 0 ? 0 : 1 + varintSize(sequence)) +
    (eventCount === 0 ? 0 : 1 + varintSize(eventCount)) +
    (baseTimeMs === 0 ? 0 : 1 + varintSize(baseTimeMs)) +
    (n === 0 ? 0 : 1 + varintSize(n) + n);
  const headLen = 1 + varintSize(inner) + inner - n;
  const head = Buffer.allocUnsafe(FRAME_BYTES + headLen);
  let p = FRAME_BYTES;
  const field = (tag: number, v: number): void => {
    if (v === 0) return;
    head[p] = tag;
    p = writeVarint(head, p + 1, v);
  };
  head[p] = 0x12;
  p = writeVarint(head, p + 1, inner);
  field(0x08, shard);
  field(0x10, sequence);
  field(0x18, eventCount);
  field(0x20, baseTimeMs);
  field(0x2a, n);
  head.writeUInt32LE(headLen + n, 0);
  head.writeUInt32LE(crc32(batch, crc32(head.subarray(FRAME_BYTES, p))), 4);
  return head;
}

export function encodeHeaderRecord(header: RecordingHeader): Buffer {
  return frameRecord(protoTypes().RecordingRecord.encode({ header }).finish());
}

export function encodeFiguresRecord(shardFigures: RecordedShardFigures): Buffer {
  return frameRecord(protoTypes().RecordingRecord.encode({ shardFigures }).finish());
}

export function encodeTrailerRecord(trailer: RecordingTrailer): Buffer {
  return frameRecord(protoTypes().RecordingRecord.encode({ trailer }).finish());
}

/**
 * The shard of a shard-figures record, read without decoding its figures: checking a file needs
 * only where each record belongs, and the replay's workers decode each shard's figures in
 * parallel with sending.
 */
export function figuresShardOf(payload: Buffer, file: string, offset: number): number {
  let p = 1;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8 && p < payload.length; i++) {
      const b = payload[p++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
    throw recordingError('SMSIM_ERR_RECORDING_INVALID', file, offset, 'shard figures record: a damaged varint');
  };
  const inner = varint();
  if (p + inner !== payload.length)
    throw recordingError(
      'SMSIM_ERR_RECORDING_INVALID',
      file,
      offset,
      `shard figures record: the message is ${inner} bytes, the record holds ${payload.length - p}`,
    );
  // Field 1 (shard) comes first when it is set; shard 0 leaves it out.
  if (payload[p] !== 0x08) return 0;
  p++;
  return varint();
}

/** Decodes one record's payload (its CRC already checked); `offset` is the record's, for errors. */
export function decodeRecord(payload: Buffer, file: string, offset: number): DecodedRecord {
  // Batch records, the hot path, are read by hand: the batch stays a view into the read buffer.
  if (payload[0] === 0x12) return { kind: 'batch', batch: decodeBatchRecord(payload, file, offset) };
  let m: Record<string, unknown>;
  try {
    const t = protoTypes().RecordingRecord;
    m = t.toObject(t.decode(payload), { defaults: true, arrays: true, objects: true });
  } catch (err) {
    throw recordingError('SMSIM_ERR_RECORDING_INVALID', file, offset, `the record is not a RecordingRecord: ${String(err)}`, err);
  }
  if (m.header !== undefined && m.header !== null) return { kind: 'header', header: m.header as RecordingHeader };
  if (m.shardFigures !== undefined && m.shardFigures !== null) return { kind: 'figures', figures: m.shardFigures as RecordedShardFigures };
  if (m.trailer !== undefined && m.trailer !== null) return { kind: 'trailer', trailer: m.trailer as RecordingTrailer };
  throw recordingError('SMSIM_ERR_RECORDING_INVALID', file, offset, 'the record holds no header, batch, shard figures or trailer');
}

function decodeBatchRecord(payload: Buffer, file: string, offset: number): RecordedBatch {
  const end = payload.length;
  let p = 1;
  const fail = (why: string): SmsimError => recordingError('SMSIM_ERR_RECORDING_INVALID', file, offset, `batch record: ${why}`);
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= end) throw fail('truncated varint');
      const b = payload[p++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
    throw fail('varint longer than 53 bits');
  };
  const inner = varint();
  if (p + inner !== payload.length) throw fail(`the batch message is ${inner} bytes, the record holds ${payload.length - p}`);
  let shard = 0;
  let sequence = 0;
  let eventCount = 0;
  let baseTimeMs = 0;
  let eventBatch = payload.subarray(0, 0);
  while (p < end) {
    const tag = varint();
    const wireType = tag & 7;
    if (wireType === 0) {
      const v = varint();
      if (tag === 0x08) shard = v;
      else if (tag === 0x10) sequence = v;
      else if (tag === 0x18) eventCount = v;
      else if (tag === 0x20) baseTimeMs = v;
    } else if (wireType === 2) {
      const len = varint();
      if (p + len > end) throw fail('a field runs past the record');
      if (tag === 0x2a) eventBatch = payload.subarray(p, p + len);
      p += len;
    } else throw fail(`wire type ${wireType} is not used by RecordedBatch`);
  }
  return { shard, sequence, eventCount, baseTimeMs, eventBatch };
}
