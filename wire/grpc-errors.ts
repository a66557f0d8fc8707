import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError, StatusObject } from '@grpc/grpc-js';
import { ERROR_CODES, SmsimError, isSmsimError, type ErrorCode } from '../simulator/core/errors.js';

/**
 * The one place where gRPC statuses and socket errors become SmsimError codes (and back, for
 * what the server sends). Callers match on `code`; messages name the target so a person can act
 * on one line.
 */

/** What a failed call or a socket reports; grpc-js ServiceErrors and Node errors both fit. */
type WireFailure = Partial<Pick<ServiceError, 'code' | 'details'>> & { message?: string };

function grpcCode(err: unknown): number | undefined {
  const code = (err as WireFailure | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function describe(err: unknown): string {
  if (err === null || typeof err !== 'object') return String(err);
  const e = err as WireFailure;
  return e.details ?? e.message ?? String(err);
}

function socketCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  // grpc-js folds the socket error into the details text ("connect ECONNREFUSED 127.0.0.1:1").
  return /\b(ECONNREFUSED|EADDRINUSE|EHOSTUNREACH|ENOTFOUND|ETIMEDOUT|ECONNRESET)\b/.exec(describe(err))?.[1];
}

export function targetUnreachable(target: string, reason: string, cause?: unknown): SmsimError {
  // grpc-js details run on ("… Last error: Error: connect ECONNREFUSED …. Resolution note: "):
  // a person needs the socket reason, once.
  const code = socketCode(cause ?? reason);
  const why =
    code === 'ECONNREFUSED' ? 'connection refused (is the pipeline running?)' : (code ?? reason.replace(/\.?\s*Resolution note:.*$/s, ''));
  return new SmsimError('SMSIM_ERR_TARGET_UNREACHABLE', `cannot reach the pipeline at ${target}: ${why}`, {
    details: { target },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The server's bind failed; grpc-js reports it as text, so EADDRINUSE is found in the message. */
export function bindError(err: unknown, host: string, port: number): SmsimError {
  const address = `${host}:${port}`;
  if (socketCode(err) === 'EADDRINUSE') {
    return new SmsimError('SMSIM_ERR_ADDRESS_IN_USE', `cannot listen on ${address}: the address is in use`, {
      details: { host, port },
      cause: err,
    });
  }
  return new SmsimError('SMSIM_ERR_INTERNAL', `cannot listen on ${address}: ${describe(err)}`, {
    details: { host, port },
    cause: err,
  });
}

/** True when the status says "could not connect" rather than "the server refused the call". */
export function isConnectivityFailure(err: unknown): boolean {
  const code = grpcCode(err);
  return code === GrpcStatus.UNAVAILABLE || socketCode(err) === 'ECONNREFUSED';
}

/**
 * Statuses after which the emitter reconnects and resends: the connection or the server went
 * away (restart, shutdown, reset stream). Everything else is the server refusing what we sent;
 * resending the same bytes would fail the same way.
 */
export function isRetryableStreamStatus(status: Pick<StatusObject, 'code'>): boolean {
  switch (status.code) {
    case GrpcStatus.OK: // ended before every batch was acked: the server is shutting down
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.CANCELLED:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.INTERNAL: // RST_STREAM / GOAWAY mid-call
    case GrpcStatus.UNKNOWN:
    case GrpcStatus.ABORTED:
      return true;
    default:
      return false;
  }
}

function unauthenticated(err: unknown, target: string): SmsimError {
  return new SmsimError(
    'SMSIM_ERR_UNAUTHENTICATED',
    `the pipeline at ${target} refused the call: ${describe(err)} (give the right --token or SMSIM_TOKEN)`,
    {
      details: { target },
      cause: err,
    },
  );
}

/**
 * A failure the pipeline itself reported with one of our codes (toGrpcStatus writes
 * "SMSIM_ERR_…: message" into the status details) keeps that code and message: a journal that
 * failed on the server must not reach the user as "target unreachable".
 */
function pipelineReported(err: unknown, target: string): SmsimError | undefined {
  const m = /^(SMSIM_ERR_[A-Z_]+): ([\s\S]*)$/.exec(describe(err));
  if (m === null || !Object.hasOwn(ERROR_CODES, m[1] as string)) return undefined;
  return new SmsimError(m[1] as ErrorCode, `the pipeline at ${target} reported: ${m[2]}`, { details: { target }, cause: err });
}

/** An ack no correct pipeline sends: behind an earlier ack, or past what was sent. */
export function impossibleAck(a: { target: string; streamId: string; ackedThrough: number; before: number; sent: number }): SmsimError {
  const why = a.ackedThrough < a.before ? 'it lost batches it had acked' : 'it has batches this emitter never sent (stream id reused?)';
  return new SmsimError(
    'SMSIM_ERR_STREAM_FAILED',
    `the pipeline at ${a.target} acked stream ${a.streamId} through ${a.ackedThrough} after ${a.before} of ${a.sent} sent: ${why}`,
    { details: { target: a.target, streamId: a.streamId, ackedThrough: a.ackedThrough } },
  );
}

/** An Ingest stream failed for good. */
export function streamError(err: unknown, target: string): SmsimError {
  if (isSmsimError(err)) return err;
  const reported = pipelineReported(err, target);
  if (reported !== undefined) return reported;
  const code = grpcCode(err);
  if (code === GrpcStatus.UNAUTHENTICATED) return unauthenticated(err, target);
  if (isConnectivityFailure(err)) return targetUnreachable(target, describe(err), err);
  if (code === GrpcStatus.RESOURCE_EXHAUSTED) {
    return new SmsimError('SMSIM_ERR_BATCH_TOO_LARGE', `the pipeline at ${target} refused a message as too large: ${describe(err)}`, {
      details: { target },
      cause: err,
    });
  }
  return new SmsimError('SMSIM_ERR_STREAM_FAILED', `the Ingest stream to ${target} failed: ${describe(err)}`, {
    details: { target, ...(code === undefined ? {} : { grpcCode: code }) },
    cause: err,
  });
}

/** A Reporting call (Report, ListRuns, DropRun) failed. */
export function reportError(err: unknown, target: string): SmsimError {
  if (isSmsimError(err)) return err;
  const reported = pipelineReported(err, target);
  if (reported !== undefined) return reported;
  if (grpcCode(err) === GrpcStatus.UNAUTHENTICATED) return unauthenticated(err, target);
  if (isConnectivityFailure(err)) return targetUnreachable(target, describe(err), err);
  const code = grpcCode(err);
  return new SmsimError('SMSIM_ERR_REPORT_FAILED', `the Report call to ${target} failed: ${describe(err)}`, {
    details: { target, ...(code === undefined ? {} : { grpcCode: code }) },
    cause: err,
  });
}

/** The status a server sends for an error raised while handling a call. */
export function toGrpcStatus(err: unknown): Pick<StatusObject, 'code' | 'details'> {
  const e = SmsimError.from(err);
  switch (e.code) {
    case 'SMSIM_ERR_BATCH_INVALID':
      return { code: GrpcStatus.INVALID_ARGUMENT, details: e.message };
    case 'SMSIM_ERR_BATCH_TOO_LARGE':
      return { code: GrpcStatus.RESOURCE_EXHAUSTED, details: e.message };
    case 'SMSIM_ERR_LIMIT_EXCEEDED':
      // Not retried (isRetryableStreamStatus); the code travels in the details, so the client keeps it.
      return { code: GrpcStatus.RESOURCE_EXHAUSTED, details: `${e.code}: ${e.message}` };
    case 'SMSIM_ERR_UNAUTHENTICATED':
      return { code: GrpcStatus.UNAUTHENTICATED, details: e.message };
    case 'SMSIM_ERR_JOURNAL_FAILED':
      // The journal cannot take more: like a server going away, the emitter keeps its batches.
      return { code: GrpcStatus.UNAVAILABLE, details: `${e.code}: ${e.message}` };
    default:
      return { code: GrpcStatus.INTERNAL, details: `${e.code}: ${e.message}` };
  }
}
