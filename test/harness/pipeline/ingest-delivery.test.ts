import { describe, expect, it } from 'vitest';
import { SmsimError } from '../../../simulator/core/errors.js';
import { admitRequest, receiveBatch, streamDelivery } from '../../../harness/pipeline/ingest-delivery.js';
import { createIngestState, ingestStats, type IngestState } from '../../../harness/pipeline/ingest-state.js';
import type { Journal } from '../../../harness/pipeline/journal.js';
import { RunRegistry } from '../../../harness/pipeline/run-registry.js';
import { AckStatus, type IngestAck } from '../../../wire/messages.js';
import { decodeEventBatch } from '../../../wire/codec.js';
import { decodeIngestRequest, type IngestRequest } from '../../../wire/envelope.js';
import { protoTypes } from '../../../wire/proto-root.js';
import { recordingPipeline, taggedBatch } from '../../helpers/batches.js';

/**
 * The delivery state machine on hand-built sequences, without a server: the same cases as
 * ingest-server.test.ts and hostile-batches.test.ts, asserted on every field of every ack.
 */

const req = (streamId: string, sequence: number, batchBytes: Uint8Array, runId = ''): IngestRequest => ({
  runId,
  streamId,
  sequence,
  batchBytes,
});
/** Every run into the one pipeline the test inspects. */
const runsInto = (pipeline: ReturnType<typeof recordingPipeline>): RunRegistry => new RunRegistry(() => pipeline);
const ok = (streamId: string, sequence: number, ackedThrough: number): IngestAck => ({
  streamId,
  sequence,
  ackedThrough,
  status: AckStatus.OK,
  message: '',
});

function fresh(): { state: IngestState; pipeline: ReturnType<typeof recordingPipeline> } {
  return { state: createIngestState(), pipeline: recordingPipeline() };
}

/** A well-formed protobuf batch with one event of kind 99. */
function badKindBatch(): Uint8Array {
  const view = decodeEventBatch(taggedBatch(200, 1));
  return protoTypes()
    .EventBatch.encode({ ...view, kind: [99] })
    .finish();
}

