import { performance } from 'node:perf_hooks';
import { cpmSummary } from '../report/service-figures.js';
import { SmsimError } from '../../simulator/core/errors.js';
import type { ResolvedScenario } from '../../simulator/core/scenario/resolve.js';
import { runShards } from '../../simulator/pool.js';
import type { DeliveryOptions, RecordedShardSource, ShardResult } from '../../simulator/shard-task.js';
import { createStartGate, mergeHistograms, type Pacing } from '../../simulator/pacing.js';
import { checkExpectations, parseExpectations } from '../expect/expectations.js';
import { startPipelineServer } from '../pipeline/ingest-server.js';
import { createReferencePipeline } from '../pipeline/reference-pipeline.js';
import { fetchReport, type FetchedReport } from '../pipeline/report-client.js';
import { RunRegistry } from '../pipeline/run-registry.js';
import { overallProgress } from './overall-progress.js';
import { defaultRunId, streamIdOf } from './run-id.js';
import { expectationContext } from './run-context.js';
import { reportedFamilies } from '../oracle/families.js';
import { joinFigures } from '../oracle/join-figures.js';
import { mergeShards } from '../oracle/merge-shards.js';
import type { RunFigures, RunReport } from '../report/run-report.js';
import type { Recording } from '../record/read-recording.js';
import { checkReplayedShards } from '../record/recorded-figures.js';
import type { RecordingSummary, RunRecorder } from '../record/run-recorder.js';
import { SMSIM_VERSION } from '../version.js';

/** How long the pre-flight Report call to an external pipeline may take. */
const PREFLIGHT_TIMEOUT_MS = 5000;
/** The emitters' default reconnect window (emitter-api.ts), which the final Report gets too. */
const DEFAULT_RECONNECT_WINDOW_MS = 10_000;

export type PacingRequest =
  | { readonly mode: 'speed'; readonly speed: number; readonly maxWallMs?: number }
  | { readonly mode: 'rate'; readonly eventsPerSecond: number; readonly maxWallMs?: number };

export interface RunOptions {
  readonly scenario: ResolvedScenario;
  readonly scenarioFile: string;
  readonly workers: number;
  /** host:port of a pipeline that runs elsewhere; default: the embedded reference pipeline. */
  readonly target?: string;
  /** Only these shards (`--shard i/N`): a partial run, whose expectations `smsim merge` checks. */
  readonly shards?: readonly number[];
  /** The run the pipeline reports on (default: defaultRunId, the same for every shard process). */
  readonly runId?: string | undefined;
  /**
   * Continue a run the pipeline already holds: each shard sends only what the pipeline has not
   * acked. Without it, a run id the pipeline holds data for is refused (SMSIM_ERR_RUN_EXISTS).
   */
  readonly resume?: boolean;
  /** The metric families the pipeline computes, when it does not say (ReportResponse.families). */
  readonly families?: readonly string[];
  /** Paced (open-model) sending: a `speed` (virtual ms per wall ms) or an event `rate`; `maxWallMs` bounds the run. */
  readonly pacing?: PacingRequest;
  /** TLS CA, token and timeouts for the emitters and the Report call. */
  readonly delivery?: DeliveryOptions;
  /** Called with the share of shard-time done (0–1) and the events sent so far. */
  readonly onProgress?: (fraction: number, events: number) => void;
  /**
   * Aborted (with the StopSignal as its reason) to stop the run early: the shards stop sending,
   * wait a bounded time for their acks, and the report covers what was sent, marked `interrupted`.
   */
  readonly interrupt?: AbortSignal;
  /**
   * Replay this recording (read whole and checked by readRecording) instead of simulating: the
   * shards send its batches, and its truth and observed figures stand beside the reported ones.
   */
  readonly replay?: Recording;
  /**
   * Record the run: each shard appends the batches it sends to its part, and the recording is
   * finished after the run (`onRecorded`) or, if the run fails or is interrupted, discarded.
   */
  readonly recorder?: RunRecorder;
  readonly onRecorded?: (summary: RecordingSummary) => void;
}

