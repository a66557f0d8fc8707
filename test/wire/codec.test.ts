import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventBatchBuilder } from '../../simulator/core/domain/event-batch.js';
import type { EventBatchView } from '../../simulator/core/domain/event-batch.js';
import { EventKind, Network, Outcome, ResolverGroup, DeviceType } from '../../simulator/core/domain/vocabulary.js';
import { isSmsimError } from '../../simulator/core/errors.js';
import { MAX_EVENTS_PER_BATCH } from '../../simulator/core/domain/wire-limits.js';
import { parseScenarioText } from '../../harness/scenario/load-scenario.js';
import { issuesOf, MINIMAL_SCENARIO } from '../helpers/scenario-issues.js';
import {
  AckStatus,
  decodeIngestAck,
  decodeReportRequest,
  decodeReportResponse,
  encodeIngestAck,
  encodeReportRequest,
  encodeReportResponse,
  type ReportRequest,
} from '../../wire/messages.js';
import { EventBatchDecoder, decodeEventBatch, encodeEventBatch } from '../../wire/codec.js';
import { decodeIngestRequest, encodeIngestRequest, peekEventCount } from '../../wire/envelope.js';
import { protoTypes } from '../../wire/proto-root.js';

const T0 = 1_772_409_600_000; // 2026-03-02T00:00:00Z

function sampleBatch(): EventBatchView {
  const b = new EventBatchBuilder(16);
  b.add({ kind: EventKind.SERVICE_REQUEST, timeMs: T0, device: 2 ** 40 + 7, code: '8.14.1', requestId: 2 ** 50 + 1, user: 3 });
  b.add({
    kind: EventKind.SERVICE_RESPONSE,
    timeMs: T0 + 250,
    device: 2 ** 40 + 7,
    code: '8.14.1',
    requestId: 2 ** 50 + 1,
    user: 3,
    outcome: Outcome.SUCCESS,
  });
  b.add({
    kind: EventKind.DEVICE_ALERT,
    timeMs: T0 + 300,
    device: 12,
    code: '0x8F72',
    requestId: 9,
    ref: 2 ** 50 + 1,
    hops: [10, 20, 30, -1],
  });
  b.add({
    kind: EventKind.INCIDENT_RAISED,
    timeMs: T0 + 400,
    code: 'NO_SM_WAN',
    requestId: 5,
    value: 3,
    resolverGroup: ResolverGroup.CSP_NORTH,
  });
  b.add({ kind: EventKind.DCC_ALERT, timeMs: T0 + 500, code: 'N60', requestId: 10, hops: [-1, 5, 6, 7] });
  b.add({
    kind: EventKind.INVENTORY,
    timeMs: T0 + 600,
    device: 13,
    deviceType: DeviceType.PPMID,
    network: Network.SMETS1_FOC,
    code: 'MDS-PPMID',
    ref: 12,
  });
  b.add({ kind: EventKind.SERVICE_REQUEST, timeMs: T0 + 700, code: '11.1', value: -86_400_000 });
  return b.take();
}

/** The view with every column as a plain array, for toEqual against the decoded view. */
function plain(v: EventBatchView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(v)) out[k] = typeof col === 'object' ? Array.from(col as ArrayLike<unknown>) : col;
  return out;
}

/** Encodes an arbitrary (possibly invalid) batch object with protobufjs directly. */
function rawBatch(fields: Record<string, unknown>): Uint8Array {
  const base = plain(sampleBatch());
  return protoTypes()
    .EventBatch.encode({ ...base, ...fields })
    .finish();
}

function expectInvalid(bytes: Uint8Array, column: string | null, messagePart: string | RegExp): void {
  try {
    decodeEventBatch(bytes);
  } catch (err) {
    expect(isSmsimError(err, 'SMSIM_ERR_BATCH_INVALID')).toBe(true);
    if (!isSmsimError(err)) throw err;
    expect(err.details.column).toBe(column);
    expect(err.message).toMatch(messagePart);
    return;
  }
  throw new Error('expected SMSIM_ERR_BATCH_INVALID');
}

