import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeColumnar } from '../../wire/columnar-decoder.js';
import { encodeColumnar } from '../../wire/columnar-encoder.js';
import { protoTypes } from '../../wire/proto-root.js';
import { EventBatchBuilder, type EventBatchView } from '../../simulator/core/domain/event-batch.js';
import type { EventKind } from '../../simulator/core/domain/vocabulary.js';

const T0 = Date.parse('2026-03-02T00:00:00Z');

const event = fc.record({
  kind: fc.integer({ min: 1, max: 11 }),
  dt: fc.integer({ min: 0, max: 10 ** 9 }),
  device: fc.nat({ max: 2 ** 53 - 1 }),
  requestId: fc.nat({ max: 2 ** 40 }),
  user: fc.nat({ max: 2 ** 32 - 1 }),
  value: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  code: fc.constantFrom(undefined, '8.1.1', '0x8F72', 'N61', 'Café ünïcode'),
  hop: fc.integer({ min: -1, max: 10 ** 7 }),
});

function build(events: ReadonlyArray<typeof event extends fc.Arbitrary<infer T> ? T : never>): EventBatchView {
  const b = new EventBatchBuilder(64);
  let t = T0;
  for (const e of events) {
    t += e.dt;
    b.add({
      kind: e.kind as EventKind,
      timeMs: t,
      device: e.device,
      requestId: e.requestId,
      user: e.user,
      value: e.value,
      ...(e.code === undefined ? {} : { code: e.code }),
      hops: [e.hop, e.hop, -1, e.hop],
      resolverGroup: 3,
    });
  }
  return b.take();
}

describe('hand-written EventBatch codec', () => {
  it('writes exactly the bytes protobufjs writes, and reads them back (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const view = build(events);
        const ours = encodeColumnar(view);
        const theirs = protoTypes()
          .EventBatch.encode({ ...view })
          .finish();
        expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
        const back = decodeColumnar(ours);
        const reference = protoTypes().EventBatch.toObject(protoTypes().EventBatch.decode(theirs), { arrays: true }) as Record<
          string,
          unknown
        >;
        for (const [k, v] of Object.entries(reference)) {
          const mine = back[k as keyof typeof back];
          expect(typeof mine === 'object' && !Array.isArray(mine) ? Array.from(mine as ArrayLike<number>) : mine).toEqual(v);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads unpacked repeated fields and skips unknown fields, as any proto3 parser must', () => {
    // event_count 2, kind unpacked (1, then 2), an unknown fixed64 field 99, device packed [5, 300].
    const bytes = Uint8Array.from([0x08, 0x02, 0x20, 0x01, 0x20, 0x02, 0x99, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0x32, 0x03, 0x05, 0xac, 0x02]);
    const m = decodeColumnar(bytes);
    expect(m.eventCount).toBe(2);
    expect(Array.from(m.kind)).toEqual([1, 2]);
    expect(Array.from(m.device)).toEqual([5, 300]);
  });

  it('refuses truncated and malformed input', () => {
    expect(() => decodeColumnar(Uint8Array.from([0x32, 0x05, 0x01]))).toThrow(/truncated/);
    expect(() => decodeColumnar(Uint8Array.from([0x32, 0x01, 0x81]))).toThrow(/truncated varint/);
    expect(() => decodeColumnar(Uint8Array.from([0x25, 0, 0, 0, 0]))).toThrow(/wire type 5/);
    expect(() => decodeColumnar(Uint8Array.from([0x1a, 0x02, 0xc3, 0x28]))).toThrow(/UTF-8/);
  });

  it('writes every column type as protobufjs does: one-byte columns past 127, 32-bit and wide 64-bit values (property)', () => {
    // The encoder has a loop per typed-array type (columnar-encoder.ts); the builder never puts
    // an enum past 127 in a Uint8Array, so these views are made by hand.
    const column = fc.array(
      fc.record({
        small: fc.nat({ max: 255 }),
        u32: fc.nat({ max: 2 ** 32 - 1 }),
        wide: fc.nat({ max: 2 ** 53 - 1 }),
        signed: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      }),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(column, (rows) => {
        const n = rows.length;
        const u8 = Uint8Array.from(rows, (r) => r.small);
        const view: EventBatchView = {
          eventCount: n,
          baseTimeMs: T0,
          dictionary: [''],
          kind: u8,
          timeDeltaMs: Float64Array.from(rows, (r) => r.signed),
          device: Float64Array.from(rows, (r) => r.wide),
          deviceType: u8,
          network: new Uint8Array(n),
          code: new Uint32Array(n),
          requestId: Float64Array.from(rows, (r) => r.wide),
          user: Uint32Array.from(rows, (r) => r.u32),
          outcome: u8,
          ref: Float64Array.from(rows, (r) => r.wide),
          value: Float64Array.from(rows, (r) => r.signed),
          hopDeltaMs: Float64Array.from(rows, (r) => r.signed),
          resolverGroup: u8,
        };
        const theirs = protoTypes()
          .EventBatch.encode({ ...view })
          .finish();
        expect(Buffer.from(encodeColumnar(view)).equals(Buffer.from(theirs))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