/** The final Report of an interrupted run: someone is waiting for the process to end. */
const INTERRUPTED_REPORT_WINDOW_MS = 5000;

/**
 * The whole path: simulator workers → gRPC Ingest → pipeline → Report RPC → truth vs observed
 * vs reported, with the scenario's expectations checked.
 */
export async function runScenario(options: RunOptions): Promise<RunReport> {
  const { scenario } = options;
  const runId = options.runId ?? defaultRunId(scenario);
  const expectations = parseExpectations(scenario.expect);
  const shards = options.shards ?? Array.from({ length: scenario.estate.shardCount }, (_, i) => i);
  if (shards.length === 0)
    throw new SmsimError(
      'SMSIM_ERR_USAGE',
      `the shard selection selects none of the ${scenario.estate.shardCount} shards of scenario "${scenario.name}"`,
    );
  if (options.resume === true && options.pacing !== undefined) {
    throw new SmsimError(
      'SMSIM_ERR_USAGE',
      '--resume cannot be paced (--rate / --speed): a paced run measures timing from its start; resume it unpaced, or start a new run',
    );
  }
  const server =
    options.target === undefined
      ? await startPipelineServer({ runs: new RunRegistry(() => createReferencePipeline(scenario.metrics)) })
      : undefined;
  const target = options.target ?? (server as { address: string }).address;
  const security = { caPem: options.delivery?.caPem, token: options.delivery?.token };
  const started = performance.now();
  try {
    options.recorder?.start();
    // An external pipeline is checked once up front, so a wrong --target fails in one clear line
    // instead of every worker waiting out its own connect timeout; and what it already holds of
    // this run decides between refusing and resuming.
    const resumeAfter = options.target === undefined ? new Map<number, number>() : await preflight(options, runId, shards, security);
    const pacing: Pacing | undefined =
      options.pacing === undefined ? undefined : { ...options.pacing, gate: createStartGate(), shards: shards.length };
    const ran = await runShards({
      scenario,
      workers: options.workers,
      shards,
      ...(pacing === undefined ? {} : { pacing }),
      ...(options.interrupt === undefined ? {} : { signal: options.interrupt }),
      ...(options.replay === undefined ? {} : { replayFor: replaySource(options.replay) }),
      ...(options.recorder === undefined ? {} : { recordFor: (shard: number) => (options.recorder as RunRecorder).partFor(shard) }),
      sinkFor: (shard) => ({
        kind: 'grpc',
        target,
        runId,
        streamId: streamIdOf(shard),
        ...(resumeAfter.has(shard) ? { resumeAfter: resumeAfter.get(shard) as number } : {}),
        ...(options.delivery === undefined ? {} : { delivery: options.delivery }),
      }),
      onProgress: overallProgress(shards.length, options.onProgress),
    });
    const failed = ran.find((r) => r.error !== undefined);
    if (failed?.error !== undefined) throw SmsimError.fromData(failed.error);
    const results = options.replay === undefined ? ran : checkReplayedShards(ran, options.replay);
    const interrupted = interruption(results, options.interrupt, scenario.startMs);
    // Joining the shards' parts is part of a recorded run's time.
    if (options.recorder !== undefined) {
      if (interrupted === undefined) options.onRecorded?.(await options.recorder.finish(results));
      else await options.recorder.discard();
    }
    const wallSeconds = (performance.now() - started) / 1000;
    // The end of a run gets the streams' reconnect window: a pipeline restarting right after the
    // last ack is waited for, not reported as unreachable.
    const window = options.delivery?.reconnectTimeoutMs ?? DEFAULT_RECONNECT_WINDOW_MS;
    const report = await fetchReport(target, runId, scenario.endMs, {
      security,
      retryWithinMs: interrupted === undefined ? window : Math.min(window, INTERRUPTED_REPORT_WINDOW_MS),
    });

    const accepted = new Map(report.stats.streams.map((s) => [s.streamId, s.eventsAccepted]));
    const run: RunFigures = {
      ...runFigures(results, options.workers, wallSeconds, (r) => accepted.get(streamIdOf(r.shard))),
      ...(report.stats.lostBatches > 0 ? { pipelineLostBatches: report.stats.lostBatches } : {}),
      ...(options.pacing === undefined ? {} : { pacing: pacingFigures(options.pacing, results) }),
    };
    const merged = mergeShards(results);
    const partial = shards.length < scenario.estate.shardCount;
    // One shard process of a run against an external pipeline: its Report covers every process
    // of the run so far, not this one's shards, so none of it can stand beside this process's
    // figures: they are "not reported" here, and `smsim merge` asks again for the whole run.
    const shareOfRun = partial && server === undefined;
    const families = shareOfRun ? new Set<string>() : reportedFamilies(report, options.families);
    const metrics = joinFigures(merged.truth, merged.observed, shareOfRun ? [] : report.metrics, families);
    // A partial run's figures are its shards' only, while an external pipeline's Report covers
    // every shard process of the run so far: its expectations are checked by `smsim merge`. An
    // interrupted run's are not evaluated at all: a figure short of its target is no verdict.
    const checked = partial || interrupted !== undefined ? [] : checkExpectations(expectations, expectationContext(metrics, run, families));
    return {
      schemaVersion: 2,
      smsimVersion: SMSIM_VERSION,
      scenario: {
        name: scenario.name,
        file: options.scenarioFile,
        description: scenario.description,
        shardCount: scenario.estate.shardCount,
        expect: scenario.expect,
      },
      runId,
      seed: scenario.seed,
      fingerprint: merged.fingerprint,
      window: {
        start: new Date(scenario.startMs).toISOString(),
        end: new Date(scenario.endMs).toISOString(),
        startMs: scenario.startMs,
        endMs: scenario.endMs,
      },
      pipeline: { kind: server === undefined ? 'external' : 'embedded', target, families: [...families].sort() },
      run,
      shards: results.map((r) => ({
        index: r.shard,
        events: r.events,
        batches: r.batches,
        fingerprint: r.fingerprint,
        ...(r.stoppedAtMs === undefined ? {} : { stoppedAtMs: r.stoppedAtMs }),
      })),
      metrics,
      reporting: { asOfMs: scenario.endMs, latenessMs: scenario.metrics.latenessMs, withinTargetRule: scenario.metrics.withinTargetRule },
      cpm: cpmSummary(metrics),
      expectations: checked,
      ...(partial && interrupted === undefined ? { expectationsDeferred: true } : {}),
      ...(interrupted === undefined ? {} : { interrupted }),
      passed: interrupted === undefined && checked.every((c) => c.passed),
    };
  } catch (err) {
    await options.recorder?.discard();
    throw err;
  } finally {
    await server?.stop();
  }
}