describe('receiveBatch', () => {
  it('applies in-order batches once and acks each cumulatively', () => {
    const { state, pipeline } = fresh();
    const acks = [1, 2, 3].map((seq) => receiveBatch(state, pipeline, req('run/a', seq, taggedBatch(seq * 100))));
    expect(acks).toEqual([ok('run/a', 1, 1), ok('run/a', 2, 2), ok('run/a', 3, 3)]);
    expect(pipeline.applied).toEqual([100, 200, 300]);
    expect(ingestStats(state)).toEqual({
      batchesAccepted: 3,
      eventsAccepted: 9,
      duplicateBatches: 0,
      duplicateEvents: 0,
      rejectedBatches: 0,
      rejectedEvents: 0,
      refusedCalls: 0,
      lostBatches: 0,
      streams: [{ streamId: 'run/a', ackedThrough: 3, eventsAccepted: 9, lostBatches: 0 }],
    });
  });

  it('acks a resent batch OK at the current acked_through, counts it as a duplicate, applies nothing', () => {
    const { state, pipeline } = fresh();
    const sent = [1, 2, 3].map((seq) => taggedBatch(seq * 100));
    sent.forEach((bytes, i) => {
      receiveBatch(state, pipeline, req('s', i + 1, bytes));
    });
    // A reconnecting emitter resends 2..4: 2 and 3 are duplicates, 4 is new.
    expect(receiveBatch(state, pipeline, req('s', 2, sent[1] as Uint8Array))).toEqual(ok('s', 2, 3));
    expect(receiveBatch(state, pipeline, req('s', 3, sent[2] as Uint8Array))).toEqual(ok('s', 3, 3));
    expect(receiveBatch(state, pipeline, req('s', 4, taggedBatch(400)))).toEqual(ok('s', 4, 4));
    expect(pipeline.applied).toEqual([100, 200, 300, 400]);
    expect(ingestStats(state)).toMatchObject({ batchesAccepted: 4, eventsAccepted: 12, duplicateBatches: 2, duplicateEvents: 6 });
  });

  it('answers a gap with OUT_OF_ORDER, naming where to resend from, and changes nothing', () => {
    const { state, pipeline } = fresh();
    receiveBatch(state, pipeline, req('s', 1, taggedBatch(100)));
    const before = ingestStats(state);
    const gap = {
      streamId: 's',
      sequence: 3,
      ackedThrough: 1,
      status: AckStatus.OUT_OF_ORDER,
      message: 'sequence 3 follows 1: resend from 2',
    };
    expect(receiveBatch(state, pipeline, req('s', 3, taggedBatch(300)))).toEqual(gap);
    expect(ingestStats(state)).toEqual(before);
    expect(receiveBatch(state, pipeline, req('s', 2, taggedBatch(200)))).toEqual(ok('s', 2, 2));
    expect(pipeline.applied).toEqual([100, 200]);
  });

  it('rejects sequence 0 without consuming anything', () => {
    const { state, pipeline } = fresh();
    const zero = {
      streamId: 's',
      sequence: 0,
      ackedThrough: 0,
      status: AckStatus.REJECTED,
      message: 'IngestRequest.sequence must start at 1',
    };
    expect(receiveBatch(state, pipeline, req('s', 0, taggedBatch(100)))).toEqual(zero);
    expect(receiveBatch(state, pipeline, req('s', 1, taggedBatch(100)))).toEqual(ok('s', 1, 1));
    expect(ingestStats(state)).toMatchObject({ batchesAccepted: 1, duplicateBatches: 0, rejectedBatches: 0 });
  });

  it('rejects invalid batches with a coded message, consumes their sequence, counts their claimed events', () => {
    const { state, pipeline } = fresh();
    receiveBatch(state, pipeline, req('s', 1, taggedBatch(100)));
    const badKind = receiveBatch(state, pipeline, req('s', 2, badKindBatch()));
    expect(badKind).toMatchObject({ streamId: 's', sequence: 2, ackedThrough: 2, status: AckStatus.REJECTED });
    expect(badKind.message).toMatch(/^SMSIM_ERR_BATCH_INVALID: EventBatch\.kind\[0\] = 99 is out of range 1\.\.12/);
    // Not protobuf: no readable event_count, so no events are counted.
    const garbage = receiveBatch(state, pipeline, req('s', 3, Uint8Array.from([0xff, 0xff])));
    expect(garbage).toMatchObject({ sequence: 3, ackedThrough: 3, status: AckStatus.REJECTED });
    expect(garbage.message).toMatch(/^SMSIM_ERR_BATCH_INVALID: EventBatch is not valid protobuf/);
    expect(receiveBatch(state, pipeline, req('s', 4, taggedBatch(400)))).toEqual(ok('s', 4, 4));
    expect(pipeline.applied).toEqual([100, 400]);
    expect(ingestStats(state)).toMatchObject({ batchesAccepted: 2, eventsAccepted: 6, rejectedBatches: 2, rejectedEvents: 1 });
  });

  it("rejects a batch that starts before the stream's last event", () => {
    const { state, pipeline } = fresh();
    const early = taggedBatch(1);
    const late = taggedBatch(2);
    receiveBatch(state, pipeline, req('s', 1, late));
    const lateView = decodeEventBatch(late);
    const earlyView = decodeEventBatch(early);
    const last = lateView.baseTimeMs + (lateView.timeDeltaMs[2] as number);
    const first = earlyView.baseTimeMs + (earlyView.timeDeltaMs[0] as number);
    expect(receiveBatch(state, pipeline, req('s', 2, early))).toEqual({
      streamId: 's',
      sequence: 2,
      ackedThrough: 2,
      status: AckStatus.REJECTED,
      message: `SMSIM_ERR_BATCH_INVALID: EventBatch.time_delta_ms[0]: event time ${first} is before the stream's last event at ${last}`,
    });
    expect(ingestStats(state)).toMatchObject({ batchesAccepted: 1, rejectedBatches: 1, rejectedEvents: 3 });
  });

  it('rejects a batch the pipeline fails to apply, with SMSIM_ERR_INTERNAL, and carries on', () => {
    const state = createIngestState();
    const pipeline = recordingPipeline({ throwOnTag: 200 });
    const acks = [1, 2, 3].map((seq) => receiveBatch(state, pipeline, req('s', seq, taggedBatch(seq * 100))));
    expect(acks[1]).toEqual({
      streamId: 's',
      sequence: 2,
      ackedThrough: 2,
      status: AckStatus.REJECTED,
      message: 'SMSIM_ERR_INTERNAL: the pipeline failed to apply the batch: boom at 200',
    });
    expect(acks[2]).toEqual(ok('s', 3, 3));
    expect(ingestStats(state)).toMatchObject({ batchesAccepted: 2, rejectedBatches: 1, rejectedEvents: 3 });
  });

  it('keeps acked_through per stream id; stats list streams sorted', () => {
    const { state, pipeline } = fresh();
    expect(receiveBatch(state, pipeline, req('b', 1, taggedBatch(100)))).toEqual(ok('b', 1, 1));
    expect(receiveBatch(state, pipeline, req('a', 1, taggedBatch(200)))).toEqual(ok('a', 1, 1));
    expect(receiveBatch(state, pipeline, req('a', 2, taggedBatch(300)))).toEqual(ok('a', 2, 2));
    expect(receiveBatch(state, pipeline, req('b', 3, taggedBatch(400)))).toMatchObject({ ackedThrough: 1, status: AckStatus.OUT_OF_ORDER });
    expect(ingestStats(state).streams).toEqual([
      { streamId: 'a', ackedThrough: 2, eventsAccepted: 6, lostBatches: 0 },
      { streamId: 'b', ackedThrough: 1, eventsAccepted: 3, lostBatches: 0 },
    ]);
  });

  it('hands the journal exactly the requests that consume a sequence', () => {
    const { state, pipeline } = fresh();
    const consumed: number[] = [];
    const onConsumed = (r: IngestRequest): void => void consumed.push(r.sequence);
    receiveBatch(state, pipeline, req('s', 0, taggedBatch(1)), onConsumed); // rejected, not consumed
    receiveBatch(state, pipeline, req('s', 1, taggedBatch(2)), onConsumed); // applied
    receiveBatch(state, pipeline, req('s', 1, taggedBatch(3)), onConsumed); // duplicate
    receiveBatch(state, pipeline, req('s', 3, taggedBatch(4)), onConsumed); // gap
    receiveBatch(state, pipeline, req('s', 2, Uint8Array.from([0xff])), onConsumed); // rejected, consumed
    expect(consumed).toEqual([1, 2]);
  });
});

