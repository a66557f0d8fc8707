import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { isSmsimError, SmsimError } from '../../../simulator/core/errors.js';
import { LOCK_STALE_MS } from '../../pipeline/data-dir-lock.js';
import { type DurablePipeline, openDurablePipeline } from '../../pipeline/durable-pipeline.js';
import { type PipelineServer, startPipelineServer } from '../../pipeline/ingest-server.js';
import type { MetricsEndpoint } from '../../pipeline/metrics-endpoint.js';
import type { PrometheusServeMetrics } from '../../pipeline/prometheus-metrics.js';
import type { FsyncMode } from '../../pipeline/journal.js';
import { createReferencePipeline } from '../../pipeline/reference-pipeline.js';
import { RunRegistry } from '../../pipeline/run-registry.js';
import type { ServeMetrics } from '../../pipeline/serve-metrics.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import type { CliIo, CommandContext } from '../context.js';
import { byteSize, familyList, fsyncMode, portNumber, readPem, tokenOf, wallDuration, wholeNumber } from '../options.js';

/** A day is already "never" for a stream, and keeps the sweep's timer far below its 2^31 ms. */
const idleTimeout = (v: string): number => {
  const ms = wallDuration(v);
  if (ms > 24 * 60 * 60 * 1000) throw new InvalidArgumentError('must be a duration up to 1d');
  return ms;
};

interface ServeFlags {
  host: string;
  port: number;
  scenario?: string;
  dataDir?: string;
  fsync: FsyncMode;
  tlsCert?: string;
  tlsKey?: string;
  token?: string;
  maxMessageBytes?: number;
  maxStreams?: number;
  maxStreamsPerConnection?: number;
  maxStreamsPerRun?: number;
  maxRuns?: number;
  streamIdleTimeout?: number;
  families?: string[];
  metricsPort?: number;
  metricsHost: string;
}

/**
 * Opens the journal in `dataDir`. A data dir locked by a process this one cannot look at (another
 * pid namespace or boot: a restarted container's predecessor) is waited for until its lock goes
 * stale, so a restarted container comes up by itself; a live holder keeps refreshing it, and is
 * refused once the wait is over.
 */
async function openWhenFree(
  dataDir: string,
  fsync: FsyncMode,
  runs: RunRegistry,
  io: CliIo,
  metrics: ServeMetrics | undefined,
): Promise<DurablePipeline> {
  const giveUpAt = Date.now() + LOCK_STALE_MS * 2;
  for (;;) {
    try {
      return openDurablePipeline(dataDir, fsync, runs, metrics);
    } catch (err) {
      const retryAfterMs = isSmsimError(err) ? err.details.retryAfterMs : undefined;
      if (typeof retryAfterMs !== 'number' || Date.now() + retryAfterMs > giveUpAt) throw err;
      io.stderr.write(`${(err as Error).message}: waiting ${(retryAfterMs / 1000).toFixed(1)} s for it to go stale\n`);
      await sleep(retryAfterMs);
    }
  }
}

