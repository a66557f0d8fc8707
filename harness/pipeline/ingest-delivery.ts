import { SmsimError } from '../../simulator/core/errors.js';
import { MAX_EVENTS_PER_BATCH } from '../../simulator/core/domain/wire-limits.js';
import { AckStatus } from '../../wire/messages.js';
import type { IngestAck } from '../../wire/messages.js';
import { EventBatchDecoder } from '../../wire/codec.js';
import { encodeIngestRequest, peekEventCount } from '../../wire/envelope.js';
import type { IngestRequest } from '../../wire/envelope.js';
// Type only: the shape the deserializer yields; nothing of grpc-js is loaded from here.
import type { ReceivedIngestRequest } from '../../wire/services.js';
import { streamCounters, type IngestState } from './ingest-state.js';
import type { Journal } from './journal.js';
import type { MeasurementPipeline } from './measurement-pipeline.js';
import type { RunRegistry } from './run-registry.js';
import { NO_SERVE_METRICS, type ServeMetrics } from './serve-metrics.js';

/**
 * Delivery of Ingest requests with the transport left out, so every decision can be tested with
 * plain calls: ingest-server.ts carries requests in and acks out over gRPC and decides nothing.
 */

/** Claimed event count of a batch that will not be applied; an absurd claim counts as none. */
function claimedEvents(batchBytes: Uint8Array): number {
  const n = peekEventCount(batchBytes);
  return n <= MAX_EVENTS_PER_BATCH ? n : 0;
}

/**
 * The request when it can be delivered; otherwise why its call must end, as nothing in it can be
 * acked: a malformed envelope has no readable (stream id, sequence), and an oversized one is
 * refused before its batch is looked at. The request is returned as is: no allocation per batch.
 * (Over gRPC the transport refuses an oversized message first, from its header; the size rule
 * stays here too, with the rest of delivery, which tests drive without a transport.)
 */
export function admitRequest(req: ReceivedIngestRequest, maxMessageBytes: number): IngestRequest | SmsimError {
  if ('malformed' in req) return req.malformed;
  if (req.wireBytes > maxMessageBytes) {
    return new SmsimError(
      'SMSIM_ERR_BATCH_TOO_LARGE',
      `IngestRequest of ${req.wireBytes} bytes exceeds the server's limit of ${maxMessageBytes} bytes (--max-message-bytes)`,
    );
  }
  return req;
}

/**
 * One decoder for every batch this thread receives: receiveBatch applies each batch before it
 * returns, so no two decoded batches are ever alive at once (MeasurementPipeline.apply).
 */
const decoder = new EventBatchDecoder();

/**
 * Applies one request to the delivery state and the pipeline and returns its ack. Synchronous:
 * requests of a stream are handled one at a time in arrival order, so a stream's state never
 * sees two batches at once, even across two connections carrying the same stream id.
 */
export function receiveBatch(
  state: IngestState,
  pipeline: MeasurementPipeline,
  req: IngestRequest,
  /** Called when the request consumes its sequence (applied or rejected): what a journal must keep. */
  onConsumed?: (req: IngestRequest) => void,
  /** What the operator sees counted (smsim serve --metrics-port); a journal replay counts nothing. */
  metrics: ServeMetrics = NO_SERVE_METRICS,
): IngestAck {
  const { streamId, sequence } = req;
  const s = streamCounters(state, streamId);
  const ack = (status: AckStatus, message = ''): IngestAck => ({ streamId, ackedThrough: s.ackedThrough, status, sequence, message });
  if (sequence <= s.ackedThrough) {
    if (sequence === 0) {
      metrics.batchRejected('SMSIM_ERR_BATCH_INVALID', 0);
      return ack(AckStatus.REJECTED, 'IngestRequest.sequence must start at 1');
    }
    const claimed = claimedEvents(req.batchBytes);
    s.duplicateBatches++;
    s.duplicateEvents += claimed;
    metrics.batchDuplicate(claimed);
    return ack(AckStatus.OK);
  }
  if (sequence > s.ackedThrough + 1) {
    return ack(AckStatus.OUT_OF_ORDER, `sequence ${sequence} follows ${s.ackedThrough}: resend from ${s.ackedThrough + 1}`);
  }
  let message: string;
  let code: string;
  try {
    const batch = decoder.decode(req.batchBytes);
    const n = batch.eventCount;
    // events.proto: within one stream, events are in non-decreasing time order, across batches too.
    const first = n === 0 ? s.lastEventMs : batch.baseTimeMs + (batch.timeDeltaMs[0] as number);
    if (first < s.lastEventMs) {
      throw new SmsimError(
        'SMSIM_ERR_BATCH_INVALID',
        `EventBatch.time_delta_ms[0]: event time ${first} is before the stream's last event at ${s.lastEventMs}`,
        {
          details: { column: 'time_delta_ms', index: 0, value: first },
        },
      );
    }
    try {
      pipeline.apply(batch);
      s.ackedThrough = sequence;
      s.batchesAccepted++;
      s.eventsAccepted += n;
      if (n > 0) s.lastEventMs = batch.baseTimeMs + (batch.timeDeltaMs[n - 1] as number);
      onConsumed?.(req);
      metrics.batchAccepted(n);
      return ack(AckStatus.OK);
    } catch (err) {
      code = 'SMSIM_ERR_INTERNAL';
      message = `SMSIM_ERR_INTERNAL: the pipeline failed to apply the batch: ${err instanceof Error ? err.message : String(err)}`;
    }
  } catch (err) {
    // The code first, so a pipeline author can match on it (docs/reliability.md lists them).
    const e = SmsimError.from(err, 'SMSIM_ERR_BATCH_INVALID');
    code = e.code;
    message = `${e.code}: ${e.message}`;
  }
  // The sequence is consumed so one bad batch cannot wedge the stream (services.proto).
  s.ackedThrough = sequence;
  const claimed = claimedEvents(req.batchBytes);
  s.rejectedBatches++;
  s.rejectedEvents += claimed;
  onConsumed?.(req);
  metrics.batchRejected(code, claimed);
  return ack(AckStatus.REJECTED, message);
}

