import type { ServerHttp2Session } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import type { ServingStatus } from 'grpc-health-check';
import { MAX_REPORT_BYTES, MAX_RUN_ID_BYTES } from '../../simulator/core/domain/wire-limits.js';
import { SmsimError } from '../../simulator/core/errors.js';
import type {
  DropRunRequest,
  DropRunResponse,
  IngestAck,
  IngestStats,
  ListRunsResponse,
  ReportRequest,
  ReportResponse,
} from '../../wire/messages.js';
import { bindError, toGrpcStatus } from '../../wire/grpc-errors.js';
import { serverCredentials, tokenChecker, type ServerSecurity } from '../../wire/security.js';
import { ingestServiceDefinition, reportingServiceDefinition } from '../../wire/services.js';
import type { Journal } from './journal.js';
import type { ReceivedIngestRequest } from '../../wire/services.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../wire/emitter-api.js';
import { admitRequest, streamDelivery } from './ingest-delivery.js';
import { countTransportRefusals, raiseReceiveWindow } from './grpc-transport.js';
import { type CallActivity, DEFAULT_STREAM_IDLE_TIMEOUT_MS, IdleStreams } from './idle-streams.js';
import { encodeDropRunRecord } from './journal-records.js';
import type { RunRegistry } from './run-registry.js';
import { NO_SERVE_METRICS, type ServeMetrics } from './serve-metrics.js';

export { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_STREAM_IDLE_TIMEOUT_MS };

/**
 * The pipeline's gRPC front door. Delivery (sequences, duplicates, acks, counters) is decided in
 * ingest-delivery.ts and metrics by a MeasurementPipeline; this file carries requests and acks
 * over grpc-js. Contract: proto/smsim/v1/services.proto.
 */

/** Measured on 2 cores over loopback: an 8 MiB receive window gave +50–75% events/s over grpc-js's 64 KiB. */
export const DEFAULT_RECEIVE_WINDOW_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_STREAMS = 1024;
/**
 * HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS of each connection: RFC 9113 §6.5.2 recommends no less
 * than 100. smsim's emitter puts at most 64 streams on a connection (emitter.ts), so it never
 * waits on this; one connection alone can no longer take all of --max-streams.
 */
export const DEFAULT_MAX_STREAMS_PER_CONNECTION = 100;

export interface PipelineServerOptions {
  /**
   * The runs the server holds, each with its own metrics (run-registry.ts). Pass a registry
   * rebuilt from a journal to resume where the last server stopped; the server updates it.
   */
  readonly runs: RunRegistry;
  /** Default 127.0.0.1: the pipeline is not exposed beyond the machine unless asked. */
  readonly host?: string | undefined;
  /** 0 (default) = an ephemeral port. */
  readonly port?: number | undefined;
  readonly maxMessageBytes?: number | undefined;
  /** HTTP/2 receive window per connection; 0 leaves grpc-js's 64 KiB. */
  readonly receiveWindowBytes?: number | undefined;
  /** Append consumed requests here and ack only once they are durable; absent = in memory only. */
  readonly journal?: Journal | undefined;
  /** TLS and the bearer token every call must carry. */
  readonly security?: ServerSecurity | undefined;
  /** Open Ingest streams allowed at once, over all connections (default 1024). */
  readonly maxStreams?: number | undefined;
  /** Open streams allowed on one connection (default 100, at most maxStreams). */
  readonly maxStreamsPerConnection?: number | undefined;
  /** An Ingest stream on which the client sends nothing for this long, owed nothing, is ended (default 5 s). */
  readonly streamIdleTimeoutMs?: number | undefined;
  /** Counts ingest, acks, refusals and open streams for the operator (smsim serve --metrics-port). */
  readonly metrics?: ServeMetrics | undefined;
  /**
   * Answer the standard gRPC health service (smsim serve does). Off by default: the embedded
   * pipeline has no one to probe it, and loading the service's proto costs every run ~150 ms.
   */
  readonly health?: boolean | undefined;
}

/**
 * The services the standard gRPC health service (grpc.health.v1.Health) answers for, besides
 * "" (the whole server): SERVING from the moment the server listens (a journal is replayed
 * before that), NOT_SERVING from the moment it starts to stop.
 */
export const HEALTH_SERVICES: readonly string[] = ['', 'smsim.v1.Ingest', 'smsim.v1.Reporting'];