/** Where each shard's batches lie in a recording being replayed. */
function replaySource(recording: Recording): (shard: number) => RecordedShardSource {
  return (shard) => {
    const s = recording.shards.get(shard);
    return {
      file: recording.file,
      offset: s?.offset ?? 0,
      length: s?.length ?? 0,
      batches: s?.batches ?? 0,
      figuresOffset: s?.figuresOffset ?? 0,
    };
  };
}

/** The `interrupted` marker, when the run was stopped before every shard reached its end. */
function interruption(results: readonly ShardResult[], interrupt: AbortSignal | undefined, startMs: number): RunReport['interrupted'] {
  const stopped = results.flatMap((r) => (r.stoppedAtMs === undefined ? [] : [r.stoppedAtMs]));
  if (stopped.length === 0) return undefined;
  const notStarted = results.filter((r) => r.stoppedAtMs !== undefined && r.batches === 0).length;
  const atVirtualMs = Math.max(startMs, Math.min(...stopped));
  return {
    signal: interrupt?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT',
    atVirtualMs,
    atVirtual: new Date(atVirtualMs).toISOString(),
    shardsComplete: results.length - stopped.length,
    shardsStopped: stopped.length,
    shardsNotStarted: notStarted,
  };
}

/**
 * What the pipeline already holds of this run's shards: refused unless resuming, and then each
 * shard's acked_through, from which its stream continues.
 */
