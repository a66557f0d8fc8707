import type { EventBatchView } from '../../simulator/core/domain/event-batch.js';

/*
 * A hand-written codec for smsim.v1.EventBatch: the hot path of every run (each event is encoded
 * once in a worker and decoded once in the pipeline).
 *
 * Why by hand: protobufjs writes and reads every 64-bit field through its LongBits helpers, one
 * object and several calls per value, and decodes packed columns into growing JS arrays. Here
 * columns go straight from and into typed arrays, with a fast path for varints below 2^28.
 * Measured on this machine (`node dist/bench/codec.js`): see README, Performance notes.
 *
 * The bytes are exactly protobufjs's (fields in number order, packed repeated fields, empty
 * ones omitted, enums as int32 varints), and the decoder reads any valid encoding of the
 * message: packed or unpacked repeated fields, any field order, unknown fields skipped. A test
 * checks both against protobufjs on random batches.
 */

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

function varintSize(v: number): number {
  if (v < 128) return 1;
  if (v < 16_384) return 2;
  if (v < 2_097_152) return 3;
  if (v < 268_435_456) return 4;
  let n = 4;
  let x = Math.floor(v / 268_435_456);
  while (x > 0) {
    n++;
    x = Math.floor(x / 128);
  }
  return n;
}

/** Magnitudes from here on overflow a double's 53 bits when zigzagged: they go through BigInt. */
const ZIGZAG_EXACT_LIMIT = 2 ** 52;

/** ZigZag of an integer of magnitude below 2^52, as a non-negative double (exact). */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function zigzagBig(v: number): bigint {
  const b = BigInt(v);
  return b >= 0n ? b << 1n : (-b << 1n) - 1n;
}

function bigVarintSize(v: bigint): number {
  let n = 1;
  while (v >= 128n) {
    v >>= 7n;
    n++;
  }
  return n;
}

function zigzagSize(v: number): number {
  return v < ZIGZAG_EXACT_LIMIT && v > -ZIGZAG_EXACT_LIMIT ? varintSize(zigzag(v)) : bigVarintSize(zigzagBig(v));
}

class ByteWriter {
  readonly buf: Uint8Array;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  varint(v: number): void {
    const buf = this.buf;
    let p = this.pos;
    if (v < 268_435_456) {
      // Integer fast path: below 2^28 bitwise operators are exact.
      while (v >= 128) {
        buf[p++] = (v & 127) | 128;
        v >>>= 7;
      }
      buf[p++] = v;
    } else {
      while (v >= 128) {
        buf[p++] = (v % 128) | 128;
        v = Math.floor(v / 128);
      }
      buf[p++] = v;
    }
    this.pos = p;
  }

