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
 * The runs a pipeline holds (services.proto, "Runs"). A run is created by its first batch and
 * kept until dropped, so one long-lived pipeline can answer for many runs, the shard processes
 * of a run add up, and a stopped run can be resumed from what was acked. The journal replays
 * into a registry, so a restarted pipeline keeps its runs apart.
 */
export class RunRegistry {
  private readonly runs = new Map<string, PipelineRun>();
  /** Calls the server ended itself before any run was named (see ingestStats). */
  private refused = 0;

  /** `createPipeline` gives each new run its own metrics. */
  constructor(private readonly createPipeline: () => MeasurementPipeline) {}

  /** The run, created empty on first use. */
  get(runId: string): PipelineRun {
    let run = this.runs.get(runId);
    if (run === undefined) {
      run = { runId, state: createIngestState(), pipeline: this.createPipeline() };
      this.runs.set(runId, run);
    }
    return run;
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
