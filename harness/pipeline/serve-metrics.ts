import type { AckStatus } from '../../wire/messages.js';

/**
 * What the pipeline counts for its operator while it runs: the seam between the pipeline's code
 * (ingest-server.ts, ingest-delivery.ts, journal.ts) and whatever exposes the figures. The
 * pipeline calls these and knows nothing of Prometheus; `smsim serve --metrics-port` passes the
 * prom-client implementation (prometheus-metrics.ts), everything else passes nothing and
 * NO_SERVE_METRICS is used. Each call is O(1) and allocation-free: it sits on the per-batch path.
 */
export interface ServeMetrics {
  /** A batch applied by the pipeline: its sequence consumed, its events counted. */
  batchAccepted(events: number): void;
  /** A batch whose sequence was already acked: acked again, not applied (the events it claims). */
  batchDuplicate(events: number): void;
  /** A batch whose sequence was consumed without applying it (a REJECTED ack), by error code. */
  batchRejected(code: string, events: number): void;
  /** An ack written to an emitter, by status (OK, REJECTED, OUT_OF_ORDER). */
  ackSent(status: AckStatus): void;
  /** A call the server ended itself (bad token, too many streams, a message too large …), by error code. */
  callRefused(code: string): void;
  /** An Ingest stream was admitted; streamClosed() follows when it ends. */
  streamOpened(): void;
  streamClosed(): void;
  /**
   * One journal commit: `records` records of `bytes` bytes written, then made durable by an
   * fdatasync that took `fsyncSeconds` (undefined with --fsync never: there was none).
   */
  journalCommit(records: number, bytes: number, fsyncSeconds: number | undefined): void;
}

const nothing = (): void => undefined;

/** Counts nothing: a pipeline whose figures nobody reads (the embedded one, the tests). */
export const NO_SERVE_METRICS: ServeMetrics = {
  batchAccepted: nothing,
  batchDuplicate: nothing,
  batchRejected: nothing,
  ackSent: nothing,
  callRefused: nothing,
  streamOpened: nothing,
  streamClosed: nothing,
  journalCommit: nothing,
};