  /** An int64 varint: negative values take ten bytes, two's complement (as protobuf encodes them). */
  int64(v: number): void {
    if (v >= 0) return this.varint(v);
    let big = BigInt.asUintN(64, BigInt(v));
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = Number(big & 127n) | 128;
      big >>= 7n;
    }
    this.buf[this.pos++] = Number(big);
  }

  /** A sint64 (ZigZag) varint of any safe integer. */
  sint64(v: number): void {
    if (v < ZIGZAG_EXACT_LIMIT && v > -ZIGZAG_EXACT_LIMIT) return this.varint(zigzag(v));
    let big = zigzagBig(v);
    while (big >= 128n) {
      this.buf[this.pos++] = Number(big & 127n) | 128;
      big >>= 7n;
    }
    this.buf[this.pos++] = Number(big);
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

function int64Size(v: number): number {
  return v >= 0 ? varintSize(v) : 10;
}

type Column = ArrayLike<number>;
type Transform = 0 | 1; // 0 = as is (uint / enum), 1 = zigzag (sint64)

/** Field number, column, transform — in field-number order, as protobufjs writes them. */
function columnsOf(v: EventBatchView): ReadonlyArray<readonly [number, Column, Transform]> {
  return [
    [4, v.kind, 0],
    [5, v.timeDeltaMs, 1],
    [6, v.device, 0],
    [7, v.deviceType, 0],
    [8, v.network, 0],
    [9, v.code, 0],
    [10, v.requestId, 0],
    [11, v.user, 0],
    [12, v.outcome, 0],
    [13, v.ref, 0],
    [14, v.value, 1],
    [15, v.hopDeltaMs, 1],
    [16, v.resolverGroup, 0],
  ];
}

function packedSize(col: Column, zz: Transform): number {
  let size = 0;
  const n = col.length;
  if (zz === 1) for (let i = 0; i < n; i++) size += zigzagSize(col[i] as number);
  else for (let i = 0; i < n; i++) size += varintSize(col[i] as number);
  return size;
}

const utf8 = new TextEncoder();

/**
 * Encodes a batch. Column values must be non-negative integers below 2^53 (sint64 columns: any
 * safe integer); the builder and the decoder guarantee it.
 */
export function encodeColumnar(v: EventBatchView): Uint8Array {
  const dict = v.dictionary.map((s) => utf8.encode(s));
  const cols = columnsOf(v);
  const payload = new Array<number>(cols.length);
  // Fields 1 and 2 are written even when 0, as protobufjs writes every field a message sets.
  let size = 1 + varintSize(v.eventCount) + 1 + int64Size(v.baseTimeMs);
  for (const d of dict) size += 1 + varintSize(d.length) + d.length;
  cols.forEach(([field, col, zz], i) => {
    if (col.length === 0) return;
    const p = packedSize(col, zz);
    payload[i] = p;
    size += varintSize(field << 3) + varintSize(p) + p;
  });
  const w = new ByteWriter(size);
  w.varint((1 << 3) | WIRE_VARINT);
  w.varint(v.eventCount);
  w.varint((2 << 3) | WIRE_VARINT);
  w.int64(v.baseTimeMs);
  for (const d of dict) {
    w.varint((3 << 3) | WIRE_LEN);
    w.varint(d.length);
    w.bytes(d);
  }
  cols.forEach(([field, col, zz], i) => {
    if (col.length === 0) return;
    w.varint((field << 3) | WIRE_LEN);
    w.varint(payload[i] as number);
    const n = col.length;
    if (zz === 1) for (let j = 0; j < n; j++) w.sint64(col[j] as number);
    else for (let j = 0; j < n; j++) w.varint(col[j] as number);
  });
  return w.buf;
}

/** Thrown for bytes that are not a valid EventBatch encoding; the caller names it for people. */
export class MalformedBatch extends Error {}

/** The decoded message: columns as Float64Arrays (exact for every value below 2^53). */
export interface DecodedColumns {
  eventCount: number;
  baseTimeMs: number;
  dictionary: string[];
  kind: Float64Array;
  timeDeltaMs: Float64Array;
  device: Float64Array;
  deviceType: Float64Array;
  network: Float64Array;
  code: Float64Array;
  requestId: Float64Array;
  user: Float64Array;
  outcome: Float64Array;
  ref: Float64Array;
  value: Float64Array;
  hopDeltaMs: Float64Array;
  resolverGroup: Float64Array;
}

const COLUMN_NAMES = [
  'kind',
  'timeDeltaMs',
  'device',
  'deviceType',
  'network',
  'code',
  'requestId',
  'user',
  'outcome',
  'ref',
  'value',
  'hopDeltaMs',
  'resolverGroup',
] as const;
/** Fields 4–16 in order; sint64 columns are zigzag-decoded. */
const ZIGZAG = new Set([5, 14, 15]);
/** Enum columns (int32 on the wire): kind, device_type, network, outcome, resolver_group. */
const ENUMS = new Set([4, 7, 8, 12, 16]);
const FIRST_COLUMN = 4;
const LAST_COLUMN = 16;

class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  /**
   * The exact value of the last varint past 2^53 (`varint()` then returns it rounded), so a
   * caller can read it as int64 / int32 (negative two's complement) or refuse it by name.
   */
  big = 0n;

  /** A varint as a double: exact below 2^53; above, rounded, with the exact value in `big`. */
  varint(): number {
    const buf = this.buf;
    let p = this.pos;
    let b = buf[p++];
    if (b === undefined) throw new MalformedBatch('truncated varint');
    if (b < 128) {
      this.pos = p;
      return b;
    }
    let v = b & 127;
    let mul = 128;
    for (let i = 1; i < 10; i++) {
      b = buf[p++];
      if (b === undefined) throw new MalformedBatch('truncated varint');
      v += (b & 127) * mul;
      if (b < 128) {
        if (v > Number.MAX_SAFE_INTEGER) this.big = exactVarint(buf, this.pos, p);
        this.pos = p;
        return v;
      }
      mul *= 128;
    }
    throw new MalformedBatch('varint longer than 10 bytes');
  }

  /** A varint read as int64 / int32: a ten-byte two's complement value is negative. */
  signed(): number {
    const v = this.varint();
    return v > Number.MAX_SAFE_INTEGER ? Number(BigInt.asIntN(64, this.big)) : v;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.advance(this.varint());
        return;
      case WIRE_I32:
        this.advance(4);
        return;
      default:
        throw new MalformedBatch(`unsupported wire type ${wireType}`);
    }
  }

  advance(n: number): void {
    if (this.pos + n > this.buf.length) throw new MalformedBatch('truncated field');
    this.pos += n;
  }
}

