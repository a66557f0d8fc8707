import { MAX_EVENTS_PER_BATCH } from '../simulator/core/domain/wire-limits.js';
import { ColumnMode, EVENT_COLUMNS, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './columnar-wire.js';
import { invalid } from './wire-invalid.js';

/** The EventBatch decoder: one pass, typed-array columns (see codec.ts). */

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

const FIRST_COLUMN = EVENT_COLUMNS[0].field;
const COLUMNS = EVENT_COLUMNS.length;
const LAST_COLUMN = FIRST_COLUMN + COLUMNS - 1;
/** How each column's varints are read, by field number - FIRST_COLUMN. */
const MODES: ColumnMode[] = EVENT_COLUMNS.map((c) => c.mode);

/**
 * A varint of five bytes or more (past 2^28), from `pos`: its value as a double (exact below
 * 2^53), and where it ends. Past 2^53 the exact value is kept too, so the caller can read it as
 * int64 / int32 (negative two's complement) or ZigZag, or refuse it by name.
 */
class LongVarint {
  value = 0;
  end = 0;
  exact = 0n;

  read(buf: Uint8Array, pos: number, limit: number): void {
    let v = 0;
    let mul = 1;
    for (let p = pos, i = 0; i < 10; i++, p++) {
      if (p >= limit) throw new MalformedBatch('truncated varint');
      const b = buf[p] as number;
      v += (b & 127) * mul;
      if (b < 128) {
        this.value = v;
        this.end = p + 1;
        if (v > Number.MAX_SAFE_INTEGER) this.exact = exactVarint(buf, pos, p + 1);
        return;
      }
      mul *= 128;
    }
    throw new MalformedBatch('varint longer than 10 bytes');
  }

  /** The last value read, as a column of `mode` holds it. */
  as(mode: ColumnMode): number {
    const v = this.value;
    if (mode === ColumnMode.UINT) return v;
    if (mode === ColumnMode.ENUM) return v > Number.MAX_SAFE_INTEGER ? Number(BigInt.asIntN(64, this.exact)) : v;
    // Past 2^53 the validator refuses the (rounded) result by name.
    return v <= Number.MAX_SAFE_INTEGER ? (v % 2 === 0 ? v / 2 : -(v + 1) / 2) : Number((this.exact >> 1n) ^ -(this.exact & 1n));
  }
}

function exactVarint(buf: Uint8Array, from: number, to: number): bigint {
  let v = 0n;
  for (let i = to - 1; i >= from; i--) v = (v << 7n) | BigInt((buf[i] as number) & 127);
  return v;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A batch can use one code per event and entry 0 (""). Past that, entries are refused as they are
 * read: 4 MiB of empty entries is 2 M strings, and decoding them took 20× a plain 4 MiB batch.
 */
const MAX_DICTIONARY_ENTRIES = MAX_EVENTS_PER_BATCH + 1;

/**
 * Decodes EventBatch bytes into typed-array columns, reusing its arrays from batch to batch: the
 * columns it returns are valid until the next `decode` (the pipeline applies a batch and moves
 * on). Allocating 13 fresh arrays per batch cost the pipeline thread ~10 % of its time in GC on a
 * tenth of gb-day.
 *
 * Why by hand, and fast: varints below 2^28 (nearly every value: kinds, codes, deltas, device
 * numbers) are read with bitwise operators in a loop specialised by column mode; only longer
 * ones take the general path. Single pass: a packed run of L bytes holds at most L values, so
 * capacity is ensured per run, not counted first.
 */
export class ColumnarDecoder {
  private readonly cols: Float64Array[];
  private readonly long = new LongVarint();
  private readonly filled = new Int32Array(COLUMNS);

  constructor(initialCapacity = 1024) {
    this.cols = Array.from({ length: COLUMNS }, () => new Float64Array(initialCapacity));
  }

  /** Decodes `bytes`; throws MalformedBatch on bad bytes. */
  decode(bytes: Uint8Array): DecodedColumns {
    const filled = this.filled;
    filled.fill(0);
    const long = this.long;
    const len = bytes.length;
    let eventCount = 0;
    let baseTimeMs = 0;
    const dictionary: string[] = [];
    let p = 0;
    while (p < len) {
      long.read(bytes, p, len);
      const tag = long.value;
      p = long.end;
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (field >= FIRST_COLUMN && field <= LAST_COLUMN) {
        const c = field - FIRST_COLUMN;
        const mode = MODES[c] as ColumnMode;
        if (wire === WIRE_LEN) {
          long.read(bytes, p, len);
          p = long.end;
          const end = p + long.value;
          if (end > len) throw new MalformedBatch('truncated field');
          if (end === p) continue;
          // Every varint of the run then ends inside it: the fast loops need no bounds checks.
          if ((bytes[end - 1] as number) >= 128) throw new MalformedBatch(`field ${field}: truncated varint`);
          const i = filled[c] as number;
          const col = this.ensure(c, i, end - p);
          filled[c] = mode === ColumnMode.ZIGZAG ? this.zigzagRun(bytes, p, end, col, i) : this.uintRun(bytes, p, end, col, i, mode);
          p = end;
          continue;
        }
        if (wire === WIRE_VARINT) {
          long.read(bytes, p, len);
          p = long.end;
          const i = filled[c] as number;
          this.ensure(c, i, 1)[i] = long.as(mode);
          filled[c] = i + 1;
          continue;
        }
        throw new MalformedBatch(`field ${field} has wire type ${wire}, expected a varint or packed varints`);
      }
      if (field === 1 && wire === WIRE_VARINT) {
        long.read(bytes, p, len);
        p = long.end;
        eventCount = long.value;
      } else if (field === 2 && wire === WIRE_VARINT) {
        long.read(bytes, p, len);
        p = long.end;
        baseTimeMs = long.as(ColumnMode.ENUM); // int64: signed, like an enum
      } else if (field === 3 && wire === WIRE_LEN) {
        long.read(bytes, p, len);
        const start = long.end;
        const end = start + long.value;
        if (end > len) throw new MalformedBatch('truncated field');
        if (dictionary.length === MAX_DICTIONARY_ENTRIES) {
          throw invalid(`EventBatch.dictionary has more than ${MAX_DICTIONARY_ENTRIES} entries (one per event and "")`, {
            column: 'dictionary',
          });
        }
        try {
          dictionary.push(utf8Decoder.decode(bytes.subarray(start, end)));
        } catch {
          throw new MalformedBatch(`dictionary[${dictionary.length}] is not valid UTF-8`);
        }
        p = end;
      } else if (field >= 1 && field <= 3) throw new MalformedBatch(`field ${field} has the wrong wire type ${wire}`);
      else if (field === 0) throw new MalformedBatch('field number 0');
      else p = this.skip(bytes, p, wire);
    }
    const col = (c: number): Float64Array => (this.cols[c] as Float64Array).subarray(0, filled[c]);
    return {
      eventCount,
      baseTimeMs,
      dictionary,
      kind: col(0),
      timeDeltaMs: col(1),
      device: col(2),
      deviceType: col(3),
      network: col(4),
      code: col(5),
      requestId: col(6),
      user: col(7),
      outcome: col(8),
      ref: col(9),
      value: col(10),
      hopDeltaMs: col(11),
      resolverGroup: col(12),
    };
  }

  /** Column c with room for `more` values after the first `used`. */
  private ensure(c: number, used: number, more: number): Float64Array {
    const col = this.cols[c] as Float64Array;
    if (used + more <= col.length) return col;
    const grown = new Float64Array(Math.max(used + more, col.length * 2));
    grown.set(col.subarray(0, used));
    this.cols[c] = grown;
    return grown;
  }

  /** A packed run of uint or enum varints; returns the column's new length. */
  private uintRun(buf: Uint8Array, p: number, end: number, col: Float64Array, i: number, mode: ColumnMode): number {
    while (p < end) {
      let b = buf[p++] as number;
      if (b < 128) {
        col[i++] = b;
        continue;
      }
      let v = b & 127;
      b = buf[p++] as number;
      v |= (b & 127) << 7;
      if (b < 128) {
        col[i++] = v;
        continue;
      }
      b = buf[p++] as number;
      v |= (b & 127) << 14;
      if (b < 128) {
        col[i++] = v;
        continue;
      }
      b = buf[p++] as number;
      v |= (b & 127) << 21;
      if (b < 128) {
        col[i++] = v;
        continue;
      }
      this.long.read(buf, p - 4, end);
      col[i++] = this.long.as(mode);
      p = this.long.end;
    }
    return i;
  }

  /** A packed run of sint64 (ZigZag) varints; returns the column's new length. */
  private zigzagRun(buf: Uint8Array, p: number, end: number, col: Float64Array, i: number): number {
    while (p < end) {
      let b = buf[p++] as number;
      if (b < 128) {
        col[i++] = (b >>> 1) ^ -(b & 1);
        continue;
      }
      let v = b & 127;
      b = buf[p++] as number;
      v |= (b & 127) << 7;
      if (b < 128) {
        col[i++] = (v >>> 1) ^ -(v & 1);
        continue;
      }
      b = buf[p++] as number;
      v |= (b & 127) << 14;
      if (b < 128) {
        col[i++] = (v >>> 1) ^ -(v & 1);
        continue;
      }
      b = buf[p++] as number;
      v |= (b & 127) << 21;
      if (b < 128) {
        col[i++] = (v >>> 1) ^ -(v & 1);
        continue;
      }
      this.long.read(buf, p - 4, end);
      col[i++] = this.long.as(ColumnMode.ZIGZAG);
      p = this.long.end;
    }
    return i;
  }

  /** Skips an unknown field's value; returns where the next field starts. */
  private skip(buf: Uint8Array, p: number, wireType: number): number {
    let next: number;
    switch (wireType) {
      case WIRE_VARINT:
        this.long.read(buf, p, buf.length);
        return this.long.end;
      case WIRE_I64:
        next = p + 8;
        break;
      case WIRE_LEN:
        this.long.read(buf, p, buf.length);
        next = this.long.end + this.long.value;
        break;
      case WIRE_I32:
        next = p + 4;
        break;
      default:
        throw new MalformedBatch(`unsupported wire type ${wireType}`);
    }
    if (next > buf.length) throw new MalformedBatch('truncated field');
    return next;
  }
}

/** Decodes EventBatch bytes into columns of its own (no reuse); throws MalformedBatch on bad bytes. */
export function decodeColumnar(bytes: Uint8Array): DecodedColumns {
  return new ColumnarDecoder(0).decode(bytes);
}
