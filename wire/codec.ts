import type { EventBatchView } from '../simulator/core/domain/event-batch.js';
import { ColumnarDecoder, decodeColumnar, type DecodedColumns } from './columnar-decoder.js';
import { encodeColumnar } from './columnar-encoder.js';
import { validateEventBatch } from './event-batch-validation.js';
import { invalid } from './wire-invalid.js';
import { isSmsimError } from '../simulator/core/errors.js';

/*
 * The EventBatch codec: the hot path of every run (each event is encoded once in a worker and
 * decoded once in the pipeline). The other messages of the contract have their own files:
 * IngestAck and the Report messages use protobufjs reflected codecs (messages.ts), 3–4× faster
 * than proto-loader objects; the Ingest envelope is framed by hand (envelope.ts) so the exact
 * batch bytes travel untouched and can be hashed or journaled as received. Contract and
 * delivery rules: docs/wire.md.
 *
 * EventBatch is written by hand (columnar-encoder.ts, columnar-decoder.ts). protobufjs writes
 * and reads every 64-bit field through its LongBits helpers, one object and several calls per
 * value, and decodes packed columns into growing JS arrays; here columns go straight from and
 * into typed arrays, with a fast path for varints below 2^28 (measured: `node dist/bench/codec.js`,
 * README, Performance notes). The bytes are exactly protobufjs's (fields in number order, packed
 * repeated fields, empty ones omitted, enums as int32 varints), and the decoder reads any valid
 * encoding of the message: packed or unpacked repeated fields, any field order, unknown fields
 * skipped. Tests check both against protobufjs on random batches (test/wire/columnar-codec.test.ts).
 */

export function encodeEventBatch(view: EventBatchView): Uint8Array {
  return encodeColumnar(view);
}

/**
 * Decodes and validates a batch; any problem (malformed protobuf included) is an
 * SMSIM_ERR_BATCH_INVALID naming the column and index, so a pipeline can reject it with a
 * message the emitter's author can act on.
 */
export function decodeEventBatch(bytes: Uint8Array): EventBatchView {
  return validateEventBatch(decodeOrInvalid(decodeColumnar, bytes));
}

/**
 * `decodeEventBatch` for a pipeline's hot path: the same checks and errors, but each batch's
 * columns are reused by the next `decode`, so a batch is valid until then (apply it, then move
 * on). The ingest server decodes every batch with one of these.
 */
export class EventBatchDecoder {
  private readonly columns = new ColumnarDecoder();

  decode(bytes: Uint8Array): EventBatchView {
    return validateEventBatch(decodeOrInvalid((b) => this.columns.decode(b), bytes));
  }
}

function decodeOrInvalid(decode: (bytes: Uint8Array) => DecodedColumns, bytes: Uint8Array): DecodedColumns {
  try {
    return decode(bytes);
  } catch (err) {
    // A limit the decoder enforces as it reads is already worded by column.
    if (isSmsimError(err)) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw invalid(`EventBatch is not valid protobuf: ${reason}`, { column: null }, err);
  }
}
