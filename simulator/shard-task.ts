import type { MessagePort } from 'node:worker_threads';
import type { MetricSample } from './core/domain/metrics/metric-table.js';
import type { SmsimErrorData } from './core/errors.js';
import type { ResolvedScenario } from './core/scenario/resolve.js';
import type { Pacing, PacingFigures } from './pacing.js';

/* The message types the pool and its workers share, and the drain bound the CLI tells the user about (nothing else). */

/** How an emitter connects and how long it waits (all optional: the emitter's defaults). */
export interface DeliveryOptions {
  /** PEM of the CA that signed the pipeline's TLS certificate. */
  readonly caPem?: string;
  readonly token?: string;
  /** Give up after this long without progress while reconnecting. */
  readonly reconnectTimeoutMs?: number;
  /** Cut and resume a call that gets no ack for this long. */
  readonly ackTimeoutMs?: number;
}

/** Where a worker sends its shard's batches. */
export type ShardSink =
  /**
   * Stream to a pipeline over gRPC (one stream per shard) as part of run `runId`. A resumed
   * shard skips sending its first `resumeAfter` batches, which the pipeline already acked, but
   * still simulates them, so its fingerprint, truth and observed figures are the whole shard's.
   */
  | {
      readonly kind: 'grpc';
      readonly target: string;
      readonly runId: string;
      readonly streamId: string;
      readonly resumeAfter?: number;
      readonly delivery?: DeliveryOptions;
    }
  /** Encode and fingerprint only: the in-memory seam for tests and dry runs. */
  | { readonly kind: 'none' };

/** Where a shard's records lie in a recording (docs/recording.md), to send them instead of simulating. */
export interface RecordedShardSource {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly batches: number;
  /** Where the shard's truth and observed figures lie (the record after its batches). */
  readonly figuresOffset: number;
}

/** One shard to simulate, and where to send its batches. */
export interface ShardTask {
  readonly scenario: ResolvedScenario;
  readonly shard: number;
  readonly sink: ShardSink;
  /** Replay: send this shard's recorded batches instead of simulating it (truth and observed are the recording's). */
  readonly replay?: RecordedShardSource;
  /** Record: append a batch record for each batch sent (or skipped as already acked) to this file. */
  readonly recordTo?: string;
  /** Paced (open-model) sending; absent = as fast as the pipeline takes it. */
  readonly pacing?: Pacing;
  /** This shard's share of the estate (for a paced `rate`). */
  readonly rateShare?: number;
  /** Where in a batch interval this shard's paced schedule starts (0–1). */
  readonly pacingPhase?: number;
  /** Receives ShardProgress messages; a StopMessage on it wakes a shard that waits (for acks, for its paced slot). */
  readonly progressPort?: MessagePort;
  /**
   * Int32 at byte 0, non-zero once the run is interrupted (SIGINT / SIGTERM): the shard sends no
   * further batch, waits a bounded time for its acks and returns what it got. Read once per batch,
   * shared so a worker busy simulating sees it without running its event loop.
   */
  readonly stop?: SharedArrayBuffer;
}

/**
 * How long an interrupted shard waits for the acks of what it sent (at most its ack timeout):
 * a healthy pipeline acks in milliseconds, and a person who pressed Ctrl-C is waiting.
 */
export const STOP_DRAIN_MS = 5000;

/** Sent on a shard's progress port when the run is interrupted. */
export interface StopMessage {
  readonly stop: true;
}

export interface ShardProgress {
  readonly shard: number;
  readonly events: number;
  /** 0–1 of the scenario's virtual duration. */
  readonly progress: number;
}

export interface ShardResult {
  readonly shard: number;
  readonly batches: number;
  readonly events: number;
  /** Encoded bytes of all batches. */
  readonly bytes: number;
  /** sha256 (hex) over the shard's encoded batches, in order. */
  readonly fingerprint: string;
  readonly truth: MetricSample[];
  readonly observed: MetricSample[];
  readonly eventsAcked: number;
  /** Batches (and their events) not sent again because a resumed run found them acked. */
  readonly batchesResumed: number;
  readonly eventsResumed: number;
  readonly batchesResent: number;
  readonly batchesRejected: number;
  readonly reconnects: number;
  readonly estateBytes: number;
  readonly wallMs: number;
  /** Present on paced runs. */
  readonly pacing?: PacingFigures;
  /**
   * The run was interrupted before this shard's end: the virtual time its simulation had reached
   * (its truth is as of then; the batch in hand was not sent).
   */
  readonly stoppedAtMs?: number;
  /** Set when the shard failed; the other fields then say how far it got. */
  readonly error?: SmsimErrorData;
}
