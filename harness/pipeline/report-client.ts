import { setTimeout as sleep } from 'node:timers/promises';
import type * as grpc from '@grpc/grpc-js';
import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';
import { MAX_REPORT_BYTES } from '../../simulator/core/domain/wire-limits.js';
import { isSmsimError, type SmsimError } from '../../simulator/core/errors.js';
import { backoffDelayMs, fnv1a, mulberry32 } from '../../wire/backoff.js';
import { reportError } from '../../wire/grpc-errors.js';
import type { IngestStats, RunSummary } from '../../wire/messages.js';
import { authMetadata, channelCredentials, type ClientSecurity } from '../../wire/security.js';
import { ReportingClient, callReporting } from '../../wire/services.js';

export interface FetchedReport {
  readonly runId: string;
  readonly metrics: MetricSample[];
  readonly stats: IngestStats;
  /** Metric families the pipeline says it computes; empty when it does not say. */
  readonly families: readonly string[];
}

export interface ReportCallOptions {
  /** Deadline of one call (default 30 s). */
  readonly timeoutMs?: number | undefined;
  readonly security?: ClientSecurity | undefined;
  /**
   * Keep trying for this long while the pipeline is unreachable (restarting): the end of a run
   * gets the same reconnect window as its streams. 0 (default) = one attempt.
   */
  readonly retryWithinMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** One unary Reporting call on a fresh channel, closed afterwards. */
async function reportingCall<T>(
  target: string,
  options: ReportCallOptions,
  call: (client: grpc.Client, deadline: grpc.CallOptions, done: (err: grpc.ServiceError | null, res?: T) => void) => void,
): Promise<T> {
  const channel = channelCredentials(options.security, target);
  const client = new ReportingClient(target, channel.credentials, {
    ...channel.options,
    // Exactly what the reference pipeline may send (wire-limits.ts): a report of many labelled
    // figures can pass grpc-js's 4 MiB default, and nothing a client sends makes one pass this.
    'grpc.max_receive_message_length': MAX_REPORT_BYTES,
    'grpc.enable_retries': 0,
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      call(client, { deadline: Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) }, (err, res) => {
        if (err !== null) reject(reportError(err, target));
        else if (res === undefined) reject(reportError(new Error('empty response'), target));
        else resolve(res);
      });
    });
  } finally {
    client.close();
  }
}

/**
 * Retries `attempt` while it fails as unreachable, with the emitter's seeded backoff, until
 * `retryWithinMs` has passed; any other failure (a refusal, a failure the pipeline reported
 * with its own code) is final at once.
 */
async function withRetry<T>(target: string, retryWithinMs: number, attempt: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + retryWithinMs;
  const random = mulberry32(fnv1a(`report:${target}`));
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isSmsimError(err, 'SMSIM_ERR_TARGET_UNREACHABLE') || Date.now() >= giveUpAt) throw err as SmsimError;
      await sleep(Math.min(backoffDelayMs(n, random), Math.max(0, giveUpAt - Date.now())));
    }
  }
}

/**
 * Asks the pipeline at `target` for run `runId`'s metrics as of `asOfMs` (0 = the latest event
 * it has seen in the run). Fails fast when nothing listens there (SMSIM_ERR_TARGET_UNREACHABLE)
 * unless `retryWithinMs` gives it a window, as at the end of a run.
 */
export async function fetchReport(target: string, runId: string, asOfMs: number, options: ReportCallOptions = {}): Promise<FetchedReport> {
  return withRetry(target, options.retryWithinMs ?? 0, async () => {
    const response = await reportingCall<{ metrics: MetricSample[]; stats: IngestStats; runId: string; families: readonly string[] }>(
      target,
      options,
      (client, callOptions, done) => callReporting(client, 'Report', { asOfMs, runId }, callOptions, done, authMetadata(options.security)),
    );
    return { runId: response.runId, metrics: response.metrics.map(plainSample), stats: response.stats, families: response.families };
  });
}

/** The runs the pipeline holds (ListRuns; a pipeline may answer UNIMPLEMENTED). */
export async function listRuns(target: string, options: ReportCallOptions = {}): Promise<readonly RunSummary[]> {
  const response = await reportingCall<{ runs: readonly RunSummary[] }>(target, options, (client, callOptions, done) =>
    callReporting(client, 'ListRuns', {}, callOptions, done, authMetadata(options.security)),
  );
  return response.runs;
}

/** Drops a run from the pipeline; false when it held no such run. */
export async function dropRun(target: string, runId: string, options: ReportCallOptions = {}): Promise<boolean> {
  const response = await reportingCall<{ dropped: boolean }>(target, options, (client, callOptions, done) =>
    callReporting(client, 'DropRun', { runId }, callOptions, done, authMetadata(options.security)),
  );
  return response.dropped;
}

/** Labels arrive as a protobuf map; hand callers a plain, sorted-key object. */
function plainSample(m: MetricSample): MetricSample {
  const labels: Record<string, string> = {};
  for (const key of Object.keys(m.labels).sort()) labels[key] = m.labels[key] as string;
  return { id: m.id, labels, value: m.value };
}
