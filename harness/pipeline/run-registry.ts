import { MAX_SHARDS } from '../../simulator/core/domain/wire-limits.js';
import { SmsimError } from '../../simulator/core/errors.js';
import type { IngestStats, RunSummary } from '../../wire/messages.js';
import { createIngestState, ingestStats, type IngestState } from './ingest-state.js';
import type { MeasurementPipeline } from './measurement-pipeline.js';

/** One run a pipeline holds: its delivery state and its metrics, apart from every other run's. */
export interface PipelineRun {
  readonly runId: string;
  readonly state: IngestState;
  readonly pipeline: MeasurementPipeline;
}

/**
 * Streams one run may hold: as many as a scenario may have shards (wire-limits.ts), so a default
 * pipeline never refuses a valid scenario. Each costs ~290 bytes with a 128-byte id (measured).
 */
export const DEFAULT_MAX_STREAMS_PER_RUN = MAX_SHARDS;
/**
 * Runs one pipeline holds until some are dropped. An empty run costs ~9.4 KB (measured), one
 * full of hostile streams ~1.2 MB (4,096 × 290 bytes): 256 of those stay near 300 MB.
 */
export const DEFAULT_MAX_RUNS = 256;

export interface RunLimits {
  /** Runs held at once (default 256); a request naming one more is refused. */
  readonly maxRuns?: number | undefined;
  /** Stream ids one run may hold (default 4,096); a request naming one more is refused. */
  readonly maxStreamsPerRun?: number | undefined;
}

/**
 * The runs a pipeline holds (services.proto, "Runs"). A run is created by its first batch and
 * kept until dropped, so one long-lived pipeline can answer for many runs, the shard processes
 * of a run add up, and a stopped run can be resumed from what was acked. The journal replays
 * into a registry, so a restarted pipeline keeps its runs apart.
 */
export class RunRegistry {
  private readonly runs = new Map<string, PipelineRun>();
  /** Calls the server ended itself before any run was named (see ingestStats). */
  private refused = 0;
  private readonly maxRuns: number;
  private readonly maxStreamsPerRun: number;

  /** `createPipeline` gives each new run its own metrics. */
  constructor(
    private readonly createPipeline: () => MeasurementPipeline,
    limits: RunLimits = {},
  ) {
    this.maxRuns = limits.maxRuns ?? DEFAULT_MAX_RUNS;
    this.maxStreamsPerRun = limits.maxStreamsPerRun ?? DEFAULT_MAX_STREAMS_PER_RUN;
  }

  /**
   * The run, created empty on first use, with no limit: journal replay brings back what was
   * acked, even past limits lowered since (new runs and streams are then refused by admit()).
   */
  get(runId: string): PipelineRun {
    let run = this.runs.get(runId);
    if (run === undefined) {
      run = { runId, state: createIngestState(), pipeline: this.createPipeline() };
      this.runs.set(runId, run);
    }
    return run;
  }

  /**
   * The run a request goes to, or why it is refused: it would be one run too many, or one stream
   * too many in its run. A run under its stream limit (every honest one) costs no stream lookup.
   */
  admit(runId: string, streamId: string): PipelineRun | SmsimError {
    let run = this.runs.get(runId);
    if (run === undefined) {
      if (this.runs.size >= this.maxRuns) {
        return new SmsimError(
          'SMSIM_ERR_LIMIT_EXCEEDED',
          `the pipeline holds ${this.runs.size} runs, its limit (--max-runs): run "${runId}" is refused; drop finished runs (smsim runs drop)`,
          { details: { limit: 'max-runs', value: this.maxRuns } },
        );
      }
      run = this.get(runId);
    }
    const streams = run.state.streams;
    if (streams.size >= this.maxStreamsPerRun && !streams.has(streamId)) {
      return new SmsimError(
        'SMSIM_ERR_LIMIT_EXCEEDED',
        `run "${runId}" holds ${streams.size} streams, its limit (--max-streams-per-run): stream "${streamId}" is refused`,
        { details: { limit: 'max-streams-per-run', value: this.maxStreamsPerRun } },
      );
    }
    return run;
  }

  /** Runs held now. */
  get size(): number {
    return this.runs.size;
  }

  find(runId: string): PipelineRun | undefined {
    return this.runs.get(runId);
  }

  /** Forgets a run; false when there was none. */
  drop(runId: string): boolean {
    return this.runs.delete(runId);
  }

  /** Counts a call the server ended itself, so refusals are never silent. */
  countRefusedCall(): void {
    this.refused++;
  }

  get refusedCalls(): number {
    return this.refused;
  }

  /** The delivery counters of one run; a run the pipeline does not hold has none. */
  stats(runId: string): IngestStats {
    const run = this.runs.get(runId);
    return ingestStats(run?.state ?? createIngestState(), this.refused);
  }

  /** Every run, in run id order. */
  list(): RunSummary[] {
    return [...this.runs.keys()].sort().map((runId) => {
      const state = (this.runs.get(runId) as PipelineRun).state;
      let batchesAccepted = 0;
      let eventsAccepted = 0;
      let lastEventMs = 0;
      let lostBatches = 0;
      for (const s of state.streams.values()) {
        lostBatches += s.lostBatches;
        batchesAccepted += s.batchesAccepted;
        eventsAccepted += s.eventsAccepted;
        if (Number.isFinite(s.lastEventMs)) lastEventMs = Math.max(lastEventMs, s.lastEventMs);
      }
      return { runId, streams: state.streams.size, batchesAccepted, eventsAccepted, lastEventMs, lostBatches };
    });
  }
}
