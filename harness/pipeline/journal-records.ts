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

export type JournalRecord =
  | { readonly kind: 'ingest'; readonly request: IngestRequest }
  | { readonly kind: 'drop-run'; readonly runId: string };

/** A run dropped through Reporting.DropRun: replay forgets what came before it for that run. */
export function encodeDropRunRecord(runId: string): Buffer {
  const id = Buffer.from(runId, 'utf8');
  const out = Buffer.allocUnsafe(2 + id.length);
  out[0] = CONTROL;
  out[1] = DROP_RUN;
  id.copy(out, 2);
  return out;
}

export function decodeJournalRecord(payload: Buffer): JournalRecord {
  if (payload[0] !== CONTROL) return { kind: 'ingest', request: decodeIngestRequest(payload) };
  if (payload[1] === DROP_RUN) return { kind: 'drop-run', runId: payload.subarray(2).toString('utf8') };
  throw new SmsimError('SMSIM_ERR_JOURNAL_FAILED', `unknown control record ${String(payload[1])}: written by a newer smsim?`);
}
