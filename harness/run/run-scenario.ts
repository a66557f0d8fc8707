import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SmsimError } from '../../simulator/core/errors.js';
import type { ResolvedScenario } from '../../simulator/core/scenario/resolve.js';
import { runShards } from '../../simulator/pool.js';
import type { DeliveryOptions, ShardProgress, ShardResult } from '../../simulator/shard-task.js';
import { createStartGate, mergeHistograms, type Pacing } from '../../simulator/pacing.js';
import { checkExpectations, parseExpectations } from '../expect/expectations.js';
import { startPipelineServer } from '../pipeline/ingest-server.js';
import { createReferencePipeline } from '../pipeline/reference-pipeline.js';
import { fetchReport } from '../pipeline/report-client.js';
import { joinFigures } from '../oracle/join-figures.js';
import { mergeShards } from '../oracle/merge-shards.js';
import type { RunFigures, RunReport } from '../report/run-report.js';
import { SMSIM_VERSION } from '../version.js';

/** How long the pre-flight Report call to an external pipeline may take. */
const PREFLIGHT_TIMEOUT_MS = 5000;

export type PacingRequest =
  | { readonly mode: 'speed'; readonly speed: number; readonly maxWallMs?: number }
  | { readonly mode: 'rate'; readonly eventsPerSecond: number; readonly maxWallMs?: number };

export interface RunOptions {
  readonly scenario: ResolvedScenario;
  readonly scenarioFile: string;
  readonly workers: number;
  /** host:port of a pipeline that runs elsewhere; default: the embedded reference pipeline. */
  readonly target?: string;
  /** Only these shards (`--shard i/N`). */
  readonly shards?: readonly number[];
  /** Paced (open-model) sending: a `speed` (virtual ms per wall ms) or an event `rate`; `maxWallMs` bounds the run. */
  readonly pacing?: PacingRequest;
  /** TLS CA, token and timeouts for the emitters and the Report call. */
  readonly delivery?: DeliveryOptions;
  /** Called with the share of shard-time done (0–1) and the events sent so far. */
  readonly onProgress?: (fraction: number, events: number) => void;
}

/**
 * The whole path: simulator workers → gRPC Ingest → pipeline → Report RPC → truth vs observed
 * vs reported, with the scenario's expectations checked.
 */
export async function runScenario(options: RunOptions): Promise<RunReport> {
  const { scenario } = options;
  const expectations = parseExpectations(scenario.expect);
  const server = options.target === undefined ? await startPipelineServer({ pipeline: createReferencePipeline(scenario.metrics) }) : undefined;
  const target = options.target ?? (server as { address: string }).address;
  // An external pipeline is checked once up front, so a wrong --target fails in one clear line
  // instead of every worker waiting out its own connect timeout.
  const security = { caPem: options.delivery?.caPem, token: options.delivery?.token };
  if (options.target !== undefined) await fetchReport(options.target, 0, PREFLIGHT_TIMEOUT_MS, security);
  const runId = randomUUID();
  const streamId = (shard: number): string => `${runId}/shard-${String(shard).padStart(4, '0')}`;
  const started = performance.now();
  try {
    const shards = options.shards ?? Array.from({ length: scenario.estate.shardCount }, (_, i) => i);
    const progress = new Map<number, ShardProgress>();
    const pacing: Pacing | undefined = options.pacing === undefined ? undefined : { ...options.pacing, gate: createStartGate(), shards: shards.length };
    const results = await runShards({
      scenario,
      workers: options.workers,
      shards,
      ...(pacing === undefined ? {} : { pacing }),
      sinkFor: (shard) => ({ kind: 'grpc', target, streamId: streamId(shard), ...(options.delivery === undefined ? {} : { delivery: options.delivery }) }),
      onProgress: (p) => {
        progress.set(p.shard, p);
        let fraction = 0;
        let events = 0;
        for (const q of progress.values()) {
          fraction += q.progress;
          events += q.events;
        }
        options.onProgress?.(fraction / shards.length, events);
      },
    });
    const failed = results.find((r) => r.error !== undefined);
    if (failed?.error !== undefined) throw SmsimError.fromData(failed.error);
    const wallSeconds = (performance.now() - started) / 1000;
    const report = await fetchReport(target, scenario.endMs, undefined, security);

    const accepted = new Map(report.stats.streams.map((s) => [s.streamId, s.eventsAccepted]));
    const run: RunFigures = {
      ...runFigures(results, options.workers, wallSeconds, (r) => accepted.get(streamId(r.shard))),
      ...(options.pacing === undefined ? {} : { pacing: pacingFigures(options.pacing, results) }),
    };
    const merged = mergeShards(results);
    const metrics = joinFigures(merged.truth, merged.observed, report.metrics);
    const runContext: Record<string, number> = {
      ...(run as unknown as Record<string, number>),
      scheduleLagP99: run.pacing?.scheduleLagMs.p99 ?? Number.NaN,
      ackLatencyP99: run.pacing?.ackLatencyMs.p99 ?? Number.NaN,
    };
    const checked = checkExpectations(expectations, { metrics, run: runContext });
    return {
      schemaVersion: 1,
      smsimVersion: SMSIM_VERSION,
      scenario: { name: scenario.name, file: options.scenarioFile, description: scenario.description },
      seed: scenario.seed,
      fingerprint: merged.fingerprint,
      window: {
        start: new Date(scenario.startMs).toISOString(),
        end: new Date(scenario.endMs).toISOString(),
        startMs: scenario.startMs,
        endMs: scenario.endMs,
      },
      pipeline: { kind: server === undefined ? 'external' : 'embedded', target },
      run,
      shards: results.map((r) => ({ index: r.shard, events: r.events, batches: r.batches, fingerprint: r.fingerprint })),
      metrics,
      reporting: { asOfMs: scenario.endMs, latenessMs: scenario.metrics.latenessMs },
      expectations: checked,
      passed: checked.every((c) => c.passed),
    };
  } finally {
    await server?.stop();
  }
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
  for (const r of results) {
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
