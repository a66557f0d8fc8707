import type { Http2Server, ServerHttp2Session } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
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
import { encodeDropRunRecord } from './journal-records.js';
import type { RunRegistry } from './run-registry.js';

export { DEFAULT_MAX_MESSAGE_BYTES };

/**
 * The pipeline's gRPC front door. Delivery (sequences, duplicates, acks, counters) is decided in
 * ingest-delivery.ts and metrics by a MeasurementPipeline; this file carries requests and acks
 * over grpc-js. Contract: proto/smsim/v1/services.proto.
 */

/** DESIGN.md §5: an 8 MiB receive window gave +50–75% events/s over grpc-js's 64 KiB. */
export const DEFAULT_RECEIVE_WINDOW_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_STREAMS = 1024;

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
}

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

/**
 * Raises the HTTP/2 receive window of every connection the grpc-js server accepts.
 *
 * Why: grpc-js leaves Node's default 64 KiB connection and stream windows, so with ~64 KB batch
 * messages the client stalls on WINDOW_UPDATE after each message and client and server take
 * turns; an 8 MiB window measured +50–75% events/s (DESIGN.md §5).
 *
 * How: grpc-js 1.14 has no server option for it (its `grpc-node.flow_control_window` is a
 * client-channel option) and no public handle on its http2 servers. It creates one per bound
 * address in the private method `Server#createHttp2Server(credentials)`, right before
 * `listen()`. Wrapping that method on this one instance, before `bindAsync`, lets us
 * (1) `updateSettings({ initialWindowSize })` so every session advertises an 8 MiB per-stream
 * window in its initial SETTINGS, and (2) `setLocalWindowSize` on each session as it is created
 * (Node's documented pattern, on the server's 'session' event) for the connection window.
 * Doing it at creation, not after bind, leaves no gap in which a reconnecting emitter could get
 * a session with the small window. If a grpc-js upgrade renames the method, the server still
 * works at the default window and the window test in ingest-server.test.ts fails.
 */
function raiseReceiveWindow(server: grpc.Server, windowBytes: number, sessions: Set<ServerHttp2Session>): void {
  // A private member of grpc.Server, hence the structural cast.
  const internals = server as unknown as { createHttp2Server?: (credentials: unknown) => Http2Server };
  const create = internals.createHttp2Server;
  if (typeof create !== 'function') return;
  internals.createHttp2Server = function createWithWindow(this: unknown, credentials: unknown): Http2Server {
    const http2Server = create.call(this, credentials);
    if (windowBytes > 0) http2Server.updateSettings({ initialWindowSize: windowBytes });
    http2Server.on('session', (session: ServerHttp2Session) => {
      if (windowBytes > 0) session.setLocalWindowSize(windowBytes);
      sessions.add(session);
      session.once('close', () => sessions.delete(session));
    });
    return http2Server;
  };
}

interface ServerContext {
  readonly runs: RunRegistry;
  readonly journal: Journal | undefined;
  readonly authorized: (metadata: grpc.Metadata) => boolean;
  readonly maxMessageBytes: number;
  readonly maxStreams: number;
  openStreams: number;
}

/** Ends a call with an error status the server chose; counted, so refusals are never silent. */
function refuse(
  ctx: ServerContext,
  call: grpc.ServerDuplexStream<ReceivedIngestRequest, IngestAck>,
  status: Pick<grpc.StatusObject, 'code' | 'details'>,
): void {
  ctx.runs.countRefusedCall();
  call.emit('error', { ...status, metadata: new grpc.Metadata() });
}

const UNAUTHENTICATED = { code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong bearer token (authorization metadata)' };

function handleIngestStream(ctx: ServerContext) {
  return (call: grpc.ServerDuplexStream<ReceivedIngestRequest, IngestAck>): void => {
    // The client going away surfaces here; delivery state is already consistent per request.
    call.on('error', () => undefined);
    if (!ctx.authorized(call.metadata)) {
      refuse(ctx, call, UNAUTHENTICATED);
      return;
    }
    if (ctx.openStreams >= ctx.maxStreams) {
      // UNAVAILABLE, not RESOURCE_EXHAUSTED: the emitter backs off and retries until a slot frees.
      refuse(ctx, call, {
        code: grpc.status.UNAVAILABLE,
        details: `server busy: ${ctx.openStreams} Ingest streams open (limit ${ctx.maxStreams})`,
      });
      return;
    }
    ctx.openStreams++;
    call.once('close', () => ctx.openStreams--);
    let ended = false;
    let paused = false;
    const delivery = streamDelivery(ctx.runs, ctx.journal, {
      send: (ack) => {
        if (call.cancelled || call.destroyed || call.writableEnded) return;
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
    });
    call.on('data', (req: ReceivedIngestRequest) => {
      if (ended || call.cancelled || call.destroyed || call.writableEnded) return;
      const admitted = admitRequest(req, ctx.maxMessageBytes);
      if (admitted instanceof SmsimError) {
        ended = true;
        refuse(ctx, call, toGrpcStatus(admitted));
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
      ctx.runs.countRefusedCall();
      callback(UNAUTHENTICATED);
      return;
    }
    Promise.resolve()
      .then(() => answer(call.request))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback(toGrpcStatus(SmsimError.from(err, 'SMSIM_ERR_REPORT_FAILED'))),
      );
  };
}

function report(ctx: ServerContext, request: ReportRequest): ReportResponse {
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
  const ctx: ServerContext = {
    runs: options.runs,
    journal: options.journal,
    authorized: tokenChecker(options.security?.token),
    maxMessageBytes,
    maxStreams: options.maxStreams ?? DEFAULT_MAX_STREAMS,
    openStreams: 0,
  };
  const server = new grpc.Server({
    // grpc-js cuts messages past twice our limit before they are buffered whole; between the two
    // the handler refuses them itself, with a message and a count (admitRequest).
    'grpc.max_receive_message_length': 2 * maxMessageBytes,
    // Per connection; the server-wide bound is maxStreams.
    'grpc.max_concurrent_streams': ctx.maxStreams,
  });
  const sessions = new Set<ServerHttp2Session>();
  raiseReceiveWindow(server, options.receiveWindowBytes ?? DEFAULT_RECEIVE_WINDOW_BYTES, sessions);
  server.addService(ingestServiceDefinition, { Stream: handleIngestStream(ctx) });
  server.addService(reportingServiceDefinition, {
    Report: unary(ctx, (req: ReportRequest) => report(ctx, req)),
    ListRuns: unary(ctx, (): ListRunsResponse => ({ runs: ctx.runs.list() })),
    DropRun: unary(ctx, (req: DropRunRequest) => dropRun(ctx, req)),
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(hostPort(host, requestedPort), serverCredentials(options.security), (err, bound) => {
      if (err === null) resolve(bound);
      else {
        server.forceShutdown();
        reject(bindError(err, host, requestedPort));
      }
    });
  });

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
