import type { EventBatchView } from '../simulator/core/domain/event-batch.js';
import { ColumnMode, EVENT_COLUMNS, WIRE_LEN, WIRE_VARINT } from './columnar-wire.js';

/** The EventBatch encoder: typed-array columns in one pass through a reused scratch buffer (see codec.ts). */

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
    if (v >= 0) {
      this.varint(v);
      return;
    }
    let big = BigInt.asUintN(64, BigInt(v));
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = Number(big & 127n) | 128;
      big >>= 7n;
    }
    this.buf[this.pos++] = Number(big);
  }

  /** A sint64 (ZigZag) varint of any safe integer. */
  sint64(v: number): void {
    if (v < ZIGZAG_EXACT_LIMIT && v > -ZIGZAG_EXACT_LIMIT) {
      this.varint(zigzag(v));
      return;
    }
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

type Column = ArrayLike<number>;

/** The columns in field-number order, each with its tag and whether it is ZigZag-coded. */
const CODED = EVENT_COLUMNS.map((c) => ({ key: c.key, tag: (c.field << 3) | WIRE_LEN, zigzag: c.mode === ColumnMode.ZIGZAG }));

/** Most bytes a value takes (a ten-byte varint), and a field's tag and length prefix. */
const MAX_VARINT_BYTES = 10;
const MAX_PREFIX_BYTES = 2 + 5;

const utf8 = new TextEncoder();

/**
 * Encodes a batch. Column values must be non-negative integers below 2^53 (sint64 columns: any
 * safe integer); the builder and the decoder guarantee it.
 *
 * One pass into a scratch buffer kept between batches: each packed column is written after room
 * for its length prefix, and closed up once its length is known (one short copyWithin per
 * column), instead of a pass to size every value and a second to write it. The result is an
 * exact-size copy, which the emitter may keep until the batch is acked.
 */
export function encodeColumnar(v: EventBatchView): Uint8Array {
  const dict = v.dictionary.map((s) => utf8.encode(s));
  let bound = 2 * MAX_VARINT_BYTES + 2;
  for (const d of dict) bound += MAX_PREFIX_BYTES + d.length;
  for (const c of CODED) bound += MAX_PREFIX_BYTES + MAX_VARINT_BYTES * v[c.key].length;
  const w = scratch(bound);
  w.pos = 0;
  // Fields 1 and 2 are written even when 0, as protobufjs writes every field a message sets.
  w.varint((1 << 3) | WIRE_VARINT);
  w.varint(v.eventCount);
  w.varint((2 << 3) | WIRE_VARINT);
  w.int64(v.baseTimeMs);
  for (const d of dict) {
    w.varint((3 << 3) | WIRE_LEN);
    w.varint(d.length);
    w.bytes(d);
  }
  for (const { key, tag, zigzag } of CODED) {
    const col = v[key];
    if (col.length === 0) continue;
    w.varint(tag);
    const lengthAt = w.pos;
    const payloadAt = lengthAt + 5;
    w.pos = payloadAt;
    const payloadEnd = varintRun(w, col, payloadAt, zigzag);
    w.pos = lengthAt;
    w.varint(payloadEnd - payloadAt);
    if (w.pos !== payloadAt) w.buf.copyWithin(w.pos, payloadAt, payloadEnd);
    w.pos += payloadEnd - payloadAt;
  }
  return w.buf.slice(0, w.pos);
}

/**
 * Writes a column's varints from `p` (ZigZag first for sint64 columns); returns the end. Values
 * below 2^28 never leave the loop.
 */
function varintRun(w: ByteWriter, col: Column, p: number, zz: boolean): number {
  const buf = w.buf;
  const n = col.length;
  for (let j = 0; j < n; j++) {
    const x = col[j] as number;
    let v = zz ? (x >= 0 ? x * 2 : -x * 2 - 1) : x;
    if (v < 128) {
      buf[p++] = v;
      continue;
    }
    if (v < 268_435_456) {
      do {
        buf[p++] = (v & 127) | 128;
        v >>>= 7;
      } while (v >= 128);
      buf[p++] = v;
      continue;
    }
    w.pos = p;
    if (zz) w.sint64(x);
    else w.varint(x);
    p = w.pos;
  }
  return p;
}

let writer = new ByteWriter(64 * 1024);

/** The shared scratch writer, grown to at least `bytes`. */
function scratch(bytes: number): ByteWriter {
  if (writer.buf.length < bytes) writer = new ByteWriter(Math.max(bytes, writer.buf.length * 2));
  return writer;
}
