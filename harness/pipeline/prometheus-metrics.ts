import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AckStatus } from '../../wire/messages.js';
import type { ServeMetrics } from './serve-metrics.js';

/*
 * The pipeline's figures as Prometheus metrics, with prom-client: names and units follow the
 * Prometheus conventions (smsim_ prefix, _total for counters, base units _bytes and _seconds).
 * docs/observability.md lists every one with its meaning; a test keeps the two in step.
 */

/** Figures read when scraped rather than counted as they change. */
export interface ScrapedFigures {
  /** Runs the pipeline holds (created by their first batch, kept until dropped). */
  readonly runsHeld: () => number;
  /** Size of the journal file, when there is one (--data-dir). */
  readonly journalSizeBytes?: (() => number) | undefined;
}

export interface PrometheusServeMetrics {
  /** What the pipeline counts into. */
  readonly metrics: ServeMetrics;
  /** What /metrics serves: the pipeline's metrics and prom-client's default process metrics. */
  readonly registry: Registry;
}

/** fdatasync takes from tens of µs (a cache) to seconds (a loaded disk): 100 µs … 10 s. */
const FSYNC_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

const ACK_STATUS_NAMES: Readonly<Record<AckStatus, string>> = {
  [AckStatus.OK]: 'OK',
  [AckStatus.OUT_OF_ORDER]: 'OUT_OF_ORDER',
  [AckStatus.REJECTED]: 'REJECTED',
};

export function createPrometheusMetrics(figures: ScrapedFigures): PrometheusServeMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const events = new Counter({
    name: 'smsim_ingest_events_total',
    help: 'Events in the batches the pipeline applied (not duplicates, not rejected)',
    registers,
  });
  const batches = new Counter({ name: 'smsim_ingest_batches_total', help: 'Batches the pipeline applied', registers });
  const duplicateBatches = new Counter({
    name: 'smsim_ingest_duplicate_batches_total',
    help: 'Batches received again after they were acked (acked again, not applied)',
    registers,
  });
  const duplicateEvents = new Counter({
    name: 'smsim_ingest_duplicate_events_total',
    help: 'Events the duplicate batches claimed',
    registers,
  });
  const rejected = new Counter({
    name: 'smsim_ingest_rejected_batches_total',
    help: 'Batches whose sequence was consumed without applying them (a REJECTED ack), by error code',
    labelNames: ['code'] as const,
    registers,
  });
  const acks = new Counter({
    name: 'smsim_ingest_acks_total',
    help: 'Acks written to emitters, by status (OK, OUT_OF_ORDER, REJECTED)',
    labelNames: ['status'] as const,
    registers,
  });
  const refused = new Counter({
    name: 'smsim_ingest_refused_calls_total',
    help: 'Calls the pipeline ended itself (bad token, too many streams, runs or streams past a limit, a message too large), by error code',
    labelNames: ['code'] as const,
    registers,
  });
  const streams = new Gauge({ name: 'smsim_ingest_streams_open', help: 'Ingest streams open now', registers });
  new Gauge({
    name: 'smsim_runs_held',
    help: 'Runs the pipeline holds (until dropped)',
    registers,
    collect() {
      this.set(figures.runsHeld());
    },
  });
  const journalRecords = new Counter({
    name: 'smsim_journal_records_total',
    help: 'Records appended to the journal and made durable since the start',
    registers,
  });
  const journalBytes = new Counter({
    name: 'smsim_journal_written_bytes_total',
    help: 'Bytes written to the journal since the start (headers included)',
    registers,
  });
  const fsync = new Histogram({
    name: 'smsim_journal_fsync_seconds',
    help: 'Time one journal commit waited for its fdatasync (none with --fsync never)',
    buckets: FSYNC_BUCKETS,
    registers,
  });
  const sizeOf = figures.journalSizeBytes;
  if (sizeOf !== undefined) {
    new Gauge({
      name: 'smsim_journal_size_bytes',
      help: 'Size of the journal file',
      registers,
      collect() {
        this.set(sizeOf());
      },
    });
  }
  // Children bound once: the per-batch calls then touch no label map.
  const ackChildren = new Map(Object.entries(ACK_STATUS_NAMES).map(([status, name]) => [Number(status), acks.labels(name)]));
  for (const name of Object.values(ACK_STATUS_NAMES)) acks.labels(name).inc(0);
  const metrics: ServeMetrics = {
    batchAccepted: (n) => {
      batches.inc();
      events.inc(n);
    },
    batchDuplicate: (n) => {
      duplicateBatches.inc();
      duplicateEvents.inc(n);
    },
    batchRejected: (code) => rejected.labels(code).inc(),
    ackSent: (status) => ackChildren.get(status)?.inc(),
    callRefused: (code) => refused.labels(code).inc(),
    streamOpened: () => streams.inc(),
    streamClosed: () => streams.dec(),
    journalCommit: (records, bytes, fsyncSeconds) => {
      journalRecords.inc(records);
      journalBytes.inc(bytes);
      if (fsyncSeconds !== undefined) fsync.observe(fsyncSeconds);
    },
  };
  return { metrics, registry };
}