describe('EventBatch codec', () => {
  it('round-trips a builder batch with alerts, hops and incidents', () => {
    const view = sampleBatch();
    const decoded = decodeEventBatch(encodeEventBatch(view));
    expect(plain(decoded)).toEqual(plain(view));
    expect(Array.from(decoded.hopDeltaMs)).toEqual([10, 20, 30, -1, -1, 5, 6, 7]);
    expect(Array.from(decoded.resolverGroup)).toEqual([ResolverGroup.CSP_NORTH]);
    expect(decoded.dictionary[0]).toBe('');
  });

  it('decodes 64-bit fields (int64, uint64, sint64) as numbers, not Long objects', () => {
    const decoded = decodeEventBatch(encodeEventBatch(sampleBatch()));
    expect(typeof decoded.baseTimeMs).toBe('number'); // int64
    expect(decoded.baseTimeMs).toBe(T0);
    expect(decoded.device[0]).toBe(2 ** 40 + 7); // uint64
    expect(decoded.requestId[0]).toBe(2 ** 50 + 1);
    expect(decoded.value[6]).toBe(-86_400_000); // sint64, negative
    expect(decoded.hopDeltaMs[3]).toBe(-1);
    for (const col of [decoded.device, decoded.requestId, decoded.ref, decoded.value, decoded.timeDeltaMs, decoded.hopDeltaMs]) {
      for (let i = 0; i < col.length; i++) expect(typeof col[i]).toBe('number');
    }
    // A negative base time is absurd as a batch (refused below) but must still decode exactly.
    expect((protoTypes().EventBatch.decode(rawBatch({ baseTimeMs: -(2 ** 52) })) as unknown as { baseTimeMs: unknown }).baseTimeMs).toBe(
      -(2 ** 52),
    );
    const big = decodeEventBatch(rawBatch({ value: [2 ** 53 - 1, -(2 ** 53 - 1), 0, 0, 0, 0, 0] }));
    expect(big.value[0]).toBe(2 ** 53 - 1);
    expect(big.value[1]).toBe(-(2 ** 53 - 1));
  });

  it('round-trips random valid batches (property)', () => {
    const event = fc.record({
      kind: fc.integer({ min: 1, max: 11 }),
      dt: fc.integer({ min: 0, max: 10 ** 9 }),
      device: fc.integer({ min: 1, max: 2 ** 53 - 1 }),
      value: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      code: fc.constantFrom(undefined, '8.1.1', '0x8F72', 'N61'),
      hop: fc.integer({ min: -1, max: 10 ** 7 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 50 }), (events) => {
        const b = new EventBatchBuilder(64);
        let t = T0;
        for (const e of events) {
          t += e.dt;
          b.add({
            kind: e.kind as EventKind,
            timeMs: t,
            device: e.device,
            value: e.value,
            ...(e.code === undefined ? {} : { code: e.code }),
            hops: [e.hop, e.hop, -1, e.hop],
            resolverGroup: 8,
          });
        }
        const view = b.take();
        expect(plain(decodeEventBatch(encodeEventBatch(view)))).toEqual(plain(view));
      }),
      { numRuns: 200 },
    );
  });

  it('reuses its columns from batch to batch (EventBatchDecoder): each decode is exactly that batch', () => {
    const batch = (n: number, tag: number): Uint8Array => {
      const b = new EventBatchBuilder(n);
      for (let i = 0; i < n; i++)
        b.add({
          kind: i % 3 === 0 ? EventKind.DEVICE_ALERT : EventKind.SERVICE_REQUEST,
          timeMs: T0 + i,
          device: tag + i,
          requestId: 2 ** 40 + i,
          hops: [i, -1, 2 ** 30, i],
          code: `c${tag}`,
        });
      return encodeEventBatch(b.take());
    };
    const decoder = new EventBatchDecoder();
    // Bigger than the decoder's initial columns, then smaller: no stale values, exact lengths.
    for (const [n, tag] of [
      [3000, 1],
      [5, 900],
      [1500, 77],
    ] as const) {
      const bytes = batch(n, tag);
      const reused = plain(decoder.decode(bytes)) as Record<string, number[]>;
      expect(reused).toEqual(plain(decodeEventBatch(bytes)));
      expect(reused.device).toHaveLength(n);
      expect(reused.device?.[n - 1]).toBe(tag + n - 1);
      expect(reused.hopDeltaMs).toHaveLength(4 * Math.ceil(n / 3));
    }
  });

  it('accepts the largest batch a scenario may ask for, and a scenario may ask for no larger', () => {
    const b = new EventBatchBuilder(MAX_EVENTS_PER_BATCH);
    for (let i = 0; i < MAX_EVENTS_PER_BATCH; i++) b.add({ kind: EventKind.SERVICE_REQUEST, timeMs: T0 + i, device: i + 1 });
    expect(decodeEventBatch(encodeEventBatch(b.take())).eventCount).toBe(MAX_EVENTS_PER_BATCH);
    expect(parseScenarioText(`${MINIMAL_SCENARIO}batchSize: ${MAX_EVENTS_PER_BATCH}\n`, 'x.yaml').batchSize).toBe(MAX_EVENTS_PER_BATCH);
    expect(issuesOf(`${MINIMAL_SCENARIO}batchSize: ${MAX_EVENTS_PER_BATCH + 1}\n`).join('\n')).toMatch(/batchSize.*≤ 100000/);
  });

  it('decodes an empty batch with every repeated field as []', () => {
    const decoded = decodeEventBatch(new Uint8Array(0));
    expect(decoded.eventCount).toBe(0);
    expect(decoded.dictionary).toEqual([]);
    expect(Array.from(decoded.kind)).toEqual([]);
    expect(Array.from(decoded.hopDeltaMs)).toEqual([]);
    expect(Array.from(decoded.resolverGroup)).toEqual([]);
    expect(decodeEventBatch(encodeEventBatch(new EventBatchBuilder(4).take())).eventCount).toBe(0);
  });

  describe('validation: each failure is SMSIM_ERR_BATCH_INVALID naming the column', () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['short dense column', { device: [1, 2, 3] }, 'device', /device has 3 entries, event_count is 7/],
      ['long dense column', { outcome: [0, 0, 0, 0, 0, 0, 0, 0] }, 'outcome', /8 entries/],
      ['event count above the limit', { eventCount: MAX_EVENTS_PER_BATCH + 1 }, 'event_count', /exceeds the limit/],
      ['kind 0', { kind: [1, 2, 4, 6, 5, 0, 1] }, 'kind', /kind\[5\] = 0 is out of range 1\.\.12/],
      ['kind above max', { kind: [1, 2, 4, 6, 5, 9, 13] }, 'kind', /kind\[6\] = 13/],
      ['device type above max', { deviceType: [0, 0, 0, 0, 0, 8, 0] }, 'device_type', /device_type\[5\] = 8/],
      ['network above max', { network: [7, 0, 0, 0, 0, 0, 0] }, 'network', /network\[0\] = 7/],
      ['negative outcome', { outcome: [0, -1, 0, 0, 0, 0, 0] }, 'outcome', /outcome\[1\] = -1/],
      ['outcome above max', { outcome: [0, 9, 0, 0, 0, 0, 0] }, 'outcome', /outcome\[1\] = 9/],
      ['resolver group above max', { resolverGroup: [9] }, 'resolver_group', /resolver_group\[0\] = 9/],
      ['code past the dictionary', { code: [1, 1, 2, 3, 4, 5, 7] }, 'code', /code\[6\] = 7 is out of range 0\.\.6/],
      [
        'dictionary[0] not empty',
        { dictionary: ['x', '8.14.1', '0x8F72', 'NO_SM_WAN', 'N60', 'MDS-PPMID', '11.1'] },
        'dictionary',
        /dictionary\[0\]/,
      ],
      ['hops missing for an alert', { hopDeltaMs: [10, 20, 30, -1] }, 'hop_delta_ms', /4 entries, expected 4 × 2/],
      [
        'resolver group missing for an incident',
        { resolverGroup: [] },
        'resolver_group',
        /0 entries, expected one per incident event \(1\)/,
      ],
      ['uint64 above 2^53', { device: [2 ** 60, 0, 0, 0, 0, 0, 0] }, 'device', /device\[0\].*2\^53/],
      ['request id above 2^53', { requestId: [0, 0, 0, 0, 0, 0, 2 ** 54] }, 'request_id', /request_id\[6\]/],
      ['base time above 2^53', { baseTimeMs: 2 ** 62 }, 'base_time_ms', /base_time_ms/],
      [
        'event time above 2^53',
        { timeDeltaMs: [0, 0, 0, 0, 0, 0, 2 ** 53 - 10] },
        'time_delta_ms',
        /time_delta_ms\[6\].*not an integer below 2\^53/,
      ],
      [
        'absurd timestamp: after 2100',
        { timeDeltaMs: [0, 250, 300, 400, 500, 600, 100 * 365 * 86_400_000] },
        'time_delta_ms',
        /time_delta_ms\[6\]: event time \d+ is outside 2000-01-01/,
      ],
      [
        'absurd timestamp: seconds, not ms',
        { baseTimeMs: 1_772_409_600 },
        'time_delta_ms',
        /time_delta_ms\[0\]: event time 1772409600 is outside/,
      ],
      [
        'out-of-order timestamps within a batch',
        { timeDeltaMs: [0, 250, 300, 400, 500, 600, 599] },
        'time_delta_ms',
        /time_delta_ms\[6\]: event time \d+ is before the previous event's/,
      ],
      [
        'unknown device: device 0 on an inventory event',
        { device: [2 ** 40 + 7, 2 ** 40 + 7, 12, 0, 0, 0, 0] },
        'device',
        /device\[5\] = 0 \(no device\), but a kind 9 event is about a device/,
      ],
    ];
    it.each(cases)('%s', (_name, fields, column, message) => {
      expectInvalid(rawBatch(fields), column, message);
    });

    it('rejects malformed protobuf bytes', () => {
      expectInvalid(Uint8Array.from([0x0a, 0xff, 0xff]), null, /not valid protobuf/);
      expectInvalid(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), null, /not valid protobuf/);
    });

    it('never throws anything but BATCH_INVALID on random bytes (property)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          try {
            decodeEventBatch(bytes);
          } catch (err) {
            expect(isSmsimError(err, 'SMSIM_ERR_BATCH_INVALID')).toBe(true);
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});