export function registerServe(program: Command, { io }: CommandContext): void {
  program
    .command('serve')
    .description('run the reference measurement pipeline stand-alone')
    .option('--host <host>', 'address to bind (0.0.0.0 exposes it to the network)', '127.0.0.1')
    .option('-p, --port <port>', 'port (0 = any free port)', portNumber, 50051)
    .option(
      '--scenario <file>',
      'take the pipeline configuration from this scenario: TRTs and exclusion list (measurement), incident targets (traffic.incidents), lateness (reporting)',
    )
    .option('--data-dir <dir>', 'journal every batch here before acking it, and recover from it on start (default: in memory only)')
    .option(
      '--fsync <mode>',
      'with --data-dir: batch (group commit), always (per batch) or never (survives kill -9, not power loss)',
      fsyncMode,
      'batch',
    )
    .option('--tls-cert <file>', 'serve TLS with this certificate chain (PEM); needs --tls-key')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--token <token>', 'require this bearer token on every call (default: $SMSIM_TOKEN)')
    .option('--max-message-bytes <size>', 'largest IngestRequest accepted (default 4MiB)', byteSize('--max-message-bytes'))
    .option(
      '--families <list>',
      'compute only these metric families, e.g. install,srv: a partial pipeline, as yours may be while you build it (default: all)',
      familyList,
    )
    .option(
      '--max-streams <n>',
      'Ingest streams open at once, over all connections (default 1024)',
      wholeNumber('--max-streams', 1_000_000),
    )
    .option(
      '--max-streams-per-connection <n>',
      'streams open at once on one connection (HTTP/2 SETTINGS; default 100)',
      wholeNumber('--max-streams-per-connection', 1_000_000),
    )
    // Ceilings keep a Report of a full run, and ListRuns, under 64 MiB (docs/wire.md#limits).
    .option(
      '--max-streams-per-run <n>',
      'stream ids one run may hold (default 4096, the most shards a scenario may have)',
      wholeNumber('--max-streams-per-run', 100_000),
    )
    .option('--max-runs <n>', 'runs held until dropped (default 256)', wholeNumber('--max-runs', 100_000))
    .option(
      '--stream-idle-timeout <time>',
      'end an Ingest stream on which the client sends nothing for this long (default 5s; emitters reopen one with their next batch)',
      idleTimeout,
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics over HTTP at /metrics on this port (0 = any free port; default: none)',
      portNumber,
    )
    .option('--metrics-host <host>', 'address the metrics endpoint binds (0.0.0.0 exposes it to the network)', '127.0.0.1')
    .action(async (flags: ServeFlags) => {
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
        throw new SmsimError('SMSIM_ERR_USAGE', '--tls-cert and --tls-key go together');
      const security = {
        ...(flags.tlsCert === undefined ? {} : { certPem: await readPem(flags.tlsCert, 'TLS certificate') }),
        ...(flags.tlsKey === undefined ? {} : { keyPem: await readPem(flags.tlsKey, 'TLS key') }),
        ...tokenOf(flags.token, io),
      };
      const config = flags.scenario === undefined ? undefined : (await loadScenario(flags.scenario)).scenario.metrics;
      // Every run gets its own reference pipeline, all with the same configuration.
      const runs = new RunRegistry(() => createReferencePipeline(config, flags.families), {
        maxRuns: flags.maxRuns,
        maxStreamsPerRun: flags.maxStreamsPerRun,
      });
      let durable: DurablePipeline | undefined;
      let prometheus: PrometheusServeMetrics | undefined;
      let endpoint: MetricsEndpoint | undefined;
      // Before the journal is opened: a port in use is refused before the data dir is locked.
      if (flags.metricsPort !== undefined) {
        // Loaded only when asked for: every other command starts without prom-client.
        const [{ createPrometheusMetrics }, { startMetricsEndpoint }] = await Promise.all([
          import('../../pipeline/prometheus-metrics.js'),
          import('../../pipeline/metrics-endpoint.js'),
        ]);
        prometheus = createPrometheusMetrics({
          runsHeld: () => runs.size,
          ...(flags.dataDir === undefined
            ? {}
            : { journalSizeBytes: () => (durable === undefined ? 0 : durable.recovery.bytes + durable.journal.stats().bytes) }),
        });
        endpoint = await startMetricsEndpoint(prometheus.registry, flags.metricsHost, flags.metricsPort);
        io.stdout.write(`smsim metrics at ${endpoint.url}\n`);
      }
      try {
        durable = flags.dataDir === undefined ? undefined : await openWhenFree(flags.dataDir, flags.fsync, runs, io, prometheus?.metrics);
      } catch (err) {
        await endpoint?.close();
        throw err;
      }
      if (durable !== undefined) {
        const r = durable.recovery;
        const skipped = durable.skipped;
        const list = runs.list();
        const lost = list.reduce((n, run) => n + run.lostBatches, 0);
        io.stderr.write(
          `journal ${r.file}: replayed ${r.records - skipped.records} records (${r.bytes} bytes) into ${list.length} runs` +
            `${r.discardedBytes > 0 ? `; discarded a torn ${r.discardedBytes}-byte tail (never acked): ${r.discardReason ?? 'incomplete file header'}` : ''}` +
            `${skipped.records > 0 ? `; skipped ${skipped.records} records past the wire's limits (${skipped.firstReason ?? ''})` : ''}` +
            `${lost > 0 ? `; ${lost} acked batches were lost to a repaired journal: those runs are incomplete (smsim runs list)` : ''}\n`,
        );
      }
      let server: PipelineServer;
      try {
        server = await startPipelineServer({
          runs,
          host: flags.host,
          port: flags.port,
          security,
          ...(durable === undefined ? {} : { journal: durable.journal }),
          ...(flags.maxMessageBytes === undefined ? {} : { maxMessageBytes: flags.maxMessageBytes }),
          ...(flags.maxStreams === undefined ? {} : { maxStreams: flags.maxStreams }),
          maxStreamsPerConnection: flags.maxStreamsPerConnection,
          streamIdleTimeoutMs: flags.streamIdleTimeout,
          health: true,
          ...(prometheus === undefined ? {} : { metrics: prometheus.metrics }),
        });
      } catch (err) {
        // The server never took the journal over, so closing it is still this command's job.
        await durable?.journal.close();
        await endpoint?.close();
        throw err;
      }
      io.stdout.write(`smsim reference pipeline listening on ${server.address}${security.certPem === undefined ? '' : ' (TLS)'}\n`);
      const signal = await io.untilSignal();
      io.stderr.write(`${signal}: stopping\n`);
      await server.stop();
      await durable?.journal.close();
      await endpoint?.close();
    });
}
