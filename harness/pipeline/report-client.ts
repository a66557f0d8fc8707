import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';
import type { IngestStats } from '../../wire/messages.js';
import { reportError } from '../../wire/grpc-errors.js';
import { authMetadata, channelCredentials, type ClientSecurity } from '../../wire/security.js';
import { ReportingClient, callReport } from '../../wire/services.js';

export interface FetchedReport {
  readonly metrics: MetricSample[];
  readonly stats: IngestStats;
}

/**
 * Asks the pipeline at `target` for its metrics as of `asOfMs` (0 = the latest event it has
 * seen). Fails fast when nothing listens there (SMSIM_ERR_TARGET_UNREACHABLE) rather than
 * waiting out the timeout: the report is asked for right after the run, the pipeline is up.
 */
export async function fetchReport(target: string, asOfMs: number, timeoutMs = 30_000, security?: ClientSecurity): Promise<FetchedReport> {
  const channel = channelCredentials(security, target);
  const client = new ReportingClient(target, channel.credentials, {
    ...channel.options,
    // A report of many labelled figures can pass grpc-js's 4 MiB default.
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
    'grpc.enable_retries': 0,
  });
  try {
    return await new Promise<FetchedReport>((resolve, reject) => {
      callReport(client, { asOfMs }, { deadline: Date.now() + timeoutMs }, (err, response) => {
        if (err !== null) reject(reportError(err, target));
        else if (response === undefined) reject(reportError(new Error('empty response'), target));
        else resolve({ metrics: response.metrics.map(plainSample), stats: response.stats });
      }, authMetadata(security));
    });
  } finally {
    client.close();
  }
}

/** Labels arrive as a protobuf map; hand callers a plain, sorted-key object. */
function plainSample(m: MetricSample): MetricSample {
  const labels: Record<string, string> = {};
  for (const key of Object.keys(m.labels).sort()) labels[key] = m.labels[key] as string;
  return { id: m.id, labels, value: m.value };
}
