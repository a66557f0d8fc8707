import { createServer } from 'node:net';
import type { Server as NetServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { isSmsimError } from '../../../simulator/core/errors.js';
import type { MeasurementPipeline } from '../../../harness/pipeline/measurement-pipeline.js';
import { startPipelineServer } from '../../../harness/pipeline/ingest-server.js';
import type { PipelineServer } from '../../../harness/pipeline/ingest-server.js';
import { fetchReport } from '../../../harness/pipeline/report-client.js';
import { AckStatus } from '../../../wire/messages.js';
import { decodeEventBatch } from '../../../wire/codec.js';
import { protoTypes } from '../../../wire/proto-root.js';
import { T0, recordingPipeline as recorder, taggedBatch } from '../../helpers/batches.js';
import { RunRegistry } from '../../../harness/pipeline/run-registry.js';
import { rawIngestStream } from '../../helpers/raw-ingest.js';

/** A well-formed protobuf batch with one event of kind 99. */
function badKindBatch(): Uint8Array {
  const view = decodeEventBatch(taggedBatch(200, 1));
  return protoTypes()
    .EventBatch.encode({ ...view, kind: [99] })
    .finish();
}

/** Records the first request id of every applied batch; Report answers one sample counting them. */
function recordingPipeline(opts: { throwOnTag?: number } = {}): MeasurementPipeline & { applied: number[] } {
  return recorder({
    ...opts,
    report: (asOfMs, applied) => [{ id: 'test.applied', labels: { asOf: String(asOfMs), b: '2', a: '1' }, value: applied.length }],
  });
}

const rawStream = (address: string) => rawIngestStream(address);

type RawStream = ReturnType<typeof rawStream>;

let server: PipelineServer | undefined;
const streams: RawStream[] = [];
const netServers: NetServer[] = [];

afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  for (const n of netServers.splice(0)) await new Promise((r) => n.close(r));
  await server?.stop({ graceMs: 0 });
  server = undefined;
});

async function start(pipeline: MeasurementPipeline, extra: { maxMessageBytes?: number; receiveWindowBytes?: number } = {}) {
  server = await startPipelineServer({ runs: new RunRegistry(() => pipeline), ...extra });
  return server;
}

function open(address: string): RawStream {
  const s = rawStream(address);
  streams.push(s);
  return s;
}

