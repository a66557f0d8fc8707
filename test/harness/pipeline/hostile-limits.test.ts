import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REPORT_BYTES } from '../../../simulator/core/domain/wire-limits.js';
import { openDurablePipeline } from '../../../harness/pipeline/durable-pipeline.js';
import { startPipelineServer, type PipelineServer } from '../../../harness/pipeline/ingest-server.js';
import { fetchReport } from '../../../harness/pipeline/report-client.js';
import { RunRegistry } from '../../../harness/pipeline/run-registry.js';
import { AckStatus, encodeReportResponse } from '../../../wire/messages.js';
import { encodeIngestRequest } from '../../../wire/envelope.js';
import { createIngestEmitter } from '../../../wire/emitter.js';
import { ReportingClient, callReporting } from '../../../wire/services.js';
import { batchOfAbout, plainEnvelope, repeatedEnvelopeOfAbout } from '../../../bench/envelope-decode.js';
import { recordingPipeline, taggedBatch } from '../../helpers/batches.js';
import { rawStreamsClosedAfterEach } from '../../helpers/raw-ingest.js';

/**
 * Hardening round 2, findings 1 and 2, on a real gRPC server on 127.0.0.1: a repeated-field
 * message no longer blocks the server; the transport refuses a message past the limit, whatever
 * it holds, counted; and every size a client controls (ids, streams per run, runs) is bounded,
 * refused with a clear status, counted and never journalled, so no Report can outgrow a client.
 */

const MIB = 1024 * 1024;
let server: PipelineServer | undefined;
afterEach(async () => {
  await server?.stop({ graceMs: 0 });
  server = undefined;
});
const open = rawStreamsClosedAfterEach();

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await f();
  return [value, performance.now() - t];
}

describe('a repeated-field message (finding 1)', () => {
  it('a 4 MiB message of 2-byte batch pieces is applied as fast as a plain one, and a concurrent Report is answered', async () => {
    const pipeline = recordingPipeline({ tagOf: (b) => b.eventCount });
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline) });
    const address = server.address;
    const plain = plainEnvelope(batchOfAbout(4 * MIB - 1024));
    const repeated = repeatedEnvelopeOfAbout(4 * MIB - 1024, 2);
    expect(repeated.length).toBeLessThanOrEqual(4 * MIB);
    // Its own stream id for each (the last one wins): both are sequence 1 of a fresh stream.
    const withId = (m: Buffer, id: string): Buffer => Buffer.concat([m, Buffer.from([0x0a, id.length]), Buffer.from(id)]);
    const s = open(address);
    // Warm (connection, JIT, the 8 MiB window), then time the plain message: the reference.
    s.writeRaw(withId(plain, 'warm'));
    await s.take(1);
    const [, plainMs] = await timed(async () => {
      s.writeRaw(withId(plain, 'plain'));
      return s.take(1);
    });
    s.writeRaw(withId(repeated, 'pieces'));
    const [[ack], repeatedMs] = await timed(async () => {
      // The Report goes out right behind the hostile message and must not wait for minutes.
      const report = fetchReport(address, 'bench', 0, { timeoutMs: 120_000 });
      const acks = await s.take(1);
      await report;
      return acks;
    });
    expect(ack).toMatchObject({ streamId: 'pieces', status: AckStatus.OK, ackedThrough: 1 });
    console.log(`REPEATED ${JSON.stringify({ bytes: repeated.length, plainMs: Math.round(plainMs), repeatedMs: Math.round(repeatedMs) })}`);
    // A ratio to the plain message measured here (+0.5 s for the Report's own channel setup).
    expect(repeatedMs).toBeLessThan(20 * plainMs + 500);
    expect(pipeline.applied).toHaveLength(3);
  }, 180_000);
});

