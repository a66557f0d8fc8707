import * as grpc from '@grpc/grpc-js';
import { afterEach } from 'vitest';
import { encodeIngestRequest } from '../../wire/envelope.js';
import type { IngestAck } from '../../wire/messages.js';
import { IngestClient, openIngestStream } from '../../wire/services.js';

/** A bare Ingest stream for tests: write envelopes by hand, read acks in order, see the status. */
export interface RawIngestOptions {
  readonly credentials?: grpc.ChannelCredentials;
  readonly metadata?: grpc.Metadata;
  readonly channel?: grpc.ChannelOptions;
}

export function rawIngestStream(address: string, options: RawIngestOptions = {}) {
  const client = new IngestClient(address, options.credentials ?? grpc.credentials.createInsecure(), options.channel ?? {});
  const call = openIngestStream(client, {}, options.metadata ?? new grpc.Metadata());
  const acks: IngestAck[] = [];
  let notify: (() => void) | undefined;
  let status: grpc.StatusObject | undefined;
  call.on('data', (ack: IngestAck) => {
    acks.push(ack);
    notify?.();
  });
  call.on('error', () => undefined);
  call.on('status', (s: grpc.StatusObject) => {
    status = s;
    notify?.();
  });
  return {
    send(streamId: string, seq: number, batch: Uint8Array, runId = '') {
      call.write(encodeIngestRequest(streamId, seq, batch, runId));
    },
    writeRaw(bytes: Uint8Array) {
      call.write(bytes);
    },
    /** The next `k` acks (fewer if the call ends first). */
    async take(k: number): Promise<IngestAck[]> {
      while (acks.length < k && status === undefined) await new Promise<void>((r) => (notify = r));
      return acks.splice(0, k);
    },
    async status(): Promise<grpc.StatusObject> {
      while (status === undefined) await new Promise<void>((r) => (notify = r));
      return status;
    },
    close() {
      call.cancel();
      client.close();
    },
  };
}

export type RawIngestStream = ReturnType<typeof rawIngestStream>;

/**
 * Opens raw streams that are closed after each test. Call it at a test file's top level, after
 * the file's own afterEach: hooks run in reverse order, so the streams close before the server
 * the file stops.
 */
export function rawStreamsClosedAfterEach(): (address: string, options?: RawIngestOptions) => RawIngestStream {
  const streams: RawIngestStream[] = [];
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });
  return (address, options) => {
    const s = rawIngestStream(address, options);
    streams.push(s);
    return s;
  };
}
