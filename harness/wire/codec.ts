import type { EventBatchView } from '../../simulator/core/domain/event-batch.js';
import { HOPS_PER_ALERT, isAlertKind, isIncidentKind } from '../../simulator/core/domain/event-batch.js';
import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';
import {
  DEVICE_TYPE_MAX,
  EVENT_KIND_MAX,
  NETWORK_MAX,
  OUTCOME_MAX,
  RESOLVER_GROUP_MAX,
} from '../../simulator/core/domain/vocabulary.js';
import { SmsimError } from '../../simulator/core/errors.js';
import { decodeColumnar, encodeColumnar, type DecodedColumns } from './columnar-codec.js';
import { protoTypes } from './proto-root.js';

/**
 * Codecs for the smsim.v1 wire contract. EventBatch, IngestAck and the Report messages use the
 * protobufjs reflected codecs (DESIGN.md §5: 3–4× faster than proto-loader objects). The Ingest
 * envelope is framed by hand so the exact batch bytes travel untouched and can be hashed or
 * journaled as received.
 */

/** More events than this in one batch is refused before any column is read (~1000 is normal). */
export const MAX_EVENTS_PER_BATCH = 100_000;

// ---------------------------------------------------------------------------------------------
// EventBatch

/**
 * EventBatch is the hot path: it has its own hand-written codec (columnar-codec.ts), byte-for-byte
 * compatible with protobufjs and tested against it.
 */
export function encodeEventBatch(view: EventBatchView): Uint8Array {
  return encodeColumnar(view);
}

function invalid(message: string, details: Record<string, unknown>, cause?: unknown): SmsimError {
  return new SmsimError('SMSIM_ERR_BATCH_INVALID', message, {
    details,
    ...(cause === undefined ? {} : { cause }),
  });
}

const DENSE_COLUMNS = [
  ['kind', 'kind'],
  ['timeDeltaMs', 'time_delta_ms'],
  ['device', 'device'],
  ['deviceType', 'device_type'],
  ['network', 'network'],
  ['code', 'code'],
  ['requestId', 'request_id'],
  ['user', 'user'],
  ['outcome', 'outcome'],
  ['ref', 'ref'],
  ['value', 'value'],
] as const;

/** Every value of `column` is an integer in [min, max]; names the first that is not. */
function checkRange(col: ArrayLike<number>, column: string, min: number, max: number): void {
  for (let i = 0; i < col.length; i++) {
    const v = col[i] as number;
    if (v < min || v > max) {
      throw invalid(`EventBatch.${column}[${i}] = ${v} is out of range ${min}..${max}`, {
        column,
        index: i,
        value: v,
      });
    }
  }
}

/** 64-bit columns decode to doubles: a value past 2^53 would silently lose digits, so refuse it. */
function checkSafe(col: ArrayLike<number>, column: string): void {
  for (let i = 0; i < col.length; i++) {
    const v = col[i] as number;
    if (!Number.isSafeInteger(v)) {
      throw invalid(`EventBatch.${column}[${i}] = ${v} is not an integer below 2^53`, {
        column,
        index: i,
        value: v,
      });
    }
  }
}

/**
 * Decodes and validates a batch; any problem (malformed protobuf included) is an
 * SMSIM_ERR_BATCH_INVALID naming the column and index, so a pipeline can reject it with a
 * message the emitter's author can act on.
 */
