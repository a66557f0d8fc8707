import { describe, expect, it } from 'vitest';
import { receiveBatch, streamDelivery } from '../../../harness/pipeline/ingest-delivery.js';
import { createIngestState, ingestStats } from '../../../harness/pipeline/ingest-state.js';
import { createPrometheusMetrics } from '../../../harness/pipeline/prometheus-metrics.js';
import { RunRegistry } from '../../../harness/pipeline/run-registry.js';
import type { ServeMetrics } from '../../../harness/pipeline/serve-metrics.js';
import { decodeEventBatch } from '../../../wire/codec.js';
import type { IngestRequest } from '../../../wire/envelope.js';
import { AckStatus } from '../../../wire/messages.js';
import { protoTypes } from '../../../wire/proto-root.js';
import { recordingPipeline, taggedBatch } from '../../helpers/batches.js';

/**
 * What delivery counts through the ServeMetrics seam, call by call, on hand-built sequences; and
 * the same sequence through the Prometheus implementation, read back from its registry.
 */

const req = (streamId: string, sequence: number, batchBytes: Uint8Array): IngestRequest => ({ runId: '', streamId, sequence, batchBytes });

/** Every call, in order, as text. */
function recording(): ServeMetrics & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    batchAccepted: (n) => calls.push(`accepted ${n}`),
    batchDuplicate: (n) => calls.push(`duplicate ${n}`),
    batchRejected: (code, n) => calls.push(`rejected ${code} ${n}`),
    ackSent: (s) => calls.push(`ack ${s}`),
    callRefused: (code) => calls.push(`refused ${code}`),
    streamOpened: () => calls.push('open'),
    streamClosed: () => calls.push('close'),
    journalCommit: (r, b, s) => calls.push(`commit ${r} ${b} ${s === undefined ? 'no fsync' : 'fsync'}`),
  };
}

/** A well-formed protobuf batch of 2 events, the second of kind 99 (none such). */
function badKindBatch(): Uint8Array {
  const view = decodeEventBatch(taggedBatch(900, 2));
  return protoTypes()
    .EventBatch.encode({ ...view, kind: [view.kind[0] as number, 99] })
    .finish();
}

/** Three batches of 3 events, a resend of 2, a gap, sequence 0 and an invalid batch. */
function drive(metrics: ServeMetrics): ReturnType<typeof ingestStats> {
  const state = createIngestState();
  const pipeline = recordingPipeline();
  // Built in sequence order: a stream's event times never go back.
  const b1 = taggedBatch(100);
  const b2 = taggedBatch(200);
  receiveBatch(state, pipeline, req('s', 1, b1), undefined, metrics);
  receiveBatch(state, pipeline, req('s', 2, b2), undefined, metrics);
  receiveBatch(state, pipeline, req('s', 2, b2), undefined, metrics);
  receiveBatch(state, pipeline, req('s', 5, taggedBatch(500)), undefined, metrics);
  receiveBatch(state, pipeline, req('s', 0, taggedBatch(0)), undefined, metrics);
  receiveBatch(state, pipeline, req('s', 3, badKindBatch()), undefined, metrics);
  receiveBatch(state, pipeline, req('s', 4, taggedBatch(400)), undefined, metrics);
  return ingestStats(state);
}

describe('ServeMetrics', () => {
  it('receiveBatch counts each outcome once: applied, duplicate, rejected by code; a gap is not a rejection', () => {
    const m = recording();
    const stats = drive(m);
    expect(m.calls).toEqual([
      'accepted 3',
      'accepted 3',
      'duplicate 3',
      'rejected SMSIM_ERR_BATCH_INVALID 0',
      'rejected SMSIM_ERR_BATCH_INVALID 2',
      'accepted 3',
    ]);
    // The same figures as the run's own counters (IngestStats).
    expect(stats).toMatchObject({ batchesAccepted: 3, eventsAccepted: 9, duplicateBatches: 1, duplicateEvents: 3, rejectedBatches: 1 });
  });

  it('streamDelivery counts the acks it sends and nothing for a refused run', async () => {
    const m = recording();
    const acks: AckStatus[] = [];
    const runs = new RunRegistry(() => recordingPipeline(), { maxRuns: 1 });
    const d = streamDelivery(
      runs,
      undefined,
      {
        send: (a) => {
          acks.push(a.status);
          m.ackSent(a.status);
        },
        fail: () => undefined,
        refuse: (e) => m.callRefused(e.code),
      },
      m,
    );
    d.receive(req('s', 1, taggedBatch(100)));
    d.receive(req('s', 3, taggedBatch(300)));
    d.receive({ ...req('t', 1, taggedBatch(700)), runId: 'another' });
    await d.settled();
    expect(acks).toEqual([AckStatus.OK, AckStatus.OUT_OF_ORDER]);
    expect(m.calls).toEqual(['accepted 3', `ack ${AckStatus.OK}`, `ack ${AckStatus.OUT_OF_ORDER}`, 'refused SMSIM_ERR_LIMIT_EXCEEDED']);
  });

  it('the Prometheus implementation exposes those counts under their documented names', async () => {
    const { metrics, registry } = createPrometheusMetrics({ runsHeld: () => 2 });
    drive(metrics);
    metrics.ackSent(AckStatus.OK);
    metrics.ackSent(AckStatus.REJECTED);
    metrics.streamOpened();
    metrics.streamOpened();
    metrics.streamClosed();
    metrics.journalCommit(3, 300, 0.002);
    metrics.journalCommit(1, 100, undefined);
    const text = await registry.metrics();
    const value = (sample: string): number | undefined => {
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      return line === undefined ? undefined : Number(line.slice(sample.length + 1));
    };
    expect(value('smsim_ingest_events_total')).toBe(9);
    expect(value('smsim_ingest_batches_total')).toBe(3);
    expect(value('smsim_ingest_duplicate_batches_total')).toBe(1);
    expect(value('smsim_ingest_duplicate_events_total')).toBe(3);
    expect(value('smsim_ingest_rejected_batches_total{code="SMSIM_ERR_BATCH_INVALID"}')).toBe(2);
    expect(value('smsim_ingest_acks_total{status="OK"}')).toBe(1);
    expect(value('smsim_ingest_acks_total{status="REJECTED"}')).toBe(1);
    expect(value('smsim_ingest_acks_total{status="OUT_OF_ORDER"}')).toBe(0);
    expect(value('smsim_ingest_streams_open')).toBe(1);
    expect(value('smsim_runs_held')).toBe(2);
    expect(value('smsim_journal_records_total')).toBe(4);
    expect(value('smsim_journal_written_bytes_total')).toBe(400);
    // One fsync observed (the other commit had none), in the 2.5 ms bucket and above.
    expect(value('smsim_journal_fsync_seconds_count')).toBe(1);
    expect(value('smsim_journal_fsync_seconds_bucket{le="0.001"}')).toBe(0);
    expect(value('smsim_journal_fsync_seconds_bucket{le="0.0025"}')).toBe(1);
    expect(value('smsim_journal_size_bytes')).toBeUndefined();
  });
});
