import type { ClientSecurity } from './security.js';

/**
 * The public face of the Ingest emitter (emitter.ts): options, stats and defaults.
 *
 * The client side of the Ingest contract (services.proto): numbers batches, keeps each until the
 * pipeline acks it, resends after a reconnect, and bounds memory by waiting on acks and on the
 * HTTP/2 'drain' when the pipeline is slower than the simulator.
 */

export interface IngestEmitterOptions {
  /** host:port of the pipeline. */
  readonly target: string;
  /** The run the stream belongs to (IngestRequest.run_id); default "". */
  readonly runId?: string | undefined;
  /** Stable across reconnects and resumed runs; unique within the run, e.g. "shard-0003". */
  readonly streamId: string;
  /**
   * Sequence of the first batch sent (default 1): a resumed stream starts after what the
   * pipeline already acked, so it sends nothing twice.
   */
  readonly firstSequence?: number | undefined;
  /** Unacked batches allowed before send() waits (default 32; ~2 MB of 64 KB batches). */
  readonly maxInFlightBatches?: number | undefined;
  /** Give up when no progress is made for this long while (re)connecting (default 10 s). */
  readonly connectTimeoutMs?: number | undefined;
  /** Give up after this many consecutive reconnects without progress (default 10). */
  readonly maxReconnects?: number | undefined;
  /** Seed of the reconnect jitter (default: a hash of streamId, so shards spread out). */
  readonly backoffSeed?: number | undefined;
  /** Largest envelope sent (default 4 MiB, the pipeline server's default receive limit). */
  readonly maxMessageBytes?: number | undefined;
  /**
   * A call with unacked batches that gets no ack for this long is treated as a stalled pipeline:
   * cut and resumed on a new call, within the connect timeout like any other outage (default 30 s).
   */
  readonly ackTimeoutMs?: number | undefined;
  /** TLS (a CA to verify the pipeline) and the bearer token. */
  readonly security?: ClientSecurity | undefined;
  /** Called with the new cumulative ack each time it advances. */
  readonly onAck?: ((ackedThrough: number) => void) | undefined;
}

export interface RejectedBatch {
  readonly sequence: number;
  readonly eventCount: number;
  readonly message: string;
}

export interface EmitterStats {
  readonly streamId: string;
  readonly batchesSent: number;
  readonly eventsSent: number;
  /** Acked as applied (or as a duplicate of an applied batch); rejected ones are listed apart. */
  readonly batchesAcked: number;
  readonly eventsAcked: number;
  /** Writes beyond the first of a batch (after reconnects or OUT_OF_ORDER rewinds). */
  readonly resentBatches: number;
  readonly rejectedBatches: readonly RejectedBatch[];
  readonly reconnects: number;
}

export interface IngestEmitter {
  /**
   * Sends one encoded EventBatch as the next sequence. Resolves once it is written, fewer than
   * maxInFlightBatches batches are unacked and the stream is not waiting for 'drain'. Calls are
   * queued, so overlapping calls keep their order and the bound.
   */
  send(batchBytes: Uint8Array, eventCount: number): Promise<void>;
  /** Waits until every batch is acked, half-closes the stream and closes the channel. */
  finish(): Promise<EmitterStats>;
  /** Cuts the stream; pending and later calls reject with SMSIM_ERR_STREAM_FAILED. */
  abort(): void;
  /** Batches sent and not yet acked. */
  readonly unacked: number;
  stats(): EmitterStats;
}

export const DEFAULT_MAX_IN_FLIGHT_BATCHES = 32;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RECONNECTS = 10;
export const DEFAULT_ACK_TIMEOUT_MS = 30_000;
/** Largest IngestRequest, on both ends by default (grpc-js's own default receive limit). */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