export function decodeEventBatch(bytes: Uint8Array): EventBatchView {
  let m: DecodedColumns;
  try {
    m = decodeColumnar(bytes);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw invalid(`EventBatch is not valid protobuf: ${reason}`, { column: null }, err);
  }
  const n = m.eventCount;
  if (n > MAX_EVENTS_PER_BATCH) {
    throw invalid(`EventBatch.event_count = ${n} exceeds the limit of ${MAX_EVENTS_PER_BATCH}`, {
      column: 'event_count',
      value: n,
    });
  }
  for (const [field, column] of DENSE_COLUMNS) {
    const length = m[field].length;
    if (length !== n) {
      throw invalid(`EventBatch.${column} has ${length} entries, event_count is ${n}`, {
        column,
        length,
        eventCount: n,
      });
    }
  }
  const dict = m.dictionary;
  if (dict.length > 0 && dict[0] !== '') {
    throw invalid(`EventBatch.dictionary[0] must be "" (no code)`, { column: 'dictionary', index: 0 });
  }
  if (!Number.isSafeInteger(m.baseTimeMs)) {
    throw invalid(`EventBatch.base_time_ms = ${m.baseTimeMs} is not an integer below 2^53`, {
      column: 'base_time_ms',
      value: m.baseTimeMs,
    });
  }
  checkRange(m.kind, 'kind', 1, EVENT_KIND_MAX);
  checkRange(m.deviceType, 'device_type', 0, DEVICE_TYPE_MAX);
  checkRange(m.network, 'network', 0, NETWORK_MAX);
  checkRange(m.outcome, 'outcome', 0, OUTCOME_MAX);
  checkRange(m.code, 'code', 0, dict.length - 1);
  checkRange(m.resolverGroup, 'resolver_group', 0, RESOLVER_GROUP_MAX);
  checkSafe(m.timeDeltaMs, 'time_delta_ms');
  checkSafe(m.device, 'device');
  checkSafe(m.requestId, 'request_id');
  checkSafe(m.ref, 'ref');
  checkSafe(m.value, 'value');
  checkSafe(m.hopDeltaMs, 'hop_delta_ms');
  let alerts = 0;
  let incidents = 0;
  for (let i = 0; i < n; i++) {
    const k = m.kind[i] as number;
    if (isAlertKind(k)) alerts++;
    else if (isIncidentKind(k)) incidents++;
    // An event time must be representable too, not just its delta.
    const t = m.baseTimeMs + (m.timeDeltaMs[i] as number);
    if (!Number.isSafeInteger(t)) {
      throw invalid(`EventBatch.time_delta_ms[${i}]: event time ${t} is not an integer below 2^53`, {
        column: 'time_delta_ms',
        index: i,
      });
    }
  }
  if (m.hopDeltaMs.length !== alerts * HOPS_PER_ALERT) {
    throw invalid(
      `EventBatch.hop_delta_ms has ${m.hopDeltaMs.length} entries, expected ${HOPS_PER_ALERT} × ${alerts} alert events`,
      { column: 'hop_delta_ms', length: m.hopDeltaMs.length, alerts },
    );
  }
  if (m.resolverGroup.length !== incidents) {
    throw invalid(
      `EventBatch.resolver_group has ${m.resolverGroup.length} entries, expected one per incident event (${incidents})`,
      { column: 'resolver_group', length: m.resolverGroup.length, incidents },
    );
  }
  return {
    eventCount: n,
    baseTimeMs: m.baseTimeMs,
    dictionary: dict,
    kind: m.kind,
    timeDeltaMs: m.timeDeltaMs,
    device: m.device,
    deviceType: m.deviceType,
    network: m.network,
    code: m.code,
    requestId: m.requestId,
    user: m.user,
    outcome: m.outcome,
    ref: m.ref,
    value: m.value,
    hopDeltaMs: m.hopDeltaMs,
    resolverGroup: m.resolverGroup,
  };
}

// ---------------------------------------------------------------------------------------------
// Hand-framed protobuf primitives (IngestRequest envelope)

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

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

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A forward-only reader over one message; every overrun is BATCH_INVALID, never a RangeError. */
class WireReader {
  pos = 0;
  constructor(readonly buf: Buffer, private readonly what: string) {}

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
    else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      const end = this.pos + (wireType === WIRE_FIXED64 ? 8 : 4);
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
  readonly streamId: string;
  readonly sequence: number;
  /** The EventBatch exactly as received (a view into the message buffer, not a copy). */
  readonly batchBytes: Uint8Array;
}

const TAG_STREAM_ID = (1 << 3) | WIRE_LEN;
const TAG_SEQUENCE = (2 << 3) | WIRE_VARINT;
const TAG_BATCH = (3 << 3) | WIRE_LEN;

/**
 * Frames an already-encoded EventBatch as an IngestRequest, byte for byte what protobufjs would
 * write for {streamId, sequence, batch} (proto3: empty string and 0 are omitted; the batch is
 * always present). Returns a Buffer so grpc-js can send it without another copy.
 */
export function encodeIngestRequest(streamId: string, sequence: number, batchBytes: Uint8Array): Buffer {
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new SmsimError('SMSIM_ERR_INTERNAL', `IngestRequest.sequence ${sequence} is not a non-negative integer`);
  }
  const idLength = Buffer.byteLength(streamId, 'utf8');
  const size =
    (idLength > 0 ? 1 + varintSize(idLength) + idLength : 0) +
    (sequence > 0 ? 1 + varintSize(sequence) : 0) +
    1 +
    varintSize(batchBytes.length) +
    batchBytes.length;
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
  return out;
}