async function preflight(
  options: RunOptions,
  runId: string,
  shards: readonly number[],
  security: { caPem: string | undefined; token: string | undefined },
): Promise<Map<number, number>> {
  const target = options.target as string;
  const held: FetchedReport = await fetchReport(target, runId, 0, { timeoutMs: PREFLIGHT_TIMEOUT_MS, security });
  const acked = new Map(held.stats.streams.map((s) => [s.streamId, s.ackedThrough]));
  const ours = new Map<number, number>();
  for (const shard of shards) {
    const through = acked.get(streamIdOf(shard)) ?? 0;
    if (through > 0) ours.set(shard, through);
  }
  if (options.resume === true) {
    if (ours.size === 0 && held.stats.eventsAccepted > 0 && held.stats.streams.length === 0) {
      throw new SmsimError(
        'SMSIM_ERR_RESUME_FAILED',
        `the pipeline at ${target} holds ${held.stats.eventsAccepted} events of run ${runId} but reports no per-stream acked_through (IngestStats.streams): it cannot be resumed`,
        {
          details: { target, runId },
        },
      );
    }
    return ours;
  }
  if (ours.size > 0) {
    const events = [...ours.keys()].reduce(
      (sum, shard) => sum + (held.stats.streams.find((s) => s.streamId === streamIdOf(shard))?.eventsAccepted ?? 0),
      0,
    );
    throw new SmsimError(
      'SMSIM_ERR_RUN_EXISTS',
      `the pipeline at ${target} already holds run ${runId} (${ours.size} of this run's ${shards.length} shard streams, ${events} events): ` +
        'add --resume to continue it, --run-id <id> (or $SMSIM_RUN_ID) to start another, or drop it with `smsim runs drop`',
      { details: { target, runId, shards: [...ours.keys()] } },
    );
  }
  return ours;
}

function runFigures(
  results: readonly ShardResult[],
  workers: number,
  wallSeconds: number,
  acceptedBy: (r: ShardResult) => number | undefined,
): RunFigures {
  let sent = 0;
  let acked = 0;
  let lost = 0;
  let duplicates = 0;
  let batches = 0;
  let bytes = 0;
  let resent = 0;
  let rejected = 0;
  let resumedBatches = 0;
  let resumedEvents = 0;
  for (const r of results) {
    resumedBatches += r.batchesResumed;
    resumedEvents += r.eventsResumed;
    sent += r.events;
    acked += r.eventsAcked;
    batches += r.batches;
    bytes += r.bytes;
    resent += r.batchesResent;
    rejected += r.batchesRejected;
    // A pipeline that does not report per-stream counts is judged by its acks.
    const counted = acceptedBy(r) ?? r.eventsAcked;
    lost += Math.max(0, r.events - counted);
    duplicates += Math.max(0, counted - r.events);
  }
  return {
    workers,
    shards: results.length,
    batches,
    bytes,
    sent,
    acked,
    lost,
    duplicates,
    resent,
    rejected,
    ...(resumedBatches > 0 ? { resumed: { batches: resumedBatches, events: resumedEvents } } : {}),
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    eventsPerSecond: Math.round(sent / Math.max(wallSeconds, 1e-9)),
    // Worker threads share the process, so its peak RSS covers the simulator and the embedded
    // pipeline together (ru_maxrss is in KiB on Linux).
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function pacingFigures(request: PacingRequest, results: readonly ShardResult[]): NonNullable<RunFigures['pacing']> {
  const figures = results.flatMap((r) => (r.pacing === undefined ? [] : [r.pacing]));
  return {
    mode: request.mode,
    target: request.mode === 'speed' ? request.speed : request.eventsPerSecond,
    maxWallSeconds: request.maxWallMs === undefined ? null : request.maxWallMs / 1000,
    truncated: figures.some((f) => f.truncated),
    scheduleLagMs: mergeHistograms(figures.map((f) => f.scheduleLagUs)),
    ackLatencyMs: mergeHistograms(figures.map((f) => f.ackLatencyUs)),
  };
}
