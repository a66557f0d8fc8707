import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBatchBuilder, type EventBatchView } from '../../../simulator/core/domain/event-batch.js';
import { DeviceType, EventKind } from '../../../simulator/core/domain/vocabulary.js';
import { receiveBatch } from '../../../harness/pipeline/ingest-delivery.js';
import { createIngestState } from '../../../harness/pipeline/ingest-state.js';
import { startPipelineServer, type PipelineServer } from '../../../harness/pipeline/ingest-server.js';
import { AckStatus } from '../../../wire/messages.js';
import { decodeEventBatch, encodeEventBatch } from '../../../wire/codec.js';
import { encodeIngestRequest } from '../../../wire/envelope.js';
import { createIngestEmitter } from '../../../wire/emitter.js';
import { protoTypes } from '../../../wire/proto-root.js';
import { nextTimeMs, recordingPipeline, taggedBatch as valid } from '../../helpers/batches.js';
import { RunRegistry } from '../../../harness/pipeline/run-registry.js';
import { rawStreamsClosedAfterEach, type RawIngestStream } from '../../helpers/raw-ingest.js';

/**
 * Hostile batches (issue #7, docs/reliability.md): each class is refused with a clear message
 * that starts with its error code, counted, and the stream carries on: the valid batches around
 * it are applied, once.
 */

/** A valid batch re-encoded with some fields replaced: protobuf-valid, contract-invalid. */
function mutate(fields: (v: EventBatchView) => Record<string, unknown>): Uint8Array {
  const v = decodeEventBatch(valid(900));
  return protoTypes()
    .EventBatch.encode({ ...v, ...fields(v) })
    .finish();
}

let server: PipelineServer | undefined;
afterEach(async () => {
  await server?.stop({ graceMs: 0 });
  server = undefined;
});
const open = rawStreamsClosedAfterEach();