/** Parses an envelope in any field order, skipping unknown fields; problems are BATCH_INVALID. */
export function decodeIngestRequest(bytes: Uint8Array): IngestRequest {
  const r = new WireReader(asBuffer(bytes), 'IngestRequest');
  let streamId = '';
  let sequence = 0;
  let batch: Buffer | undefined;
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 0) throw r.fail('field number 0');
    if (field === 1 || field === 3) {
      if (wireType !== WIRE_LEN) throw r.fail(`field ${field} has wire type ${wireType}`);
      const value = r.bytes();
      if (field === 1) streamId = value.toString('utf8');
      // A repeated embedded message merges; for protobuf bytes that is concatenation.
      else batch = batch === undefined ? value : Buffer.concat([batch, value]);
    } else if (field === 2) {
      if (wireType !== WIRE_VARINT) throw r.fail(`field 2 has wire type ${wireType}`);
      sequence = r.varint();
    } else {
      r.skip(wireType);
    }
  }
  return { streamId, sequence, batchBytes: batch ?? new Uint8Array(0) };
}

// ---------------------------------------------------------------------------------------------
// IngestAck, ReportRequest, ReportResponse

export const AckStatus = { OK: 0, OUT_OF_ORDER: 1, REJECTED: 2 } as const;
export type AckStatus = (typeof AckStatus)[keyof typeof AckStatus];

export interface IngestAck {
  readonly streamId: string;
  readonly ackedThrough: number;
  readonly status: AckStatus;
  readonly sequence: number;
  readonly message: string;
}

export interface StreamStats {
  readonly streamId: string;
  readonly ackedThrough: number;
  readonly eventsAccepted: number;
}

export interface IngestStats {
  readonly batchesAccepted: number;
  readonly eventsAccepted: number;
  readonly duplicateBatches: number;
  readonly duplicateEvents: number;
  readonly rejectedBatches: number;
  readonly rejectedEvents: number;
  readonly streams: readonly StreamStats[];
}

export interface ReportRequest {
  readonly asOfMs: number;
}

export interface ReportResponse {
  readonly metrics: MetricSample[];
  readonly stats: IngestStats;
}

export function encodeIngestAck(ack: IngestAck): Uint8Array {
  return protoTypes().IngestAck.encode(ack).finish();
}

/** Decodes with protobufjs, then copies into a plain object (no prototype-held defaults). */
function decodeWith<T>(type: 'IngestAck' | 'ReportRequest' | 'ReportResponse', bytes: Uint8Array): T {
  const t = protoTypes()[type];
  try {
    return t.toObject(t.decode(bytes), { defaults: true, arrays: true, objects: true }) as T;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw invalid(`${type} is not valid protobuf: ${reason}`, { column: null }, err);
  }
}

export function decodeIngestAck(bytes: Uint8Array): IngestAck {
  const a = decodeWith<IngestAck>('IngestAck', bytes);
  const status = a.status;
  if (status !== AckStatus.OK && status !== AckStatus.OUT_OF_ORDER && status !== AckStatus.REJECTED) {
    throw invalid(`IngestAck.status ${String(status)} is unknown`, { column: 'status' });
  }
  return a;
}

export function encodeReportRequest(request: ReportRequest): Uint8Array {
  return protoTypes().ReportRequest.encode(request).finish();
}

export function decodeReportRequest(bytes: Uint8Array): ReportRequest {
  return decodeWith<ReportRequest>('ReportRequest', bytes);
}

export function encodeReportResponse(response: ReportResponse): Uint8Array {
  return protoTypes().ReportResponse.encode(response).finish();
}

export function decodeReportResponse(bytes: Uint8Array): ReportResponse {
  const r = decodeWith<{ metrics: MetricSample[]; stats: IngestStats | null }>('ReportResponse', bytes);
  return { metrics: r.metrics, stats: r.stats ?? emptyIngestStats() };
}

export function emptyIngestStats(): IngestStats {
  return {
    batchesAccepted: 0,
    eventsAccepted: 0,
    duplicateBatches: 0,
    duplicateEvents: 0,
    rejectedBatches: 0,
    rejectedEvents: 0,
    streams: [],
  };
}