export interface PipelineServer {
  /** host:port as a client would dial it. */
  readonly address: string;
  readonly port: number;
  /** Delivery counters of one run (default "", what clients older than v1.1 send). */
  stats(runId?: string): IngestStats;
  /** Receive windows of every open connection, in bytes (observability; the tests read it). */
  sessionWindows(): Array<{ readonly connection: number; readonly stream: number }>;
  /** Stops listening; open streams get `graceMs` (default 1000, 0 = none) before being cut. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

interface ServerContext {
  readonly runs: RunRegistry;
  readonly journal: Journal | undefined;
  readonly authorized: (metadata: grpc.Metadata) => boolean;
  readonly maxMessageBytes: number;
  readonly maxStreams: number;
  readonly idle: IdleStreams;
  readonly metrics: ServeMetrics;
  openStreams: number;
}

/** Counts a call the server ended itself, in the run stats and for the operator, by its code. */
function countRefused(ctx: ServerContext, code: string): void {
  ctx.runs.countRefusedCall();
  ctx.metrics.callRefused(code);
}

/** Ends a call with an error status the server chose; counted, so refusals are never silent. */
function refuse(
  ctx: ServerContext,
  call: grpc.ServerDuplexStream<ReceivedIngestRequest, IngestAck>,
  code: string,
  status: Pick<grpc.StatusObject, 'code' | 'details'>,
): void {
  countRefused(ctx, code);
  call.emit('error', { ...status, metadata: new grpc.Metadata() });
}

const IDLE_DETAILS = (ms: number): string =>
  `Ingest stream idle for ${ms / 1000} s (--stream-idle-timeout): ended by the pipeline; open a new one to send more`;

const UNAUTHENTICATED = { code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong bearer token (authorization metadata)' };

function handleIngestStream(ctx: ServerContext) {
  return (call: grpc.ServerDuplexStream<ReceivedIngestRequest, IngestAck>): void => {
    // The client going away surfaces here; delivery state is already consistent per request.
    call.on('error', () => undefined);
    if (!ctx.authorized(call.metadata)) {
      refuse(ctx, call, 'SMSIM_ERR_UNAUTHENTICATED', UNAUTHENTICATED);
      return;
    }
    if (ctx.openStreams >= ctx.maxStreams) {
      // UNAVAILABLE, not RESOURCE_EXHAUSTED: the emitter backs off and retries until a slot frees.
      refuse(ctx, call, 'SMSIM_ERR_LIMIT_EXCEEDED', {
        code: grpc.status.UNAVAILABLE,
        details: `server busy: ${ctx.openStreams} Ingest streams open (limit ${ctx.maxStreams})`,
      });
      return;
    }
    ctx.openStreams++;
    ctx.metrics.streamOpened();
    const activity: CallActivity = { received: 0, answered: 0 };
    let ended = false;
    let paused = false;
    ctx.idle.track(activity, () => {
      if (ended) return;
      ended = true;
      // Not a refusal (not counted): an idle honest emitter opens a new call with its next batch.
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: IDLE_DETAILS(ctx.idle.timeoutMs), metadata: new grpc.Metadata() });
    });
    call.once('close', () => {
      ctx.openStreams--;
      ctx.metrics.streamClosed();
      ctx.idle.untrack(activity);
    });
    const delivery = streamDelivery(
      ctx.runs,
      ctx.journal,
      {
        send: (ack) => {
          activity.answered++;
          if (call.cancelled || call.destroyed || call.writableEnded) return;
          ctx.metrics.ackSent(ack.status);
          // Acks are tiny, but a client that never reads them must not grow our buffers. Journalled
          // acks are written in bursts after each commit, so one 'drain' listener serves them all.
          if (!call.write(ack) && !paused) {
            paused = true;
            call.pause();
            call.once('drain', () => {
              paused = false;
              call.resume();
            });
          }
        },
        fail: (err) => {
          if (ended) return;
          ended = true;
          call.emit('error', { ...toGrpcStatus(err), metadata: new grpc.Metadata() });
        },
        refuse: (err) => {
          if (ended) return;
          ended = true;
          refuse(ctx, call, err.code, toGrpcStatus(err));
        },
      },
      ctx.metrics,
    );
    call.on('data', (req: ReceivedIngestRequest) => {
      activity.received++;
      if (ended || call.cancelled || call.destroyed || call.writableEnded) return;
      const admitted = admitRequest(req, ctx.maxMessageBytes);
      if (admitted instanceof SmsimError) {
        ended = true;
        refuse(ctx, call, admitted.code, toGrpcStatus(admitted));
        return;
      }
      delivery.receive(admitted);
    });
    call.on('end', () => {
      void delivery.settled().then(() => {
        if (!call.writableEnded) call.end();
      });
    });
  };
}

/** A Reporting method: authorised, then answered; what it throws keeps its code on the wire. */
function unary<Q, R>(ctx: ServerContext, answer: (request: Q) => R | Promise<R>): grpc.handleUnaryCall<Q, R> {
  return (call, callback) => {
    if (!ctx.authorized(call.metadata)) {
      countRefused(ctx, 'SMSIM_ERR_UNAUTHENTICATED');
      callback(UNAUTHENTICATED);
      return;
    }
    Promise.resolve()
      .then(() => answer(call.request))
      .then(
        (response) => callback(null, response),
        (err: unknown) => {
          const e = SmsimError.from(err, 'SMSIM_ERR_REPORT_FAILED');
          if (e.code === 'SMSIM_ERR_LIMIT_EXCEEDED') countRefused(ctx, e.code);
          callback(toGrpcStatus(e));
        },
      );
  };
}