describe('admitRequest and refused calls', () => {
  it('passes a request through as is, refuses a malformed or oversized one, and counts refusals', () => {
    const wire = { runId: '', streamId: 's', sequence: 1, batchBytes: new Uint8Array(4), wireBytes: 100 };
    expect(admitRequest(wire, 100)).toBe(wire);
    const tooLarge = admitRequest(wire, 99);
    expect(tooLarge).toBeInstanceOf(SmsimError);
    expect(tooLarge).toMatchObject({
      code: 'SMSIM_ERR_BATCH_TOO_LARGE',
      message: "IngestRequest of 100 bytes exceeds the server's limit of 99 bytes (--max-message-bytes)",
    });
    const malformed = new SmsimError('SMSIM_ERR_BATCH_INVALID', 'IngestRequest: truncated varint');
    expect(admitRequest({ malformed }, 100)).toBe(malformed);
    const runs = new RunRegistry(recordingPipeline);
    runs.countRefusedCall();
    expect(runs.stats('')).toMatchObject({ refusedCalls: 1, streams: [] });
    expect(ingestStats(createIngestState(), 1)).toMatchObject({ refusedCalls: 1, streams: [] });
  });
});

/** A journal whose durable() promises the test settles by hand. */
function manualJournal(opts: { failAppend?: boolean } = {}) {
  const records: IngestRequest[] = [];
  const pending: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  const journal: Journal = {
    file: 'manual',
    fsync: 'batch',
    append: (payload) => {
      if (opts.failAppend === true) throw new SmsimError('SMSIM_ERR_JOURNAL_FAILED', 'manual: disk full');
      records.push(decodeIngestRequest(payload));
    },
    durable: () => new Promise<void>((resolve, reject) => void pending.push({ resolve, reject })),
    stats: () => ({ records: records.length, bytes: 0, commits: 0 }),
    close: async () => undefined,
  };
  const settle = (err?: unknown): void => {
    for (const p of pending.splice(0))
      if (err === undefined) p.resolve();
      else p.reject(err);
  };
  return { journal, records, settle };
}

