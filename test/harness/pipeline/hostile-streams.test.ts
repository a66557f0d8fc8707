import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { startPipelineServer, type PipelineServer } from '../../../harness/pipeline/ingest-server.js';
import type { Journal } from '../../../harness/pipeline/journal.js';
import { RunRegistry } from '../../../harness/pipeline/run-registry.js';
import { AckStatus } from '../../../wire/messages.js';
import { createIngestEmitter } from '../../../wire/emitter.js';
import { STREAMS_PER_CONNECTION } from '../../../wire/emitter-channel.js';
import { recordingPipeline, taggedBatch } from '../../helpers/batches.js';
import { rawStreamsClosedAfterEach, type RawIngestStream } from '../../helpers/raw-ingest.js';

/**
 * Hardening round 2, finding 3, on a real gRPC server on 127.0.0.1: idle streams cannot hold the
 * server's stream slots (they are ended after --stream-idle-timeout), one connection cannot take
 * them all (--max-streams-per-connection), and neither harms an honest emitter.
 */

let server: PipelineServer | undefined;
afterEach(async () => {
  await server?.stop({ graceMs: 0 });
  server = undefined;
});
const openStream = rawStreamsClosedAfterEach();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw stream on a connection of its own, or on the shared one. */
function open(address: string, ownConnection = true): RawIngestStream {
  return openStream(address, ownConnection ? { channel: { 'grpc.use_local_subchannel_pool': 1 } } : {});
}

describe('idle Ingest streams', () => {
  it('a stream that sends nothing is ended after the idle timeout, and frees its slot for another client', async () => {
    server = await startPipelineServer({ runs: new RunRegistry(() => recordingPipeline()), maxStreams: 2, streamIdleTimeoutMs: 300 });
    // Each opens a call (its headers go out at once) and never sends a request.
    const idle = [open(server.address), open(server.address)];
    await sleep(100);
    const busy = open(server.address);
    busy.send('late', 1, taggedBatch(1));
    expect((await busy.status()).details).toMatch(/^server busy: 2 Ingest streams open \(limit 2\)/);
    const ended = await Promise.all(idle.map((s) => s.status()));
    for (const status of ended) {
      expect(status.code).toBe(grpc.status.UNAVAILABLE);
      expect(status.details).toBe(
        'Ingest stream idle for 0.3 s (--stream-idle-timeout): ended by the pipeline; open a new one to send more',
      );
    }
    const honest = open(server.address);
    honest.send('honest', 1, taggedBatch(2));
    expect((await honest.take(1))[0]).toMatchObject({ status: AckStatus.OK });
    // Idle ends are not refusals: only the "server busy" call is counted.
    expect(server.stats().refusedCalls).toBe(1);
  });

  it('a stream that keeps sending, or is owed acks, is never ended; an emitter that pauses past the timeout loses nothing', async () => {
    const pipeline = recordingPipeline();
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline), streamIdleTimeoutMs: 200 });
    const s = open(server.address);
    for (let seq = 1; seq <= 8; seq++) {
      s.send('steady', seq, taggedBatch(seq));
      await sleep(100);
    }
    expect((await s.take(8)).map((a) => a.ackedThrough)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Owed an ack for 3× the timeout (a journal slow to be durable): the call stays.
    await server.stop({ graceMs: 0 });
    let slow = true;
    const waiting: Array<() => void> = [];
    const journal: Journal = {
      file: 'slow',
      fsync: 'batch',
      append: () => undefined,
      durable: () => (slow ? new Promise<void>((r) => waiting.push(r)) : Promise.resolve()),
      stats: () => ({ records: 0, bytes: 0, commits: 0 }),
      close: async () => undefined,
    };
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline), journal, streamIdleTimeoutMs: 200 });
    const owed = open(server.address);
    owed.send('owed', 1, taggedBatch(50));
    await sleep(600);
    slow = false;
    for (const release of waiting) release();
    expect((await owed.take(1))[0]).toMatchObject({ status: AckStatus.OK, ackedThrough: 1 });

    // A paced emitter with gaps of 2.5× the timeout: each gap ends its call, the next batch opens one.
    const e = createIngestEmitter({ target: server.address, streamId: 'paced' });
    for (let i = 0; i < 3; i++) {
      await e.send(taggedBatch(100 + i), 3);
      await sleep(500);
    }
    const stats = await e.finish();
    expect(stats).toMatchObject({ batchesSent: 3, batchesAcked: 3, resentBatches: 0 });
    expect(server.stats().streams.find((x) => x.streamId === 'paced')).toMatchObject({ ackedThrough: 3, eventsAccepted: 9 });
    expect(server.stats().duplicateBatches).toBe(0);
  });
});

describe('streams per connection', () => {
  it('one connection holds at most --max-streams-per-connection streams; other connections are served', async () => {
    const pipeline = recordingPipeline();
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline), maxStreams: 100, maxStreamsPerConnection: 4 });
    // Six streams on the one shared connection: HTTP/2 holds back the last two at the client.
    const shared = Array.from({ length: 6 }, () => open(server?.address as string, false));
    for (const [i, s] of shared.entries()) s.send(`shared-${i}`, 1, taggedBatch(i));
    await Promise.all(shared.slice(0, 4).map((s) => s.take(1)));
    const other = open(server.address);
    other.send('other', 1, taggedBatch(99));
    expect((await other.take(1))[0]).toMatchObject({ status: AckStatus.OK });
    await sleep(200);
    expect(pipeline.applied).toHaveLength(5);
    // A slot frees: a held-back stream goes out.
    shared[0]?.close();
    await Promise.race(shared.slice(4).map((s) => s.take(1)));
    expect(pipeline.applied).toHaveLength(6);
  });

  it(`smsim's emitter puts at most ${STREAMS_PER_CONNECTION} streams on a connection, so a per-connection limit never holds it back`, async () => {
    const pipeline = recordingPipeline();
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline), maxStreams: 1000, maxStreamsPerConnection: 100 });
    // 130 open at once, as a paced run on one worker opens its shards: 3 connections.
    const emitters = Array.from({ length: 130 }, (_, i) => createIngestEmitter({ target: server?.address as string, streamId: `e-${i}` }));
    await Promise.all(emitters.map((e, i) => e.send(taggedBatch(1000 + i), 3)));
    expect(server.sessionWindows()).toHaveLength(3);
    const stats = await Promise.all(emitters.map((e) => e.finish()));
    expect(stats.every((x) => x.batchesAcked === 1)).toBe(true);
    expect(pipeline.applied).toHaveLength(130);
  }, 30_000);
});
