import type { Http2Server, ServerHttp2Session } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { MAX_REPORT_BYTES } from '../../simulator/core/domain/wire-limits.js';
import { INGEST_STREAM_PATH, REPORTING_DROP_RUN_PATH, REPORTING_LIST_RUNS_PATH, REPORTING_REPORT_PATH } from '../../wire/services.js';

/*
 * What the pipeline server asks of grpc-js beyond its public options: a larger HTTP/2 receive
 * window, and its own refusals of oversized messages counted and worded like ours.
 */

/**
 * Raises the HTTP/2 receive window of every connection the grpc-js server accepts.
 *
 * Why: grpc-js leaves Node's default 64 KiB connection and stream windows, so with ~64 KB batch
 * messages the client stalls on WINDOW_UPDATE after each message and client and server take
 * turns; an 8 MiB window measured +50–75% events/s, on 2 cores over loopback.
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
export function raiseReceiveWindow(server: grpc.Server, windowBytes: number, sessions: Set<ServerHttp2Session>): void {
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

/** A status as a server call sends it (grpc-js does not export the type by name). */
type SentStatus = Parameters<grpc.ServerInterceptingCallInterface['sendStatus']>[0];

const REQUEST_NAMES: Readonly<Record<string, string>> = {
  [INGEST_STREAM_PATH]: 'IngestRequest',
  [REPORTING_REPORT_PATH]: 'ReportRequest',
  [REPORTING_LIST_RUNS_PATH]: 'ListRunsRequest',
  [REPORTING_DROP_RUN_PATH]: 'DropRunRequest',
};

/** grpc-js's own wording (stream-decoder.js, server-interceptors.js in 1.14). */
const RECEIVED_TOO_LARGE = /^Received message larger than max \((\d+) vs\.? (\d+)\)/;
const DECOMPRESSES_TOO_LARGE = /^Received message that decompresses to a size larger than (\d+)/;
const SENT_TOO_LARGE = /^Sent message larger than max \((\d+) vs\.? (\d+)\)/;

/**
 * A status grpc-js decided by itself, reworded as smsim words it, or undefined for any other
 * status (those the handlers send are already ours).
 */
export function transportRefusal(path: string, status: SentStatus): SentStatus | undefined {
  if (status.code !== grpc.status.RESOURCE_EXHAUSTED) return undefined;
  const what = REQUEST_NAMES[path] ?? 'request';
  const details = status.details ?? '';
  let m = RECEIVED_TOO_LARGE.exec(details);
  if (m !== null) {
    return { ...status, details: `${what} of ${m[1]} bytes exceeds the server's limit of ${m[2]} bytes (--max-message-bytes)` };
  }
  m = DECOMPRESSES_TOO_LARGE.exec(details);
  if (m !== null) {
    return { ...status, details: `${what} decompresses to more than the server's limit of ${m[1]} bytes (--max-message-bytes)` };
  }
  m = SENT_TOO_LARGE.exec(details);
  if (m !== null) {
    // The client keeps the code (grpc-errors.ts): a run that cannot be reported fails as such.
    return {
      ...status,
      details: `SMSIM_ERR_REPORT_FAILED: the response is ${m[1]} bytes, over the ${MAX_REPORT_BYTES} bytes a Report may be (docs/wire.md#limits)`,
    };
  }
  return undefined;
}

/**
 * A server interceptor that counts (and rewords) the calls grpc-js ends by itself for a message
 * past the size limits, so the transport can enforce the limit exactly and no refusal is silent.
 *
 * grpc-js checks a message's length from its 5-byte gRPC header, before buffering it, and ends
 * the call through its own `sendStatus`, which no interceptor's responder sees. It calls it as a
 * method of the base call, which is the `call` the first interceptor receives: wrapping that
 * method on the instance (one closure per call, nothing per message) catches those statuses
 * too. If a grpc-js upgrade changes that, refusals still happen, uncounted and in grpc-js's
 * words, and the transport-limit tests in hostile-limits.test.ts fail.
 */
export function countTransportRefusals(onRefused: (refusal: SentStatus) => void): grpc.ServerInterceptor {
  return (method, call) => {
    const sendStatus = call.sendStatus.bind(call);
    call.sendStatus = (status) => {
      const refusal = transportRefusal(method.path, status);
      if (refusal !== undefined) onRefused(refusal);
      sendStatus(refusal ?? status);
    };
    // grpc-js types the result as its wrapper class, but only uses the call interface; the
    // wrapper would add closures per message and per ack, so the call itself is returned.
    return call as unknown as grpc.ServerInterceptingCall;
  };
}