describe('Ingest server', () => {
  it('acks cumulatively and applies each batch once, in order', async () => {
    const pipeline = recordingPipeline();
    const srv = await start(pipeline);
    const s = open(srv.address);
    for (let seq = 1; seq <= 5; seq++) s.send('run/a', seq, taggedBatch(seq * 100));
    const acks = await s.take(5);
    expect(acks.map((a) => [a.sequence, a.ackedThrough, a.status])).toEqual([1, 2, 3, 4, 5].map((q) => [q, q, AckStatus.OK]));
    expect(acks.every((a) => a.streamId === 'run/a')).toBe(true);
    expect(pipeline.applied).toEqual([100, 200, 300, 400, 500]);
    expect(srv.stats()).toEqual({
      batchesAccepted: 5,
      eventsAccepted: 15,
      duplicateBatches: 0,
      duplicateEvents: 0,
      rejectedBatches: 0,
      rejectedEvents: 0,
      refusedCalls: 0,
      lostBatches: 0,
      streams: [{ streamId: 'run/a', ackedThrough: 5, eventsAccepted: 15, lostBatches: 0 }],
    });
  });

  it('counts a resend of acked sequences as duplicates, acks it and does not apply it again', async () => {
    const pipeline = recordingPipeline();
    const srv = await start(pipeline);
    const first = open(srv.address);
    for (let seq = 1; seq <= 3; seq++) first.send('s', seq, taggedBatch(seq * 100));
    await first.take(3);
    // A reconnecting emitter resends 2..4 on a new connection: 2, 3 are duplicates, 4 is new.
    const second = open(srv.address);
    for (let seq = 2; seq <= 4; seq++) second.send('s', seq, taggedBatch(seq * 100));
    const acks = await second.take(3);
    expect(acks.map((a) => [a.sequence, a.ackedThrough, a.status])).toEqual([
      [2, 3, AckStatus.OK],
      [3, 3, AckStatus.OK],
      [4, 4, AckStatus.OK],
    ]);
    expect(pipeline.applied).toEqual([100, 200, 300, 400]);
    expect(srv.stats()).toMatchObject({ batchesAccepted: 4, duplicateBatches: 2, duplicateEvents: 6 });
  });

  it('answers a gap with OUT_OF_ORDER and leaves acked_through unchanged', async () => {
    const pipeline = recordingPipeline();
    const srv = await start(pipeline);
    const s = open(srv.address);
    s.send('s', 1, taggedBatch(100));
    s.send('s', 3, taggedBatch(300));
    s.send('s', 2, taggedBatch(200));
    const acks = await s.take(3);
    expect(acks.map((a) => [a.sequence, a.ackedThrough, a.status])).toEqual([
      [1, 1, AckStatus.OK],
      [3, 1, AckStatus.OUT_OF_ORDER],
      [2, 2, AckStatus.OK],
    ]);
    expect(acks[1]?.message).toMatch(/resend from 2/);
    expect(pipeline.applied).toEqual([100, 200]);
  });

  it('rejects an invalid batch with a message, counts it, consumes its sequence and carries on', async () => {
    const pipeline = recordingPipeline();
    const srv = await start(pipeline);
    const s = open(srv.address);
    s.send('s', 1, taggedBatch(100));
    s.send('s', 2, badKindBatch());
    s.send('s', 3, Uint8Array.from([0xff, 0xff])); // not protobuf
    s.send('s', 4, taggedBatch(400));
    const acks = await s.take(4);
    expect(acks.map((a) => [a.sequence, a.ackedThrough, a.status])).toEqual([
      [1, 1, AckStatus.OK],
      [2, 2, AckStatus.REJECTED],
      [3, 3, AckStatus.REJECTED],
      [4, 4, AckStatus.OK],
    ]);
    expect(acks[1]?.message).toMatch(/EventBatch\.kind\[0\] = 99/);
    expect(acks[2]?.message).toMatch(/not valid protobuf/);
    expect(pipeline.applied).toEqual([100, 400]);
    expect(srv.stats()).toMatchObject({ batchesAccepted: 2, rejectedBatches: 2, rejectedEvents: 1 });
  });

  it('rejects sequence 0 without consuming anything', async () => {
    const srv = await start(recordingPipeline());
    const s = open(srv.address);
    s.send('s', 0, taggedBatch(100));
    s.send('s', 1, taggedBatch(100));
    const acks = await s.take(2);
    expect(acks.map((a) => [a.sequence, a.ackedThrough, a.status])).toEqual([
      [0, 0, AckStatus.REJECTED],
      [1, 1, AckStatus.OK],
    ]);
  });

  it('survives a pipeline whose apply() throws: that batch is rejected and counted', async () => {
    const pipeline = recordingPipeline({ throwOnTag: 200 });
    const srv = await start(pipeline);
    const s = open(srv.address);
    for (let seq = 1; seq <= 3; seq++) s.send('s', seq, taggedBatch(seq * 100));
    const acks = await s.take(3);
    expect(acks.map((a) => a.status)).toEqual([AckStatus.OK, AckStatus.REJECTED, AckStatus.OK]);
    expect(acks[1]?.message).toMatch(/failed to apply the batch: boom at 200/);
    expect(pipeline.applied).toEqual([100, 300]);
    expect(srv.stats()).toMatchObject({ batchesAccepted: 2, rejectedBatches: 1, rejectedEvents: 3 });
    // The server still takes new streams.
    const again = open(srv.address);
    again.send('t', 1, taggedBatch(900));
    expect((await again.take(1))[0]?.status).toBe(AckStatus.OK);
  });

  it('ends a stream whose envelope is malformed with INVALID_ARGUMENT and keeps serving', async () => {
    const srv = await start(recordingPipeline());
    const bad = open(srv.address);
    bad.writeRaw(Uint8Array.from([0x10])); // truncated varint
    const status = await bad.status();
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/IngestRequest: truncated varint/);
    const good = open(srv.address);
    good.send('s', 1, taggedBatch(100));
    expect((await good.take(1))[0]?.status).toBe(AckStatus.OK);
  });

  it('refuses a message over maxMessageBytes with RESOURCE_EXHAUSTED', async () => {
    const srv = await start(recordingPipeline(), { maxMessageBytes: 1024 });
    const s = open(srv.address);
    s.send('s', 1, taggedBatch(100, 200));
    expect((await s.status()).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(srv.stats().batchesAccepted).toBe(0);
  });

  it('keeps separate sequences per stream id', async () => {
    const pipeline = recordingPipeline();
    const srv = await start(pipeline);
    const s = open(srv.address);
    s.send('a', 1, taggedBatch(100));
    s.send('b', 1, taggedBatch(200));
    s.send('a', 2, taggedBatch(300));
    const acks = await s.take(3);
    expect(acks.map((a) => [a.streamId, a.ackedThrough])).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
    ]);
    expect(srv.stats().streams.map((x) => x.streamId)).toEqual(['a', 'b']);
  });

  it('Report returns the pipeline metrics and the ingest stats', async () => {
    const srv = await start(recordingPipeline());
    const s = open(srv.address);
    s.send('s', 1, taggedBatch(100));
    s.send('s', 1, taggedBatch(100));
    await s.take(2);
    const report = await fetchReport(srv.address, '', T0, { timeoutMs: 5000 });
    expect(report.metrics).toEqual([{ id: 'test.applied', labels: { a: '1', asOf: String(T0), b: '2' }, value: 1 }]);
    expect(Object.getPrototypeOf(report.metrics[0]?.labels)).toBe(Object.prototype);
    expect(report.stats).toEqual({
      batchesAccepted: 1,
      eventsAccepted: 3,
      duplicateBatches: 1,
      duplicateEvents: 3,
      rejectedBatches: 0,
      rejectedEvents: 0,
      refusedCalls: 0,
      lostBatches: 0,
      streams: [{ streamId: 's', ackedThrough: 1, eventsAccepted: 3, lostBatches: 0 }],
    });
  });

  it('Report failures map to SMSIM_ERR_REPORT_FAILED', async () => {
    const pipeline = recordingPipeline();
    pipeline.report = () => {
      throw new Error('no metrics today');
    };
    const srv = await start(pipeline);
    const s = open(srv.address);
    s.send('s', 1, taggedBatch(100), 'r1');
    await s.take(1);
    // The failure keeps the code the pipeline gave it, and its message, on the client's side.
    await expect(fetchReport(srv.address, 'r1', 0, { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'SMSIM_ERR_REPORT_FAILED',
      message: expect.stringMatching(/reported: no metrics today/) as string,
    });
    // A run the pipeline does not hold is answered empty, without asking any pipeline.
    await expect(fetchReport(srv.address, 'r2', 0, { timeoutMs: 5000 })).resolves.toMatchObject({
      runId: 'r2',
      metrics: [],
      families: [],
      stats: { streams: [] },
    });
  });

  it('raises the HTTP/2 receive window of each connection to 8 MiB', async () => {
    const srv = await start(recordingPipeline());
    const s = open(srv.address);
    s.send('s', 1, taggedBatch(100));
    await s.take(1);
    // Both the connection window (setLocalWindowSize) and the per-stream initial window (SETTINGS).
    expect(srv.sessionWindows()).toEqual([{ connection: 8 * 1024 * 1024, stream: 8 * 1024 * 1024 }]);
  });

  it('leaves the window at the 64 KiB default when asked to (receiveWindowBytes: 0)', async () => {
    const srv = await start(recordingPipeline(), { receiveWindowBytes: 0 });
    const s = open(srv.address);
    s.send('s', 1, taggedBatch(100));
    await s.take(1);
    expect(srv.sessionWindows()).toEqual([{ connection: 65_535, stream: 65_535 }]);
  });

  it('fails with SMSIM_ERR_ADDRESS_IN_USE naming host:port when the port is taken', async () => {
    const blocker = createServer();
    netServers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const err: unknown = await startPipelineServer({ runs: new RunRegistry(() => recordingPipeline()), port }).catch((e: unknown) => e);
    expect(isSmsimError(err, 'SMSIM_ERR_ADDRESS_IN_USE')).toBe(true);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  });
});