function sink() {
  const sent: Array<[number, number, AckStatus]> = [];
  const failures: unknown[] = [];
  const refusals: SmsimError[] = [];
  return {
    sent,
    failures,
    refusals,
    send: (a: IngestAck) => void sent.push([a.sequence, a.ackedThrough, a.status]),
    fail: (err: unknown) => void failures.push(err),
    refuse: (err: SmsimError) => void refusals.push(err),
  };
}

describe('streamDelivery', () => {
  it('keeps runs apart: each run has its own streams, sequences and pipeline', () => {
    const pipelines: Array<ReturnType<typeof recordingPipeline>> = [];
    const runs = new RunRegistry(() => {
      const p = recordingPipeline();
      pipelines.push(p);
      return p;
    });
    const out = sink();
    const d = streamDelivery(runs, undefined, out);
    d.receive(req('shard-0000', 1, taggedBatch(100), 'run-a'));
    d.receive(req('shard-0000', 1, taggedBatch(200), 'run-b')); // same stream id, another run: not a duplicate
    d.receive(req('shard-0000', 2, taggedBatch(300), 'run-a'));
    d.receive(req('shard-0000', 1, taggedBatch(100), 'run-a')); // a duplicate within run-a
    expect(out.sent).toEqual([
      [1, 1, AckStatus.OK],
      [1, 1, AckStatus.OK],
      [2, 2, AckStatus.OK],
      [1, 2, AckStatus.OK],
    ]);
    expect(pipelines.map((p) => p.applied.length)).toEqual([2, 1]);
    expect(runs.stats('run-a')).toMatchObject({
      batchesAccepted: 2,
      duplicateBatches: 1,
      streams: [{ streamId: 'shard-0000', ackedThrough: 2 }],
    });
    expect(runs.stats('run-b')).toMatchObject({
      batchesAccepted: 1,
      duplicateBatches: 0,
      streams: [{ streamId: 'shard-0000', ackedThrough: 1 }],
    });
    expect(runs.stats('run-c')).toMatchObject({ batchesAccepted: 0, streams: [] });
    expect(runs.list().map((r) => [r.runId, r.streams, r.batchesAccepted])).toEqual([
      ['run-a', 1, 2],
      ['run-b', 1, 1],
    ]);
    expect(runs.drop('run-a')).toBe(true);
    expect(runs.drop('run-a')).toBe(false);
    expect(runs.list().map((r) => r.runId)).toEqual(['run-b']);
  });

  it('without a journal, acks at once', () => {
    const { pipeline } = fresh();
    const out = sink();
    const d = streamDelivery(runsInto(pipeline), undefined, out);
    d.receive(req('s', 1, taggedBatch(100)));
    expect(out.sent).toEqual([[1, 1, AckStatus.OK]]);
  });

  it('with a journal, journals consumed requests and acks (duplicates too) in order, only once durable', async () => {
    const { pipeline } = fresh();
    const { journal, records, settle } = manualJournal();
    const out = sink();
    const d = streamDelivery(runsInto(pipeline), journal, out);
    const first = taggedBatch(100);
    d.receive(req('s', 1, first));
    d.receive(req('s', 1, first)); // duplicate: not journalled, but its ack waits all the same
    d.receive(req('s', 2, Uint8Array.from([0xff]))); // rejected, consumed, journalled
    expect(records.map((r) => r.sequence)).toEqual([1, 2]);
    await Promise.resolve();
    expect(out.sent).toEqual([]);
    settle();
    await d.settled();
    expect(out.sent).toEqual([
      [1, 1, AckStatus.OK],
      [1, 1, AckStatus.OK],
      [2, 2, AckStatus.REJECTED],
    ]);
    expect(out.failures).toEqual([]);
  });

  it('a journal that fails: no ack leaves, the sink is told', async () => {
    const { pipeline } = fresh();
    const { journal, settle } = manualJournal();
    const out = sink();
    const d = streamDelivery(runsInto(pipeline), journal, out);
    d.receive(req('s', 1, taggedBatch(100)));
    const err = new SmsimError('SMSIM_ERR_JOURNAL_FAILED', 'manual: fdatasync failed');
    settle(err);
    await d.settled();
    expect(out.sent).toEqual([]);
    expect(out.failures).toEqual([err]);

    const broken = manualJournal({ failAppend: true });
    const out2 = sink();
    streamDelivery(runsInto(pipeline), broken.journal, out2).receive(req('t', 1, taggedBatch(200)));
    expect(out2.sent).toEqual([]);
    expect(out2.failures).toMatchObject([{ code: 'SMSIM_ERR_JOURNAL_FAILED' }]);
  });

  it('refuses a run past maxRuns and a stream past maxStreamsPerRun: nothing applied or journalled, earlier acks first', async () => {
    const { pipeline } = fresh();
    const { journal, records, settle } = manualJournal();
    const out = sink();
    const runs = new RunRegistry(() => pipeline, { maxRuns: 2, maxStreamsPerRun: 2 });
    // Each refusal ends its call: the server opens a new delivery for the next one.
    const d = streamDelivery(runs, journal, out);
    d.receive(req('a', 1, taggedBatch(100), 'r1'));
    d.receive(req('b', 1, taggedBatch(200), 'r1'));
    d.receive(req('c', 1, taggedBatch(300), 'r1')); // a third stream in r1
    d.receive(req('a', 2, taggedBatch(350), 'r1')); // after the refusal: not delivered
    const d2 = streamDelivery(runs, journal, out);
    d2.receive(req('a', 1, taggedBatch(400), 'r2'));
    d2.receive(req('a', 1, taggedBatch(500), 'r3')); // a third run
    const d3 = streamDelivery(runs, journal, out);
    d3.receive(req('a', 2, taggedBatch(600), 'r1')); // a known stream of a full run: delivered
    expect(out.refusals).toEqual([]); // the earlier acks wait for the journal, and so does the refusal
    settle();
    await Promise.all([d.settled(), d2.settled(), d3.settled()]);
    // Three calls: their acks interleave as their journal waits settle.
    expect(out.sent).toHaveLength(4);
    expect(out.sent).toEqual(
      expect.arrayContaining([
        [1, 1, AckStatus.OK],
        [2, 2, AckStatus.OK],
      ]),
    );
    expect(out.refusals.map((e) => [e.code, e.message]).sort()).toEqual([
      ['SMSIM_ERR_LIMIT_EXCEEDED', 'run "r1" holds 2 streams, its limit (--max-streams-per-run): stream "c" is refused'],
      [
        'SMSIM_ERR_LIMIT_EXCEEDED',
        'the pipeline holds 2 runs, its limit (--max-runs): run "r3" is refused; drop finished runs (smsim runs drop)',
      ],
    ]);
    expect(pipeline.applied).toEqual([100, 200, 400, 600]);
    expect(records.map((r) => `${r.runId}/${r.streamId}/${r.sequence}`)).toEqual(['r1/a/1', 'r1/b/1', 'r2/a/1', 'r1/a/2']);
    expect(runs.list().map((r) => [r.runId, r.streams])).toEqual([
      ['r1', 2],
      ['r2', 1],
    ]);
    // A dropped run frees its place.
    runs.drop('r2');
    expect(runs.admit('r3', 'a')).not.toBeInstanceOf(SmsimError);
  });
});
