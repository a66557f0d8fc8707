import type { MessagePort } from 'node:worker_threads';
import type { MetricSample } from './core/domain/metrics/metric-table.js';
import type { SmsimErrorData } from './core/errors.js';
import type { ResolvedScenario } from './core/scenario/resolve.js';
import type { Pacing, PacingFigures } from './pacing.js';

/** Where a worker sends its shard's batches. */
export type ShardSink =
  /** Stream to a pipeline over gRPC (one stream per shard). */
  | { readonly kind: 'grpc'; readonly target: string; readonly streamId: string }
  /** Encode and fingerprint only: the in-memory seam for tests and dry runs. */
  | { readonly kind: 'none' };

/** The message types the pool and its workers share (and nothing else). */
export interface ShardTask {
  readonly scenario: ResolvedScenario;
  readonly shard: number;
  readonly sink: ShardSink;
  /** Paced (open-model) sending; absent = as fast as the pipeline takes it. */
  readonly pacing?: Pacing;
  /** This shard's share of the estate (for a paced `rate`). */
  readonly rateShare?: number;
  /** Receives ShardProgress messages. */
  readonly progressPort?: MessagePort;
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
  readonly batchesResent: number;
  readonly batchesRejected: number;
  readonly reconnects: number;
  readonly estateBytes: number;
  readonly wallMs: number;
  /** Present on paced runs. */
  readonly pacing?: PacingFigures;
  /** Set when the shard failed; the other fields then say how far it got. */
  readonly error?: SmsimErrorData;
}