describe('the transport enforces --max-message-bytes exactly (finding 1)', () => {
  it('refuses a message past the limit whatever it holds, counts it and says so; twice the limit too', async () => {
    const pipeline = recordingPipeline();
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline), maxMessageBytes: 64 * 1024 });
    // Garbage that is not even an envelope: before, it was buffered and decoded (INVALID_ARGUMENT).
    for (const [i, bytes] of [70_000, 200_000].entries()) {
      const s = open(server.address);
      s.writeRaw(Buffer.alloc(bytes, 0xff));
      const status = await s.status();
      expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(status.details).toBe(`IngestRequest of ${bytes} bytes exceeds the server's limit of 65536 bytes (--max-message-bytes)`);
      expect(server.stats().refusedCalls).toBe(i + 1);
    }
    // Exactly the limit passes.
    const s = open(server.address);
    s.send('ok', 1, taggedBatch(100));
    const overhead = encodeIngestRequest('edge', 1, new Uint8Array(60_000)).length - 60_000;
    const exact = encodeIngestRequest('edge', 1, new Uint8Array(64 * 1024 - overhead));
    expect(exact.length).toBe(64 * 1024);
    s.writeRaw(exact);
    expect((await s.take(2)).map((a) => a.streamId)).toEqual(['ok', 'edge']);
  });
});

