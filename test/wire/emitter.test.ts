import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBatchBuilder } from '../../simulator/core/domain/event-batch.js';
import type { EventBatchView } from '../../simulator/core/domain/event-batch.js';
import { EventKind } from '../../simulator/core/domain/vocabulary.js';
import { isSmsimError } from '../../simulator/core/errors.js';
import type { MeasurementPipeline } from '../../harness/pipeline/measurement-pipeline.js';
import { receiveBatch } from '../../harness/pipeline/ingest-delivery.js';
import { createIngestState } from '../../harness/pipeline/ingest-state.js';
import { startPipelineServer } from '../../harness/pipeline/ingest-server.js';
import type { PipelineServer } from '../../harness/pipeline/ingest-server.js';
import { AckStatus } from '../../wire/messages.js';
import { encodeEventBatch } from '../../wire/codec.js';
import type { IngestAck } from '../../wire/messages.js';
import { createIngestEmitter } from '../../wire/emitter.js';
import type { IngestEmitter, IngestEmitterOptions } from '../../wire/emitter-api.js';
import { ingestServiceDefinition } from '../../wire/services.js';
import type { ReceivedIngestRequest } from '../../wire/services.js';
import { recordingPipeline as recorder } from '../helpers/batches.js';
import { RunRegistry } from '../../harness/pipeline/run-registry.js';
import { freePort } from '../helpers/cli.js';

const T0 = 1_772_409_600_000;
const EVENTS_PER_BATCH = 5;

/** Batch `tag`: EVENTS_PER_BATCH service requests whose first request id is `tag`. */
function taggedBatch(tag: number): Uint8Array {
  const b = new EventBatchBuilder(EVENTS_PER_BATCH);
  for (let i = 0; i < EVENTS_PER_BATCH; i++)
    b.add({ kind: EventKind.SERVICE_REQUEST, timeMs: T0 + tag, code: '8.1.1', requestId: tag * 1000 + i });
  return encodeEventBatch(b.take());
}

function tagOf(batch: EventBatchView): number {
  return Math.floor((batch.requestId[0] as number) / 1000);
}

/** Records the tag of every applied batch (calling `onApply` with it). */
const recordingPipeline = (onApply?: (tag: number) => void): MeasurementPipeline & { applied: number[] } => recorder({ tagOf, onApply });

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

const servers: PipelineServer[] = [];
const fakes: grpc.Server[] = [];
const emitters: IngestEmitter[] = [];

afterEach(async () => {
  for (const e of emitters.splice(0)) e.abort();
  for (const f of fakes.splice(0)) f.forceShutdown();
  await Promise.all(servers.splice(0).map((s) => s.stop({ graceMs: 0 })));
});

function emitter(options: IngestEmitterOptions): IngestEmitter {
  const e = createIngestEmitter(options);
  emitters.push(e);
  return e;
}

async function pipelineServer(pipeline: MeasurementPipeline, extra: { port?: number; runs?: RunRegistry } = {}): Promise<PipelineServer> {
  const s = await startPipelineServer({
    runs: extra.runs ?? new RunRegistry(() => pipeline),
    ...(extra.port === undefined ? {} : { port: extra.port }),
  });
  servers.push(s);
  return s;
}

/** A hand-written Ingest server, for behaviours the real one never shows. */
async function fakeIngest(handler: grpc.handleBidiStreamingCall<ReceivedIngestRequest, IngestAck>): Promise<string> {
  const server = new grpc.Server();
  fakes.push(server);
  server.addService(ingestServiceDefinition, { Stream: handler });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err))),
  );
  return `127.0.0.1:${port}`;
}