/** A run id past its wire limit, in a Reporting request: refused like an Ingest request's. */
function checkRunId(runId: string): void {
  const bytes = Buffer.byteLength(runId, 'utf8');
  if (bytes > MAX_RUN_ID_BYTES) {
    throw new SmsimError('SMSIM_ERR_LIMIT_EXCEEDED', `run_id is ${bytes} bytes, over the limit of ${MAX_RUN_ID_BYTES}`, {
      details: { field: 'run_id', bytes, limit: MAX_RUN_ID_BYTES },
    });
  }
}

function report(ctx: ServerContext, request: ReportRequest): ReportResponse {
  checkRunId(request.runId);
  const run = ctx.runs.find(request.runId);
  return {
    runId: request.runId,
    metrics: run?.pipeline.report(request.asOfMs) ?? [],
    stats: ctx.runs.stats(request.runId),
    families: run?.pipeline.families ?? [],
  };
}

/** Drops a run; with a journal, only once the drop is durable, so a restart does not bring it back. */
async function dropRun(ctx: ServerContext, request: DropRunRequest): Promise<DropRunResponse> {
  checkRunId(request.runId);
  if (ctx.runs.find(request.runId) === undefined) return { dropped: false };
  if (ctx.journal !== undefined) {
    ctx.journal.append(encodeDropRunRecord(request.runId));
    await ctx.journal.durable();
  }
  return { dropped: ctx.runs.drop(request.runId) };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startPipelineServer(options: PipelineServerOptions): Promise<PipelineServer> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
  const ctx: ServerContext = {
    runs: options.runs,
    journal: options.journal,
    authorized: tokenChecker(options.security?.token),
    maxMessageBytes,
    maxStreams,
    idle: new IdleStreams(options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS),
    metrics: options.metrics ?? NO_SERVE_METRICS,
    openStreams: 0,
  };
  const server = new grpc.Server({
    // The transport refuses a message past the limit from its 5-byte header, before buffering
    // it; countTransportRefusals counts that refusal and words it like ours. (This was twice the
    // limit so that the handler could count and word refusals between the two, but grpc-js then
    // buffered and handed over up to 8 MiB per message: a repeated-field one blocked the server.)
    'grpc.max_receive_message_length': maxMessageBytes,
    // A Report or ListRuns never passes what smsim's client takes (report-client.ts).
    'grpc.max_send_message_length': MAX_REPORT_BYTES,
    // Per connection (HTTP/2 SETTINGS); the server-wide bound is maxStreams.
    'grpc.max_concurrent_streams': Math.min(maxStreams, options.maxStreamsPerConnection ?? DEFAULT_MAX_STREAMS_PER_CONNECTION),
    interceptors: [
      countTransportRefusals((status) =>
        countRefused(
          ctx,
          status.details?.startsWith('SMSIM_ERR_REPORT_FAILED') === true ? 'SMSIM_ERR_REPORT_FAILED' : 'SMSIM_ERR_BATCH_TOO_LARGE',
        ),
      ),
    ],
  });
  const sessions = new Set<ServerHttp2Session>();
  raiseReceiveWindow(server, options.receiveWindowBytes ?? DEFAULT_RECEIVE_WINDOW_BYTES, sessions);
  server.addService(ingestServiceDefinition, { Stream: handleIngestStream(ctx) });
  server.addService(reportingServiceDefinition, {
    Report: unary(ctx, (req: ReportRequest) => report(ctx, req)),
    ListRuns: unary(ctx, (): ListRunsResponse => ({ runs: ctx.runs.list() })),
    DropRun: unary(ctx, (req: DropRunRequest) => dropRun(ctx, req)),
  });
  // The standard health service, unauthenticated as probes (Kubernetes grpc probes) expect.
  let setHealth = (_status: ServingStatus): void => undefined;
  if (options.health === true) {
    const { HealthImplementation } = await import('grpc-health-check');
    const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((name) => [name, 'NOT_SERVING'])));
    health.addToServer(server);
    setHealth = (status) => {
      for (const name of HEALTH_SERVICES) health.setStatus(name, status);
    };
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(hostPort(host, requestedPort), serverCredentials(options.security), (err, bound) => {
      if (err === null) resolve(bound);
      else {
        ctx.idle.close();
        server.forceShutdown();
        reject(bindError(err, host, requestedPort));
      }
    });
  });

  setHealth('SERVING');
  let stopping: Promise<void> | undefined;
  return {
    address: hostPort(host, port),
    port,
    stats: (runId = '') => options.runs.stats(runId),
    sessionWindows: () =>
      [...sessions].map((s) => ({
        connection: s.state.effectiveLocalWindowSize ?? 0,
        stream: s.localSettings.initialWindowSize ?? 0,
      })),
    stop: ({ graceMs = 1000 } = {}) => {
      stopping ??= new Promise<void>((resolve) => {
        // First, so a watching probe hears it before the connections close.
        setHealth('NOT_SERVING');
        ctx.idle.close();
        // Open Ingest streams never end by themselves; after the grace period they are cut and
        // emitters reconnect and resend whatever was not acked.
        const timer = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
        if (graceMs <= 0) server.forceShutdown();
      });
      return stopping;
    },
  };
}