describe('what a client controls is bounded (finding 2)', () => {
  it('a stream id or run id past 128 bytes is refused at once, counted, never journalled; Report refuses one too', async () => {
    const durable = openDurablePipeline(mkdtempSync(join(tmpdir(), 'smsim-limits-')), 'never');
    server = await startPipelineServer({ runs: durable.runs, journal: durable.journal });
    const cases: Array<[string, string, string]> = [
      ['x'.repeat(4 * MIB - 200), '', `IngestRequest.stream_id is ${4 * MIB - 200} bytes`],
      ['s', 'r'.repeat(129), 'IngestRequest.run_id is 129 bytes'],
    ];
    for (const [i, [streamId, runId, message]] of cases.entries()) {
      const s = open(server.address);
      s.send(streamId, 1, new Uint8Array(0), runId);
      const status = await s.status();
      expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(status.details).toBe(`SMSIM_ERR_LIMIT_EXCEEDED: ${message}, over the limit of 128`);
      expect(server.stats().refusedCalls).toBe(i + 1);
    }
    expect(durable.journal.stats().records).toBe(0);
    expect(durable.runs.list()).toEqual([]);
    await expect(fetchReport(server.address, 'r'.repeat(129), 0, { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'SMSIM_ERR_LIMIT_EXCEEDED',
      message: expect.stringMatching(/run_id is 129 bytes, over the limit of 128$/) as string,
    });
    expect(server.stats().refusedCalls).toBe(3);
    await server.stop({ graceMs: 0 });
    server = undefined;
    await durable.journal.close();
  });

  it('a stream past --max-streams-per-run and a run past --max-runs are refused; the emitter fails with LIMIT_EXCEEDED', async () => {
    const pipeline = recordingPipeline();
    server = await startPipelineServer({ runs: new RunRegistry(() => pipeline, { maxRuns: 2, maxStreamsPerRun: 3 }) });
    const s = open(server.address);
    for (const id of ['a', 'b', 'c']) s.send(id, 1, taggedBatch(100), 'full');
    expect(await s.take(3)).toHaveLength(3);
    const emit = async (runId: string, streamId: string): Promise<unknown> => {
      const e = createIngestEmitter({ target: server?.address as string, runId, streamId, connectTimeoutMs: 3000 });
      await e.send(taggedBatch(900), 3).catch(() => undefined);
      return e.finish().catch((err: unknown) => err);
    };
    await expect(emit('full', 'd')).resolves.toMatchObject({
      code: 'SMSIM_ERR_LIMIT_EXCEEDED',
      message: expect.stringMatching(
        /reported: run "full" holds 3 streams, its limit \(--max-streams-per-run\): stream "d" is refused$/,
      ) as string,
    });
    // A known stream of the full run is served; a second run fits, a third does not.
    await expect(emit('full', 'a')).resolves.toMatchObject({ batchesAcked: 1 });
    await expect(emit('second', 'a')).resolves.toMatchObject({ batchesAcked: 1 });
    await expect(emit('third', 'a')).resolves.toMatchObject({
      code: 'SMSIM_ERR_LIMIT_EXCEEDED',
      message: expect.stringMatching(/the pipeline holds 2 runs, its limit \(--max-runs\): run "third" is refused/) as string,
    });
    expect(server.stats('full').refusedCalls).toBe(2);
    expect(server.stats('full').streams.map((x) => x.streamId)).toEqual(['a', 'b', 'c']);
  });

  it('a full run of 128-byte stream ids reports in well under the Report limit; a Report past it fails alone, counted', async () => {
    const maxStreamsPerRun = 4096;
    const samples = new Map<string, number>([['huge', 70]]);
    server = await startPipelineServer({
      runs: new RunRegistry(
        () =>
          recordingPipeline({
            // 70 figures with a 1 MiB label each: 70 MiB, past the 64 MiB a client takes.
            report: (_asOf, applied) =>
              applied.includes(7)
                ? Array.from({ length: samples.get('huge') ?? 0 }, (_, i) => ({ id: `big.${i}`, labels: { l: 'x'.repeat(MIB) }, value: i }))
                : [],
          }),
        { maxStreamsPerRun },
      ),
    });
    const s = open(server.address);
    for (let i = 0; i < maxStreamsPerRun; i++) s.send(`${String(i).padStart(4, '0')}${'i'.repeat(124)}`, 1, new Uint8Array(0), 'full');
    s.send('one-too-many', 1, new Uint8Array(0), 'full');
    expect((await s.status()).details).toMatch(/^SMSIM_ERR_LIMIT_EXCEEDED: run "full" holds 4096 streams/);
    const full = await fetchReport(server.address, 'full', 0, { timeoutMs: 10_000 });
    expect(full.stats.streams).toHaveLength(maxStreamsPerRun);
    const bytes = encodeReportResponse({ ...full, metrics: [], runId: 'full' }).length;
    console.log(`REPORT ${JSON.stringify({ streams: maxStreamsPerRun, reportBytes: bytes })}`);
    expect(bytes).toBeLessThan(MAX_REPORT_BYTES / 32);

    const p = open(server.address);
    p.send('s', 1, taggedBatch(7), 'poisoned');
    await p.take(1);
    await expect(fetchReport(server.address, 'poisoned', 0, { timeoutMs: 30_000 })).rejects.toMatchObject({
      code: 'SMSIM_ERR_REPORT_FAILED',
      message: expect.stringMatching(/the response is \d+ bytes, over the 67108864 bytes a Report may be/) as string,
    });
    expect(server.stats().refusedCalls).toBe(2);
    // Every other run still reports.
    await expect(fetchReport(server.address, 'full', 0, { timeoutMs: 10_000 })).resolves.toMatchObject({ runId: 'full' });
  }, 60_000);

  it('a Reporting request past the message limit is refused by the transport, counted', async () => {
    server = await startPipelineServer({ runs: new RunRegistry(() => recordingPipeline()), maxMessageBytes: 1024 });
    const client = new ReportingClient(server.address, grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      callReporting(client, 'Report', { asOfMs: 0, runId: 'r'.repeat(2000) }, {}, (e) => resolve(e)),
    );
    client.close();
    expect(err).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(/^ReportRequest of \d+ bytes exceeds the server's limit of 1024 bytes/) as string,
    });
    expect(server.stats().refusedCalls).toBe(1);
  });

  it('a journal written before the limits replays without its over-long ids, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsim-limits-old-'));
    const old = openDurablePipeline(dir, 'never');
    old.journal.append(encodeIngestRequest('x'.repeat(MIB), 1, new Uint8Array(0), 'run'));
    old.journal.append(encodeIngestRequest('shard-0000', 1, taggedBatch(1), 'run'));
    await old.journal.durable();
    await old.journal.close();
    const replayed = openDurablePipeline(dir, 'never');
    expect(replayed.recovery.records).toBe(2);
    expect(replayed.skipped).toEqual({ records: 1, firstReason: `IngestRequest.stream_id is ${MIB} bytes, over the limit of 128` });
    expect(replayed.runs.stats('run').streams.map((x) => x.streamId)).toEqual(['shard-0000']);
    await replayed.journal.close();
  });
});
