import { performance } from 'node:perf_hooks';
import { EventBatchBuilder } from '../simulator/core/domain/event-batch.js';
import { EventKind } from '../simulator/core/domain/vocabulary.js';
import { EventBatchDecoder, encodeEventBatch } from '../wire/codec.js';
import { decodeIngestRequest, encodeIngestRequest } from '../wire/envelope.js';

/*
 * Hostile envelopes, and what decoding them costs: an IngestRequest whose batch (field 3) is sent
 * as many pieces, which protobuf merges by concatenation. Shared by the decode-time property test
 * (test/wire/envelope-decode-time.test.ts) and `npm run bench` (decode µs per MiB).
 */

const MIB = 1024 * 1024;

const START_MS = Date.UTC(2026, 2, 2);

/** A valid EventBatch of about `bytes` bytes: wide values (~50 bytes an event), so 4 MiB stays under 100,000 events. */
export function batchOfAbout(bytes: number): Uint8Array {
  let n = 1000;
  let batch = encodeEventBatch(wideBatch(n));
  // Events widen as values grow: scale twice, then trim, so the batch never passes `bytes`.
  for (let i = 0; i < 2 || (batch.length > bytes && n > 1); i++) {
    n = Math.max(1, Math.floor(n * (bytes / batch.length) * (i < 2 ? 1 : 0.99)));
    batch = encodeEventBatch(wideBatch(n));
  }
  return batch;
}

function wideBatch(n: number): ReturnType<EventBatchBuilder['take']> {
  const b = new EventBatchBuilder(n);
  for (let i = 0; i < n; i++) {
    b.add({
      kind: EventKind.SERVICE_REQUEST,
      timeMs: START_MS + i * 99_991,
      code: i % 2 === 0 ? '8.1.1' : '4.1.1',
      requestId: 2 ** 50 + i * 7919,
      device: 2 ** 45 + i * 13,
      deviceType: 1,
      outcome: 1,
      user: 2 ** 30 + (i % 40),
      ref: 2 ** 48 + i,
      value: 2 ** 40 + i * 3,
    });
  }
  return b.take();
}

/** The envelope of `batch` in one piece: what every honest emitter sends. */
export function plainEnvelope(batch: Uint8Array): Buffer {
  return encodeIngestRequest('shard-0000', 1, batch, 'bench');
}

/**
 * The envelope of `batch` sent as field 3 repeated, `pieceBytes` of the batch per piece (the last
 * one shorter): decodes to the very same batch. Small pieces are the worst case.
 */
export function repeatedEnvelope(batch: Uint8Array, pieceBytes: number): Buffer {
  const head = encodeIngestRequest('shard-0000', 1, new Uint8Array(0), 'bench');
  const parts: Buffer[] = [];
  for (let at = 0; at < batch.length; at += pieceBytes) {
    const piece = batch.subarray(at, Math.min(batch.length, at + pieceBytes));
    // Tag 3/LEN, a varint length, the bytes: the 2 bytes of head's empty field 3 are dropped below.
    const prefix: number[] = [0x1a];
    for (let v = piece.length; ; v = Math.floor(v / 128)) {
      if (v < 128) {
        prefix.push(v);
        break;
      }
      prefix.push((v % 128) | 128);
    }
    parts.push(Buffer.from(prefix), Buffer.from(piece));
  }
  // head = [stream id][sequence][0x1a 0x00][run id]: keep its fields, replace the empty batch.
  const empty = head.indexOf(Buffer.from([0x1a, 0x00]));
  return Buffer.concat([head.subarray(0, empty), ...parts, head.subarray(empty + 2)]);
}

/** A batch of about `messageBytes / (1 + 2 / pieceBytes)` bytes, so its repeated envelope is ~messageBytes. */
export function repeatedEnvelopeOfAbout(messageBytes: number, pieceBytes: number): Buffer {
  const overhead = 1 + (pieceBytes < 128 ? 1 : 2);
  return repeatedEnvelope(batchOfAbout((messageBytes * pieceBytes) / (pieceBytes + overhead)), pieceBytes);
}

/** What the server does with one message: the envelope, then the merged batch into columns. */
export function decodeWhole(decoder: EventBatchDecoder, message: Uint8Array): number {
  return decoder.decode(decodeIngestRequest(message).batchBytes).eventCount;
}

/** Best of `rounds` timings of `f`, in ms: the least disturbed by other work on the machine. */
export function bestMs(f: () => void, rounds = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** Decode µs per MiB of message, plain against the worst case (2-byte pieces), at 4 MiB. */
export function envelopeDecodeBench(): Record<string, number> {
  const decoder = new EventBatchDecoder();
  const plain = plainEnvelope(batchOfAbout(4 * MIB - 64));
  const repeated = repeatedEnvelopeOfAbout(4 * MIB - 64, 2);
  const perMib = (m: Buffer): number => {
    decodeWhole(decoder, m); // warm up
    return Math.round((bestMs(() => decodeWhole(decoder, m), 5) * 1000) / (m.length / MIB));
  };
  return {
    'envelope.plain.decodeMicrosPerMiB': perMib(plain),
    'envelope.repeated2B.decodeMicrosPerMiB': perMib(repeated),
    'envelope.repeated2B.pieces': Math.round(repeated.length / 4),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(envelopeDecodeBench());
