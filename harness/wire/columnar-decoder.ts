import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './columnar-wire.js';

/** The EventBatch decoder: two passes, exactly-sized typed-array columns (see columnar-codec.ts). */

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

