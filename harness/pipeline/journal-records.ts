import { SmsimError } from '../../simulator/core/errors.js';
import { decodeIngestRequest, type IngestRequest } from '../../wire/envelope.js';

/*
 * What a journal record holds (journal.ts frames and checksums records; this says what is
 * inside). A record is either an IngestRequest envelope exactly as received, or a control
 * record: byte 0 is 0x00, which no envelope can start with (protobuf field number 0 is invalid),
 * so journals written before control records existed read the same way.
 */

const CONTROL = 0x00;
const DROP_RUN = 0x01;
const LOST = 0x02;

export type JournalRecord =
  | { readonly kind: 'ingest'; readonly request: IngestRequest }
  | { readonly kind: 'drop-run'; readonly runId: string }
  /** Sequences from..to of a stream were acked, then lost to journal damage (journal-repair.ts). */
  | { readonly kind: 'lost'; readonly runId: string; readonly streamId: string; readonly from: number; readonly to: number };

/** A run dropped through Reporting.DropRun: replay forgets what came before it for that run. */
export function encodeDropRunRecord(runId: string): Buffer {
  const id = Buffer.from(runId, 'utf8');
  const out = Buffer.allocUnsafe(2 + id.length);
  out[0] = CONTROL;
  out[1] = DROP_RUN;
  id.copy(out, 2);
  return out;
}

/**
 * The hole a repair left in a stream: `[0x00 0x02][u32 run id length][run id][u32 stream id
 * length][stream id][u64 from][u64 to]`, all little-endian. Written by `smsim journal repair`
 * only, so replay marks the sequences consumed and lost instead of refusing the stream's later
 * batches as out of order.
 */
export function encodeLostRecord(runId: string, streamId: string, from: number, to: number): Buffer {
  const run = Buffer.from(runId, 'utf8');
  const stream = Buffer.from(streamId, 'utf8');
  const out = Buffer.allocUnsafe(2 + 4 + run.length + 4 + stream.length + 16);
  let pos = 0;
  out[pos++] = CONTROL;
  out[pos++] = LOST;
  pos = out.writeUInt32LE(run.length, pos);
  pos += run.copy(out, pos);
  pos = out.writeUInt32LE(stream.length, pos);
  pos += stream.copy(out, pos);
  pos = out.writeBigUInt64LE(BigInt(from), pos);
  out.writeBigUInt64LE(BigInt(to), pos);
  return out;
}

function malformed(what: string): SmsimError {
  return new SmsimError('SMSIM_ERR_JOURNAL_DAMAGED', `malformed ${what} control record`);
}

function decodeLost(payload: Buffer): JournalRecord {
  let pos = 2;
  const text = (): string => {
    if (pos + 4 > payload.length) throw malformed('lost-sequences');
    const length = payload.readUInt32LE(pos);
    pos += 4;
    if (pos + length > payload.length) throw malformed('lost-sequences');
    pos += length;
    return payload.toString('utf8', pos - length, pos);
  };
  const runId = text();
  const streamId = text();
  if (pos + 16 !== payload.length) throw malformed('lost-sequences');
  const from = Number(payload.readBigUInt64LE(pos));
  const to = Number(payload.readBigUInt64LE(pos + 8));
  if (!Number.isSafeInteger(to) || from < 1 || from > to) throw malformed('lost-sequences');
  return { kind: 'lost', runId, streamId, from, to };
}

/**
 * What a record holds. An envelope that cannot be parsed throws SMSIM_ERR_BATCH_INVALID, a
 * malformed control record SMSIM_ERR_JOURNAL_DAMAGED; an unknown control record throws
 * SMSIM_ERR_JOURNAL_FAILED, as it is no damage but a newer smsim's journal.
 */
export function decodeJournalRecord(payload: Buffer): JournalRecord {
  if (payload[0] !== CONTROL) return { kind: 'ingest', request: decodeIngestRequest(payload) };
  if (payload[1] === DROP_RUN) return { kind: 'drop-run', runId: payload.subarray(2).toString('utf8') };
  if (payload[1] === LOST) return decodeLost(payload);
  throw new SmsimError('SMSIM_ERR_JOURNAL_FAILED', `unknown control record ${String(payload[1])}: written by a newer smsim?`);
}