/** Where one call's acks go: the transport's side of a StreamDelivery. */
export interface AckSink {
  /** Sends an ack whose acked_through is durable. Called in request order. */
  send(ack: IngestAck): void;
  /** The journal failed: nothing more will be acked, the call must end. May come more than once. */
  fail(err: unknown): void;
  /**
   * The request passes a limit of the pipeline (a new run or stream past --max-runs /
   * --max-streams-per-run): it was neither applied nor journalled, and the call must end. Comes
   * after the acks of the requests before it; nothing after it is delivered.
   */
  refuse(err: SmsimError): void;
}

/** The requests of one call, delivered in arrival order. */
export interface StreamDelivery {
  receive(req: IngestRequest): void;
  /** Resolves once every ack decided so far has been sent or dropped: the call may end. */
  settled(): Promise<void>;
}

/**
 * Delivers one call's requests, each to the run it names, and hands each ack to `sink` once it
 * may leave. Without a journal that is at once; with one, an ack waits until every record
 * appended so far is durable (services.proto: "must not ack a batch before it is durable"), and
 * acks still leave in request order.
 */
export function streamDelivery(
  runs: RunRegistry,
  journal: Journal | undefined,
  sink: AckSink,
  metrics: ServeMetrics = NO_SERVE_METRICS,
): StreamDelivery {
  /** Set once a request passes a limit: the call ends, and nothing after it is delivered. */
  let refused = false;
  const deliver = (req: IngestRequest, onConsumed?: (req: IngestRequest) => void): IngestAck | SmsimError => {
    const run = runs.admit(req.runId, req.streamId);
    if (run instanceof SmsimError) {
      refused = true;
      return run;
    }
    return receiveBatch(run.state, run.pipeline, req, onConsumed, metrics);
  };
  if (journal === undefined) {
    return {
      receive(req) {
        if (refused) return;
        const ack = deliver(req);
        if (ack instanceof SmsimError) sink.refuse(ack);
        else sink.send(ack);
      },
      settled: () => Promise.resolve(),
    };
  }
  // One closure per call, not per batch.
  const append = (r: IngestRequest): void => journal.append(encodeIngestRequest(r.streamId, r.sequence, r.batchBytes, r.runId));
  let acks: Promise<void> = Promise.resolve();
  return {
    receive(req) {
      if (refused) return;
      let delivered: IngestAck | SmsimError;
      try {
        delivered = deliver(req, append);
      } catch (err) {
        // The journal has failed: nothing is acked from now on (durable() rejects), the emitter
        // keeps its batches, and a restart recovers exactly what was journalled.
        sink.fail(err);
        return;
      }
      if (delivered instanceof SmsimError) {
        // After the acks of the requests before it, which are journalled and must not be lost.
        const refusal = delivered;
        acks = acks.then(() => sink.refuse(refusal)).catch(() => undefined);
        return;
      }
      const ack = delivered;
      // Even a duplicate's ack waits: the acked_through it carries may still be in flight.
      const durable = journal.durable();
      // A failed journal ends the call below; the chain itself must never reject unhandled.
      acks = acks
        .then(() => durable)
        .then(() => sink.send(ack))
        .catch(() => undefined);
      durable.catch((err: unknown) => sink.fail(err));
    },
    settled: () => acks,
  };
}