/** Every class of hostile batch, with the error code and the message a pipeline author sees. */
const HOSTILE: Array<[string, () => Uint8Array, RegExp]> = [
  [
    'malformed protobuf',
    () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch is not valid protobuf/,
  ],
  [
    'wrong column length',
    () => mutate((v) => ({ device: [1, 2] as number[], eventCount: v.eventCount })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.device has 2 entries, event_count is 3/,
  ],
  [
    'unknown enum value: kind',
    () => mutate(() => ({ kind: [1, 99, 1] })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.kind\[1\] = 99 is out of range 1\.\.12/,
  ],
  [
    'unknown enum value: network',
    () => mutate(() => ({ network: [0, 0, 250] })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.network\[2\] = 250 is out of range/,
  ],
  [
    'unknown enum value: outcome',
    () => mutate(() => ({ outcome: [77, 0, 0] })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.outcome\[0\] = 77 is out of range/,
  ],
  [
    'out-of-order timestamps within a batch',
    () => mutate(() => ({ timeDeltaMs: [0, 2, 1] })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.time_delta_ms\[2\]: event time \d+ is before the previous event's/,
  ],
  [
    'out-of-order timestamps across batches',
    () => mutate((v) => ({ baseTimeMs: v.baseTimeMs - 60_000 })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.time_delta_ms\[0\]: event time \d+ is before the stream's last event/,
  ],
  [
    'absurd timestamp (seconds for ms)',
    () => mutate((v) => ({ baseTimeMs: Math.floor(v.baseTimeMs / 1000) })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.time_delta_ms\[0\]: event time \d+ is outside 2000-01-01/,
  ],
  [
    'absurd timestamp (year 2500)',
    () => mutate(() => ({ baseTimeMs: Date.UTC(2500, 0, 1) })),
    /is outside 2000-01-01T00:00:00\.000Z\.\.2100-01-01/,
  ],
  [
    '64-bit value past 2^53',
    () => mutate(() => ({ requestId: [1, 2 ** 60, 3] })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.request_id\[1\] = \d+ is not an integer below 2\^53/,
  ],
  [
    'absurd event_count',
    () => mutate(() => ({ eventCount: 5_000_000 })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.event_count = 5000000 exceeds the limit of 100000/,
  ],
  [
    'unknown device (device 0 on an inventory event)',
    () => {
      const b = new EventBatchBuilder(1);
      b.add({ kind: EventKind.INVENTORY, timeMs: nextTimeMs(), device: 0, deviceType: DeviceType.ESME, code: 'M1' });
      return encodeEventBatch(b.take());
    },
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.device\[0\] = 0 \(no device\), but a kind 9 event is about a device/,
  ],
  [
    'code index past the dictionary',
    () => mutate(() => ({ code: [1, 1, 7] })),
    /^SMSIM_ERR_BATCH_INVALID: EventBatch\.code\[2\] = 7 is out of range 0\.\.1/,
  ],
];

describe('hostile batches', () => {
  it.each(HOSTILE)('%s: refused with its code, counted, the stream carries on', async (_name, hostile, message) => {
    const pipeline = recordingPipeline();
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline) });
    const s = open(server.address);
    s.send('run/h', 1, valid(100));
    s.send('run/h', 2, hostile());
    s.send('run/h', 3, valid(300));
    const acks = await s.take(3);
    expect(acks.map((a) => [a.sequence, a.ackedThrough, a.status])).toEqual([
      [1, 1, AckStatus.OK],
      [2, 2, AckStatus.REJECTED],
      [3, 3, AckStatus.OK],
    ]);
    expect(acks[1]?.message).toMatch(message);
    expect(pipeline.applied).toEqual([100, 300]);
    expect(server.stats()).toMatchObject({ batchesAccepted: 2, rejectedBatches: 1, eventsAccepted: 6 });
  });

  it('sequence 0: REJECTED, consumes nothing', async () => {
    server = await startPipelineServer({ runs: new RunRegistry(() => recordingPipeline()) });
    const s = open(server.address);
    s.send('run/z', 0, valid(1));
    expect((await s.take(1))[0]).toMatchObject({
      status: AckStatus.REJECTED,
      ackedThrough: 0,
      message: expect.stringMatching(/sequence must start at 1/) as string,
    });
  });

  // Call-level refusals: nothing in the envelope can be acked, so the call ends with a status.
  const CALL_LEVEL: Array<[string, (s: RawIngestStream) => void, grpc.status, RegExp]> = [
    [
      'malformed envelope',
      (s) => s.writeRaw(Uint8Array.from([0x12, 0x05, 0x01])),
      grpc.status.INVALID_ARGUMENT,
      /IngestRequest: .* at byte/,
    ],
    [
      'oversized message',
      (s) => s.send('run/big', 1, new Uint8Array(70_000)),
      grpc.status.RESOURCE_EXHAUSTED,
      /IngestRequest of \d+ bytes exceeds the server's limit of 65536 bytes/,
    ],
  ];
  it.each(CALL_LEVEL)(
    '%s: the call ends with its status, is counted, and other streams are served',
    async (_name, write, code, details) => {
      const pipeline = recordingPipeline();
      server = await startPipelineServer({ runs: new RunRegistry(() => pipeline), maxMessageBytes: 65_536 });
      const bad = open(server.address);
      write(bad);
      const status = await bad.status();
      expect(status.code).toBe(code);
      expect(status.details).toMatch(details);
      expect(server.stats().refusedCalls).toBe(1);
      const good = open(server.address);
      good.send('run/ok', 1, valid(500));
      expect((await good.take(1))[0]).toMatchObject({ status: AckStatus.OK, ackedThrough: 1 });
      expect(pipeline.applied).toEqual([500]);
    },
  );

  it('refuses streams past --max-streams with UNAVAILABLE (the emitter backs off and retries)', async () => {
    server = await startPipelineServer({ runs: new RunRegistry(() => recordingPipeline()), maxStreams: 1 });
    const first = open(server.address);
    first.send('run/1', 1, valid(1));
    await first.take(1);
    // Its own connection: on a shared one, HTTP/2's max_concurrent_streams (same limit) would queue it.
    const second = open(server.address, { channel: { 'grpc.use_local_subchannel_pool': 1 } });
    second.send('run/2', 1, valid(2));
    const status = await second.status();
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    expect(status.details).toMatch(/server busy: 1 Ingest streams open \(limit 1\)/);
    expect(server.stats().refusedCalls).toBe(1);
    // A slot frees when a stream is cancelled, and when it ends normally (emitter finish()).
    first.close();
    for (let i = 0; i < 3; i++) {
      const e = createIngestEmitter({ target: server.address, streamId: `run/seq-${i}` });
      await e.send(valid(10 + i), 3);
      expect((await e.finish()).batchesAcked).toBe(1);
    }
  });
});

describe('fuzz: random and mutated batches (fast-check)', () => {
  const base = decodeEventBatch(valid(1, 20));
  const baseBytes = encodeEventBatch(base);

  /** Random bytes, or the valid batch with bytes flipped, cut or spliced. */
  const hostileBytes = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = Uint8Array.from(baseBytes);
      for (const f of flips) b[f.at % b.length] = f.value;
      return b;
    }),
    fc.nat().map((cut) => baseBytes.subarray(0, cut % baseBytes.length)),
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 20 })).map(([at, junk]) => {
      const p = at % baseBytes.length;
      return Uint8Array.from([...baseBytes.subarray(0, p), ...junk, ...baseBytes.subarray(p)]);
    }),
  );

  it('receiveBatch never throws, answers OK or REJECTED with a coded message, and never loses a valid batch', () => {
    fc.assert(
      fc.property(fc.array(hostileBytes, { minLength: 1, maxLength: 10 }), (batches) => {
        const state = createIngestState();
        const pipeline = recordingPipeline();
        let validSeq = 0;
        batches.forEach((bytes, i) => {
          const ack = receiveBatch(state, pipeline, { runId: '', streamId: 'fuzz', sequence: i + 1, batchBytes: bytes });
          expect(ack.ackedThrough).toBe(i + 1);
          if (ack.status === AckStatus.REJECTED) expect(ack.message).toMatch(/^SMSIM_ERR_BATCH_INVALID: /);
          else expect(ack.status).toBe(AckStatus.OK);
          // A valid stream interleaved with the garbage: every one of its batches is applied.
          const before = pipeline.applied.length;
          const okAck = receiveBatch(state, pipeline, {
            runId: '',
            streamId: 'valid',
            sequence: ++validSeq,
            batchBytes: valid(10_000 + validSeq),
          });
          expect(okAck.status).toBe(AckStatus.OK);
          expect(pipeline.applied.length).toBe(before + 1);
        });
        const fuzz = state.streams.get('fuzz');
        expect((fuzz?.batchesAccepted ?? 0) + (fuzz?.rejectedBatches ?? 0)).toBe(batches.length);
        expect(state.streams.get('valid')?.batchesAccepted).toBe(batches.length);
      }),
      { numRuns: 300 },
    );
  });

  it('over gRPC: random envelopes end the call or are acked; the server keeps serving', async () => {
    const pipeline = recordingPipeline();
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline) });
    const address = server.address;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
          hostileBytes.map((b) => encodeIngestRequest('fz', 1, b)),
        ),
        async (bytes) => {
          const s = open(address);
          s.writeRaw(bytes);
          s.send('fz-after', 1, new Uint8Array(0));
          const acks = await s.take(2);
          if (acks.length < 2) expect((await s.status()).code).toBe(grpc.status.INVALID_ARGUMENT);
          s.close();
        },
      ),
      { numRuns: 30 },
    );
    const after = open(address);
    after.send('run/after-fuzz', 1, valid(4242));
    expect((await after.take(1))[0]).toMatchObject({ status: AckStatus.OK });
    expect(pipeline.applied).toContain(4242);
  }, 60_000);
});
