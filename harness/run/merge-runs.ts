import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';
import { cpmSummary } from '../report/service-figures.js';
import { SmsimError } from '../../simulator/core/errors.js';
import { checkExpectations, parseExpectations } from '../expect/expectations.js';
import { reportedFamilies } from '../oracle/families.js';
import { joinFigures, mergeRows } from '../oracle/join-figures.js';
import { runFingerprint } from '../oracle/merge-shards.js';
import type { FetchedReport } from '../pipeline/report-client.js';
import type { RunFigures, RunReport } from '../report/run-report.js';
import { expectationContext } from './run-context.js';
import { streamIdOf } from './run-id.js';

/** A shard process's report.json and where it was read from (for messages). */
export interface ShardReport {
  readonly source: string;
  readonly report: RunReport;
}

/**
 * The report of a whole run from the reports of its shard processes (`smsim merge`): the same
 * report.json a single process running every shard writes, apart from timings. Truth and
 * observed are added up (every figure is additive across shards, histograms by bucket); the
 * fingerprint is recomputed over every shard in shard order. Reported comes from `pipeline`,
 * the pipeline's Report for the run asked afresh, when the shards streamed into one external
 * pipeline; shards run on embedded pipelines each had their own, so theirs add up too. The
 * expectations are checked on the result.
 */
export function mergeRunReports(
  parts: readonly ShardReport[],
  pipeline?: { readonly report: FetchedReport; readonly families?: readonly string[] },
): RunReport {
  const first = checkMergeable(parts);
  const shards = parts.flatMap((p) => p.report.shards).sort((a, b) => a.index - b.index);
  const merged = mergeRows(parts.map((p) => p.report.metrics));
  let metrics = merged;
  let families = first.pipeline.families;
  if (pipeline !== undefined) {
    const truth: MetricSample[] = merged.map((r) => ({ id: r.id, labels: r.labels, value: r.truth }));
    const observed: MetricSample[] = merged.map((r) => ({ id: r.id, labels: r.labels, value: r.observed }));
    const reported = reportedFamilies(pipeline.report, pipeline.families);
    metrics = joinFigures(truth, observed, pipeline.report.metrics, reported);
    families = [...reported].sort();
  }
  const run = mergeRunFigures(
    parts.map((p) => p.report.run),
    shards,
    pipeline?.report,
  );
  const expectations = checkExpectations(parseExpectations(first.scenario.expect), expectationContext(metrics, run, new Set(families)));
  // The whole run's report: nothing is deferred any more.
  const { expectationsDeferred: _deferred, ...whole } = first;
  return {
    ...whole,
    fingerprint: runFingerprint(shards.map((s) => ({ shard: s.index, fingerprint: s.fingerprint }))),
    pipeline: { ...first.pipeline, families },
    run,
    shards,
    metrics,
    cpm: cpmSummary(metrics),
    expectations,
    passed: expectations.every((e) => e.passed),
  };
}

/** The parts describe one run, and between them every one of its shards exactly once. */
function checkMergeable(parts: readonly ShardReport[]): RunReport {
  const head = parts[0];
  if (head === undefined)
    throw new SmsimError('SMSIM_ERR_MERGE_INVALID', "nothing to merge: give the run directories of a run's shard processes");
  const a = head.report;
  for (const { source, report: b } of parts.slice(1)) {
    const differs = (
      [
        ['scenario', a.scenario.name, b.scenario.name],
        ['seed', a.seed, b.seed],
        ['run id', a.runId, b.runId],
        ['shard count', a.scenario.shardCount, b.scenario.shardCount],
        ['window', a.window.startMs, b.window.startMs],
        ['pipeline', a.pipeline.kind, b.pipeline.kind],
      ] as const
    ).find(([, x, y]) => x !== y);
    if (differs !== undefined) {
      throw new SmsimError(
        'SMSIM_ERR_MERGE_INVALID',
        `${source}: ${differs[0]} ${String(differs[2])} differs from ${head.source}'s ${String(differs[1])}: not shards of one run`,
        {
          details: { source, field: differs[0] },
        },
      );
    }
  }
  // Its figures stop short of the run's end: merged, they would pass for a whole run's.
  const stopped = parts.find((p) => p.report.interrupted !== undefined);
  if (stopped !== undefined)
    throw new SmsimError(
      'SMSIM_ERR_MERGE_INVALID',
      `${stopped.source}: that shard process was interrupted (${stopped.report.interrupted?.signal}): run it again (--resume continues it on an external pipeline), then merge`,
      { details: { source: stopped.source } },
    );
  const owner = new Map<number, string>();
  for (const { source, report } of parts) {
    for (const s of report.shards) {
      const other = owner.get(s.index);
      if (other !== undefined)
        throw new SmsimError('SMSIM_ERR_MERGE_INVALID', `shard ${s.index} is in both ${other} and ${source}: shard sets must not overlap`, {
          details: { shard: s.index },
        });
      owner.set(s.index, source);
    }
  }
  const missing = Array.from({ length: a.scenario.shardCount }, (_, i) => i).filter((i) => !owner.has(i));
  if (missing.length > 0) {
    const listed = missing.length > 10 ? `${missing.slice(0, 10).join(', ')} … (${missing.length} in all)` : missing.join(', ');
    throw new SmsimError(
      'SMSIM_ERR_MERGE_INVALID',
      `shards ${listed} of the ${a.scenario.shardCount} in scenario "${a.scenario.name}" are in none of the reports: the run is incomplete`,
      { details: { missing } },
    );
  }
  return a;
}

/**
 * Delivery figures of the whole run. Counts add up; lost and duplicates are recomputed per
 * stream from the pipeline's Report when there is one (it has seen every shard process), else
 * each process's own count stands. Wall time is the longest process's.
 */
function mergeRunFigures(runs: readonly RunFigures[], shards: RunReport['shards'], report?: FetchedReport): RunFigures {
  const sum = (f: (r: RunFigures) => number): number => runs.reduce((a, r) => a + f(r), 0);
  const wallSeconds = Math.max(...runs.map((r) => r.wallSeconds));
  const sent = sum((r) => r.sent);
  let lost = sum((r) => r.lost);
  let duplicates = sum((r) => r.duplicates);
  if (report !== undefined && report.stats.streams.length > 0) {
    const accepted = new Map(report.stats.streams.map((s) => [s.streamId, s.eventsAccepted]));
    lost = 0;
    duplicates = 0;
    for (const s of shards) {
      const counted = accepted.get(streamIdOf(s.index)) ?? 0;
      lost += Math.max(0, s.events - counted);
      duplicates += Math.max(0, counted - s.events);
    }
  }
  const resumedBatches = sum((r) => r.resumed?.batches ?? 0);
  // The pipeline's count covers the whole run; without its Report, the largest any process saw.
  const lostBatches = report?.stats.lostBatches ?? Math.max(0, ...runs.map((r) => r.pipelineLostBatches ?? 0));
  return {
    workers: sum((r) => r.workers),
    shards: sum((r) => r.shards),
    batches: sum((r) => r.batches),
    bytes: sum((r) => r.bytes),
    sent,
    acked: sum((r) => r.acked),
    lost,
    duplicates,
    resent: sum((r) => r.resent),
    rejected: sum((r) => r.rejected),
    ...(lostBatches > 0 ? { pipelineLostBatches: lostBatches } : {}),
    ...(resumedBatches > 0 ? { resumed: { batches: resumedBatches, events: sum((r) => r.resumed?.events ?? 0) } } : {}),
    wallSeconds,
    eventsPerSecond: Math.round(sent / Math.max(wallSeconds, 1e-9)),
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
  };
}
