import type { EventBatchView } from '../../simulator/core/domain/event-batch.js';
import { WIRE_LEN, WIRE_VARINT } from './columnar-wire.js';

/** The EventBatch encoder: typed-array columns straight into one exactly-sized buffer (see columnar-codec.ts). */

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