describe('Ingest emitter', () => {
  it('delivers N batches, each applied and acked exactly once', async () => {
    const pipeline = recordingPipeline();
    const srv = await pipelineServer(pipeline);
    const acked: number[] = [];
    const e = emitter({ target: srv.address, streamId: 'run/shard-0000', onAck: (n) => acked.push(n) });
    for (const tag of range(50)) await e.send(taggedBatch(tag), EVENTS_PER_BATCH);
    const stats = await e.finish();
    expect(pipeline.applied).toEqual(range(50));
    expect(stats).toEqual({
      streamId: 'run/shard-0000',
      batchesSent: 50,
      eventsSent: 250,
      batchesAcked: 50,
      eventsAcked: 250,
      resentBatches: 0,
      rejectedBatches: [],
      reconnects: 0,
    });
    expect(acked.at(-1)).toBe(50);
    expect([...acked].sort((a, b) => a - b)).toEqual(acked);
    expect(srv.stats()).toMatchObject({ batchesAccepted: 50, duplicateBatches: 0 });
  });

  it('reports rejected batches with their messages and carries on', async () => {
    const pipeline = recordingPipeline();
    const srv = await pipelineServer(pipeline);
    const e = emitter({ target: srv.address, streamId: 's' });
    await e.send(taggedBatch(1), EVENTS_PER_BATCH);
    await e.send(Uint8Array.from([0xff, 0xff]), 7);
    await e.send(taggedBatch(3), EVENTS_PER_BATCH);
    const stats = await e.finish();
    expect(pipeline.applied).toEqual([1, 3]);
    expect(stats.batchesAcked).toBe(2);
    expect(stats.rejectedBatches).toEqual([{ sequence: 2, eventCount: 7, message: expect.stringMatching(/not valid protobuf/) as string }]);
  });

  it('finish() without any send neither connects nor fails', async () => {
    const e = emitter({ target: `127.0.0.1:${await freePort()}`, streamId: 's', connectTimeoutMs: 200 });
    expect((await e.finish()).batchesSent).toBe(0);
  });

  it('survives a pipeline restart on the same port: reconnects, resends, nothing lost or applied twice', async () => {
    const N = 120;
    // What a journal will persist; survives the restart here.
    const runs = new RunRegistry(() => pipeline);
    let restarted: Promise<PipelineServer> | undefined;
    let first: PipelineServer | undefined;
    const pipeline = recordingPipeline((tag) => {
      if (tag !== 40 || restarted !== undefined || first === undefined) return;
      // Cut every connection while batch 40 is applied: its ack is never sent, so the emitter
      // must resend it and the restarted server must count it as a duplicate.
      const port = first.port;
      restarted = first
        .stop({ graceMs: 0 })
        .then(() => new Promise((r) => setTimeout(r, 150)).then(() => pipelineServer(pipeline, { port, runs })));
    });
    first = await pipelineServer(pipeline, { runs });
    const e = emitter({ target: first.address, streamId: 'run/shard-0001', maxInFlightBatches: 8, backoffSeed: 7 });
    for (const tag of range(N)) await e.send(taggedBatch(tag), EVENTS_PER_BATCH);
    const stats = await e.finish();
    expect(restarted).toBeDefined();
    const second = await (restarted as Promise<PipelineServer>);
    expect(pipeline.applied).toEqual(range(N));
    expect(stats.batchesAcked).toBe(N);
    expect(stats.eventsAcked).toBe(N * EVENTS_PER_BATCH);
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(stats.resentBatches).toBeGreaterThanOrEqual(1);
    const s = second.stats();
    expect(s.batchesAccepted).toBe(N);
    expect(s.duplicateBatches).toBeGreaterThanOrEqual(1);
    expect(s.duplicateEvents).toBe(s.duplicateBatches * EVENTS_PER_BATCH);
    expect(s.streams).toEqual([{ streamId: 'run/shard-0001', ackedThrough: N, eventsAccepted: N * EVENTS_PER_BATCH, lostBatches: 0 }]);
  });

  it('rewinds on OUT_OF_ORDER and resends from acked_through + 1 on the same stream', async () => {
    const pipeline = recordingPipeline();
    const state = createIngestState();
    let dropped = false;
    const address = await fakeIngest((call) => {
      call.on('error', () => undefined);
      call.on('data', (req: ReceivedIngestRequest) => {
        if ('malformed' in req) throw req.malformed;
        // Lose the first copy of batch 3 on the way in: 4, 5, … arrive after a gap.
        if (req.sequence === 3 && !dropped) {
          dropped = true;
          return;
        }
        call.write(receiveBatch(state, pipeline, req));
      });
      call.on('end', () => call.end());
    });
    const e = emitter({ target: address, streamId: 's', maxInFlightBatches: 4 });
    for (const tag of range(20)) await e.send(taggedBatch(tag), EVENTS_PER_BATCH);
    const stats = await e.finish();
    expect(pipeline.applied).toEqual(range(20));
    expect(stats.resentBatches).toBeGreaterThanOrEqual(1);
    expect(stats.reconnects).toBe(0);
    expect(stats.batchesAcked).toBe(20);
  });

  it('never has more than maxInFlightBatches unacked when the pipeline acks slowly', async () => {
    const MAX = 4;
    let received = 0;
    let acked = 0;
    let maxOutstanding = 0;
    const address = await fakeIngest((call) => {
      call.on('error', () => undefined);
      const queue: IngestAck[] = [];
      const timer = setInterval(() => {
        const ack = queue.shift();
        if (ack === undefined) return;
        acked = ack.ackedThrough;
        call.write(ack);
      }, 3);
      call.on('data', (req: ReceivedIngestRequest) => {
        if ('malformed' in req) throw req.malformed;
        received = Math.max(received, req.sequence);
        maxOutstanding = Math.max(maxOutstanding, received - acked);
        queue.push({ streamId: req.streamId, ackedThrough: req.sequence, status: AckStatus.OK, sequence: req.sequence, message: '' });
      });
      call.on('end', () => {
        clearInterval(timer);
        call.end();
      });
      call.on('close', () => clearInterval(timer));
    });
    const e = emitter({ target: address, streamId: 's', maxInFlightBatches: MAX });
    let maxUnacked = 0;
    for (const tag of range(40)) {
      await e.send(taggedBatch(tag), EVENTS_PER_BATCH);
      maxUnacked = Math.max(maxUnacked, e.unacked);
      expect(e.unacked).toBeLessThan(MAX);
    }
    const stats = await e.finish();
    expect(stats.batchesAcked).toBe(40);
    expect(maxOutstanding).toBeLessThanOrEqual(MAX);
    expect(maxOutstanding).toBeGreaterThan(1); // the window was actually used
    expect(maxUnacked).toBe(MAX - 1);
  });

  it('cuts a call that gets no ack within ackTimeoutMs and resumes on a new one (stall, then recover)', async () => {
    const pipeline = recordingPipeline();
    const state = createIngestState();
    let calls = 0;
    const address = await fakeIngest((call) => {
      const stalled = ++calls === 1;
      call.on('error', () => undefined);
      call.on('data', (req: ReceivedIngestRequest) => {
        // The first call takes everything and answers nothing, like a hung pipeline.
        if ('malformed' in req || stalled) return;
        call.write(receiveBatch(state, pipeline, req));
      });
      call.on('end', () => call.end());
    });
    const e = emitter({ target: address, streamId: 's', ackTimeoutMs: 200, backoffSeed: 1 });
    for (const tag of range(5)) await e.send(taggedBatch(tag), EVENTS_PER_BATCH);
    const stats = await e.finish();
    expect(stats.batchesAcked).toBe(5);
    expect(pipeline.applied).toEqual(range(5));
    expect(calls).toBe(2);
    expect(stats.reconnects).toBe(1);
    expect(stats.resentBatches).toBe(5);
  });

  it('ends a stall that never recovers with SMSIM_ERR_STREAM_FAILED saying so, instead of hanging', async () => {
    const address = await fakeIngest((call) => {
      call.on('error', () => undefined);
      call.on('data', () => undefined);
    });
    const e = emitter({ target: address, streamId: 's', ackTimeoutMs: 100, connectTimeoutMs: 400, backoffSeed: 1 });
    const err: unknown = await e
      .send(taggedBatch(1), EVENTS_PER_BATCH)
      .then(() => e.finish())
      .catch((x: unknown) => x);
    expect(isSmsimError(err, 'SMSIM_ERR_STREAM_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/no ack for 100 ms with 1 batches unacked \(is the pipeline stalled\?\)/);
    expect((err as Error).message).toContain(address);
  });

  it('gives up on an unreachable target with SMSIM_ERR_TARGET_UNREACHABLE naming it', async () => {
    const target = `127.0.0.1:${await freePort()}`;
    const e = emitter({ target, streamId: 's', connectTimeoutMs: 300 });
    const err: unknown = await e.send(taggedBatch(1), EVENTS_PER_BATCH).catch((x: unknown) => x);
    expect(isSmsimError(err, 'SMSIM_ERR_TARGET_UNREACHABLE')).toBe(true);
    expect((err as Error).message).toContain(target);
    // Later calls fail the same way instead of hanging.
    await expect(e.send(taggedBatch(2), EVENTS_PER_BATCH)).rejects.toBe(err);
    await expect(e.finish()).rejects.toBe(err);
  });

  it('gives up after maxReconnects when every stream dies at once', async () => {
    let calls = 0;
    const address = await fakeIngest((call) => {
      calls++;
      call.on('error', () => undefined);
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'draining' });
    });
    const e = emitter({ target: address, streamId: 's', maxReconnects: 3, backoffSeed: 1 });
    // send() resolves once written; the failure surfaces in finish() (or a later send()).
    const err: unknown = await e
      .send(taggedBatch(1), EVENTS_PER_BATCH)
      .then(() => e.finish())
      .catch((x: unknown) => x);
    expect(isSmsimError(err, 'SMSIM_ERR_TARGET_UNREACHABLE')).toBe(true);
    expect((err as Error).message).toMatch(/gave up after 4 attempts/);
    expect(calls).toBe(4);
    expect(e.stats().reconnects).toBe(3);
  });

  it('fails at once, without reconnecting, when the pipeline refuses the stream', async () => {
    let calls = 0;
    const address = await fakeIngest((call) => {
      calls++;
      call.on('error', () => undefined);
      call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: 'no token' });
    });
    const e = emitter({ target: address, streamId: 's' });
    const err: unknown = await e
      .send(taggedBatch(1), EVENTS_PER_BATCH)
      .then(() => e.finish())
      .catch((x: unknown) => x);
    expect(isSmsimError(err, 'SMSIM_ERR_STREAM_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/no token/);
    expect(calls).toBe(1);
  });

  it('refuses a batch over the message limit without consuming a sequence', async () => {
    const pipeline = recordingPipeline();
    const srv = await pipelineServer(pipeline);
    const e = emitter({ target: srv.address, streamId: 's', maxMessageBytes: 200 });
    await expect(e.send(new Uint8Array(500), 1)).rejects.toMatchObject({ code: 'SMSIM_ERR_BATCH_TOO_LARGE' });
    await e.send(taggedBatch(1), EVENTS_PER_BATCH);
    expect((await e.finish()).batchesAcked).toBe(1);
    expect(srv.stats().streams).toEqual([{ streamId: 's', ackedThrough: 1, eventsAccepted: EVENTS_PER_BATCH, lostBatches: 0 }]);
  });

  it('fails when the pipeline already holds more of this stream than was sent (stream id reused)', async () => {
    const runs = new RunRegistry(recordingPipeline);
    runs.get('').state.streams.set('s', {
      ackedThrough: 10,
      batchesAccepted: 10,
      eventsAccepted: 50,
      duplicateBatches: 0,
      duplicateEvents: 0,
      rejectedBatches: 0,
      rejectedEvents: 0,
      lostBatches: 0,
      lastEventMs: 0,
    });
    const srv = await pipelineServer(recordingPipeline(), { runs });
    const e = emitter({ target: srv.address, streamId: 's' });
    const sent = e.send(taggedBatch(1), EVENTS_PER_BATCH);
    await expect(sent.then(() => e.finish())).rejects.toMatchObject({
      code: 'SMSIM_ERR_STREAM_FAILED',
      message: expect.stringMatching(/stream id reused/) as string,
    });
  });
});
