import type * as grpc from '@grpc/grpc-js';
import { MAX_STREAM_ID_BYTES } from '../simulator/core/domain/wire-limits.js';
import { SmsimError } from '../simulator/core/errors.js';
import { BACKOFF_MAX_MS } from './backoff.js';
import { channelCredentials, type ClientSecurity } from './security.js';
import { IngestClient } from './services.js';

/**
 * Streams this thread's emitters put on one connection. grpc-js shares one connection among all
 * channels to a target with equal options, and a paced run opens every shard of a worker at once
 * (gb-day: 178 on one worker); a pipeline's per-connection limit (HTTP/2 max_concurrent_streams,
 * 100 by default in smsim serve) would make the rest wait for a slot that frees only at the end.
 * So every 64 emitters get a channel option of their own, and with it a connection of their own.
 */
export const STREAMS_PER_CONNECTION = 64;
let emittersCreated = 0;

/** The channel of one emitter's stream (emitter.ts). */
export function ingestChannel(
  target: string,
  streamId: string,
  security: ClientSecurity | undefined,
  maxMessageBytes: number,
): grpc.Client {
  if (Buffer.byteLength(streamId, 'utf8') > MAX_STREAM_ID_BYTES) {
    throw new SmsimError('SMSIM_ERR_LIMIT_EXCEEDED', `stream id "${streamId.slice(0, 40)}…" is over ${MAX_STREAM_ID_BYTES} bytes`);
  }
  const channel = channelCredentials(security, target);
  return new IngestClient(target, channel.credentials, {
    ...channel.options,
    // Not a grpc-js option: it only makes channels of different groups unequal (see above).
    'smsim.connection_group': Math.floor(emittersCreated++ / STREAMS_PER_CONNECTION),
    // Fail locally, with the server's default limit, rather than have the server cut the stream.
    'grpc.max_send_message_length': maxMessageBytes,
    // We keep and resend unacked batches ourselves; grpc-js's retry layer would buffer copies.
    'grpc.enable_retries': 0,
    // The channel's own reconnect backoff starts at 1 s; a restarted pipeline is back sooner.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': BACKOFF_MAX_MS,
  });
}