describe('IngestRequest envelope', () => {
  it('is byte-compatible with protobufjs encoding IngestRequest with a nested EventBatch', () => {
    const view = sampleBatch();
    const batchBytes = encodeEventBatch(view);
    for (const [streamId, sequence, runId] of [
      ['shard-0003', 1, 'default-3f9a0c1e2b4d'],
      ['ünïcødé/shard', 2 ** 40 + 3, 'rün'],
      ['s', 127, ''],
      ['s', 128, 'r'],
    ] as const) {
      const ours = encodeIngestRequest(streamId, sequence, batchBytes, runId);
      const theirs = protoTypes()
        .IngestRequest.encode({ streamId, sequence, batch: plain(view), ...(runId === '' ? {} : { runId }) })
        .finish();
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      const back = decodeIngestRequest(theirs);
      expect(back.runId).toBe(runId);
      expect(back.streamId).toBe(streamId);
      expect(back.sequence).toBe(sequence);
      expect(Buffer.from(back.batchBytes).equals(Buffer.from(batchBytes))).toBe(true);
    }
  });

  it('omits proto3 defaults like protoc (protobufjs writes them when set; both decode the same)', () => {
    const batchBytes = encodeEventBatch(sampleBatch());
    const ours = encodeIngestRequest('', 0, batchBytes);
    const theirs = protoTypes()
      .IngestRequest.encode({ batch: plain(sampleBatch()) })
      .finish();
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    expect(decodeIngestRequest(ours)).toMatchObject({ runId: '', streamId: '', sequence: 0 });
  });

  it('parses fields in any order and skips unknown fields of every wire type', () => {
    const batch = Uint8Array.from([0x08, 0x00]); // event_count = 0
    const bytes = Uint8Array.from([
      0x1a,
      batch.length,
      ...batch, // field 3 first
      0x40,
      0x96,
      0x01, // unknown field 8, varint
      0x22,
      2,
      0x72,
      0x31, // run_id = 'r1'
      0x29,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // unknown field 5, fixed64
      0x35,
      1,
      2,
      3,
      4, // unknown field 6, fixed32
      0x3a,
      2,
      0xaa,
      0xbb, // unknown field 7, bytes
      0x10,
      0x2a, // sequence = 42
      0x0a,
      1,
      0x78, // stream_id = "x"
    ]);
    const r = decodeIngestRequest(bytes);
    expect(r).toMatchObject({ runId: 'r1', streamId: 'x', sequence: 42 });
    expect(Array.from(r.batchBytes)).toEqual(Array.from(batch));
    expect(peekEventCount(encodeEventBatch(sampleBatch()))).toBe(7);
  });

  it('refuses truncated and malformed envelopes with BATCH_INVALID', () => {
    for (const bytes of [
      [0x0a, 5, 0x78],
      [0x10],
      [0x12, 0],
      [0x1b],
      [0x00, 0x00],
      [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    ]) {
      expect(() => decodeIngestRequest(Uint8Array.from(bytes))).toThrowError(
        expect.objectContaining({ code: 'SMSIM_ERR_BATCH_INVALID' }) as Error,
      );
    }
  });
});

describe('IngestAck and Report codecs', () => {
  it('round-trip', () => {
    const ack = { streamId: 's', ackedThrough: 2 ** 40, status: AckStatus.REJECTED, sequence: 2 ** 40, message: 'kind[3]' };
    expect(decodeIngestAck(encodeIngestAck(ack))).toEqual(ack);
    expect(decodeIngestAck(new Uint8Array(0))).toEqual({ streamId: '', ackedThrough: 0, status: 0, sequence: 0, message: '' });
    expect(decodeReportRequest(encodeReportRequest({ asOfMs: T0, runId: 'default-3f9a0c1e2b4d' }))).toEqual({
      asOfMs: T0,
      runId: 'default-3f9a0c1e2b4d',
    });
    // A client older than v1.1 sends no run id: it asks for run "".
    expect(decodeReportRequest(encodeReportRequest({ asOfMs: T0 } as ReportRequest))).toEqual({ asOfMs: T0, runId: '' });
    const response = {
      metrics: [
        { id: 'install.installAndLeave', labels: { region: 'north', day: '2026-03-02' }, value: 3 },
        { id: 'x', labels: {}, value: 0.5 },
      ],
      stats: {
        batchesAccepted: 3,
        eventsAccepted: 3000,
        duplicateBatches: 1,
        duplicateEvents: 1000,
        rejectedBatches: 1,
        rejectedEvents: 7,
        refusedCalls: 2,
        lostBatches: 0,
        streams: [{ streamId: 'a', ackedThrough: 4, eventsAccepted: 3000, lostBatches: 0 }],
      },
      runId: 'r1',
      families: ['install', 'srv'],
    };
    expect(decodeReportResponse(encodeReportResponse(response))).toEqual(response);
    expect(decodeReportResponse(new Uint8Array(0))).toMatchObject({ runId: '', families: [], stats: { streams: [] } });
  });
});
