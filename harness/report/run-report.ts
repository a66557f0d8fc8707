import type { LatencySummary } from '../../simulator/pacing.js';
import type { ExpectationResult } from '../expect/expectations.js';
import type { MetricRow } from '../oracle/metric-row.js';
import type { WithinTargetRule } from '../../simulator/core/domain/metrics/metric-config.js';
import type { CpmSummary } from './service-figures.js';

/** The signals that stop a run early (Ctrl-C sends SIGINT). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * report.json, schema version 2 (docs/report-schema.md). Fields are only ever added within a
 * version; a change that removes, renames or retypes one bumps schemaVersion (2: a reported
 * figure may be null, "not reported").
 */
export interface RunReport {
  readonly schemaVersion: 2;
  readonly smsimVersion: string;
  readonly scenario: {
    readonly name: string;
    readonly file: string;
    readonly description: string;
    readonly shardCount: number;
    /** The scenario's expect: lines, so `smsim merge` can check them without the scenario file. */
    readonly expect: readonly string[];
  };
  /** The run the pipeline reported on: the same for every shard process of one run. */
  readonly runId: string;
  readonly seed: string;
  /** sha256 over the per-shard fingerprints, in shard order: same scenario + seed ⇒ same value. */
  readonly fingerprint: string;
  readonly window: { readonly start: string; readonly end: string; readonly startMs: number; readonly endMs: number };
  readonly pipeline: {
    readonly kind: 'embedded' | 'external';
    readonly target: string;
    /** Metric families whose figures the pipeline reported; the others are "not reported". */
    readonly families: readonly string[];
  };
  readonly run: RunFigures;
  readonly shards: ReadonlyArray<{
    readonly index: number;
    readonly events: number;
    readonly batches: number;
    readonly fingerprint: string;
    /** Interrupted runs: this shard stopped before its end, at this virtual time. */
    readonly stoppedAtMs?: number;
  }>;
  readonly metrics: readonly MetricRow[];
  /**
   * The Report RPC's as-of time and the month watermark (R7), and which responses counted as
   * within target (`measurement.withinTarget`). Absent in older report.json files.
   */
  readonly reporting?: { readonly asOfMs: number; readonly latenessMs: number; readonly withinTargetRule?: WithinTargetRule };
  /** CPM1 / CPM2 over the whole run, the old way (mean of provider levels) beside the MP122 way. */
  readonly cpm?: readonly CpmSummary[];
  readonly expectations: readonly ExpectationResult[];
  /**
   * A partial run (a shard selection): its expectations are left to `smsim merge`, which checks
   * them on the whole run. `expectations` is then empty.
   */
  readonly expectationsDeferred?: true;
  /**
   * The run was stopped by a signal before every shard reached its end: its figures cover what
   * was simulated and sent until then, its expectations were not evaluated (`expectations` is
   * empty, `passed` false) and the CLI exits 130 (SIGINT) or 143 (SIGTERM).
   */
  readonly interrupted?: {
    readonly signal: StopSignal;
    /** The earliest virtual time a stopped shard had reached: every shard's traffic before it was simulated. */
    readonly atVirtualMs: number;
    readonly atVirtual: string;
    /** Shards that reached their end; stopped before it (started or not); of those, not started at all. */
    readonly shardsComplete: number;
    readonly shardsStopped: number;
    readonly shardsNotStarted: number;
  };
  /** true when every expectation passed; false for an interrupted run, which evaluated none. */
  readonly passed: boolean;
}

export interface RunFigures {
  readonly workers: number;
  readonly shards: number;
  readonly batches: number;
  readonly bytes: number;
  /** Events emitted by the simulator. */
  readonly sent: number;
  /** Events the pipeline acknowledged as durable. */
  readonly acked: number;
  /** Events sent but not counted by the pipeline. */
  readonly lost: number;
  /** Events the pipeline counted more than once. */
  readonly duplicates: number;
  /** Batches sent again after a reconnect. */
  readonly resent: number;
  /** Batches the pipeline refused as invalid. */
  readonly rejected: number;
  /**
   * Batches the pipeline says it acked and then lost (IngestStats.lost_batches, e.g. journal
   * records a repair quarantined): the run's figures are known to be incomplete. Absent when 0.
   */
  readonly pipelineLostBatches?: number;
  /** A resumed run: batches (and events) an earlier process delivered, simulated but not sent again. */
  readonly resumed?: { readonly batches: number; readonly events: number };
  readonly wallSeconds: number;
  readonly eventsPerSecond: number;
  /** Peak resident memory of the smsim process (workers and embedded pipeline included), bytes. */
  readonly peakRssBytes: number;
  /** Present on paced runs (--rate / --speed). */
  readonly pacing?: {
    readonly mode: 'speed' | 'rate';
    /** The speed (×) or the rate (events/s) asked for. */
    readonly target: number;
    readonly maxWallSeconds: number | null;
    /** The run hit --duration before the scenario's end. */
    readonly truncated: boolean;
    /** Intended send time → actual send time, per batch (HDR, ms). */
    readonly scheduleLagMs: LatencySummary;
    /** Intended send time → ack, per batch: corrected for coordinated omission (HDR, ms). */
    readonly ackLatencyMs: LatencySummary;
  };
}