function exactVarint(buf: Uint8Array, from: number, to: number): bigint {
  let v = 0n;
  for (let i = to - 1; i >= from; i--) v = (v << 7n) | BigInt((buf[i] as number) & 127);
  return v;
}

function countVarints(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((buf[i] as number) < 128) n++;
  return n;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes EventBatch bytes into typed-array columns; throws MalformedBatch on bad bytes. */
export function decodeColumnar(bytes: Uint8Array): DecodedColumns {
  // Pass 1: count each column's values (packed runs and unpacked singles), so pass 2 fills
  // exactly-sized arrays without growing anything.
  const counts = new Array<number>(LAST_COLUMN + 1).fill(0);
  const r = new ByteReader(bytes);
  while (r.pos < bytes.length) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field >= FIRST_COLUMN && field <= LAST_COLUMN) {
      if (wire === WIRE_LEN) {
        const len = r.varint();
        const end = r.pos + len;
        if (end > bytes.length) throw new MalformedBatch('truncated field');
        if (len > 0 && (bytes[end - 1] as number) >= 128) throw new MalformedBatch(`field ${field}: truncated varint`);
        counts[field] = (counts[field] as number) + countVarints(bytes, r.pos, end);
        r.pos = end;
        continue;
      }
      if (wire === WIRE_VARINT) {
        r.varint();
        counts[field] = (counts[field] as number) + 1;
        continue;
      }
      throw new MalformedBatch(`field ${field} has wire type ${wire}, expected a varint or packed varints`);
    }
    if (field === 0) throw new MalformedBatch('field number 0');
    r.skip(wire);
  }

  const out: DecodedColumns = {
    eventCount: 0,
    baseTimeMs: 0,
    dictionary: [],
    kind: new Float64Array(counts[4] as number),
    timeDeltaMs: new Float64Array(counts[5] as number),
    device: new Float64Array(counts[6] as number),
    deviceType: new Float64Array(counts[7] as number),
    network: new Float64Array(counts[8] as number),
    code: new Float64Array(counts[9] as number),
    requestId: new Float64Array(counts[10] as number),
    user: new Float64Array(counts[11] as number),
    outcome: new Float64Array(counts[12] as number),
    ref: new Float64Array(counts[13] as number),
    value: new Float64Array(counts[14] as number),
    hopDeltaMs: new Float64Array(counts[15] as number),
    resolverGroup: new Float64Array(counts[16] as number),
  };
  const filled = new Array<number>(LAST_COLUMN + 1).fill(0);
  /** One value of a column, by the field's wire semantics. */
  const read = (field: number): number => {
    if (ZIGZAG.has(field)) {
      const raw = r.varint();
      // Past 2^53 the exact value is in r.big; the validator then refuses the (rounded) result.
      return raw <= Number.MAX_SAFE_INTEGER ? (raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2) : Number((r.big >> 1n) ^ -(r.big & 1n));
    }
    // Enums are int32 on the wire: a negative one is a ten-byte varint; keep its sign so the
    // range check can name it.
    return ENUMS.has(field) ? r.signed() : r.varint();
  };

  // Pass 2: read the values. A packed run of one-byte varints (most of every batch: kinds,
  // types, networks, codes, small deltas) is copied without the general varint path.
  r.pos = 0;
  while (r.pos < bytes.length) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field >= FIRST_COLUMN && field <= LAST_COLUMN) {
      const col = out[COLUMN_NAMES[field - FIRST_COLUMN] as (typeof COLUMN_NAMES)[number]];
      let i = filled[field] as number;
      if (wire === WIRE_LEN) {
        const end = r.varint() + r.pos;
        const zz = ZIGZAG.has(field);
        let p = r.pos;
        while (p < end) {
          const b = bytes[p] as number;
          if (b < 128) {
            col[i++] = zz ? (b & 1 ? -((b + 1) >> 1) : b >> 1) : b;
            p++;
            continue;
          }
          r.pos = p;
          col[i++] = read(field);
          p = r.pos;
        }
        r.pos = end;
      } else col[i++] = read(field);
      filled[field] = i;
      continue;
    }
    if (field === 1 && wire === WIRE_VARINT) out.eventCount = r.varint();
    else if (field === 2 && wire === WIRE_VARINT) out.baseTimeMs = r.signed();
    else if (field === 3 && wire === WIRE_LEN) {
      const len = r.varint();
      const start = r.pos;
      r.advance(len);
      try {
        out.dictionary.push(utf8Decoder.decode(bytes.subarray(start, start + len)));
      } catch {
        throw new MalformedBatch(`dictionary[${out.dictionary.length}] is not valid UTF-8`);
      }
    } else if (field >= 1 && field <= 3) throw new MalformedBatch(`field ${field} has the wrong wire type ${wire}`);
    else r.skip(wire);
  }
  return out;
}
