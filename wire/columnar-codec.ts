/*
 * A hand-written codec for smsim.v1.EventBatch: the hot path of every run (each event is encoded
 * once in a worker and decoded once in the pipeline).
 *
 * Why by hand: protobufjs writes and reads every 64-bit field through its LongBits helpers, one
 * object and several calls per value, and decodes packed columns into growing JS arrays. Here
 * columns go straight from and into typed arrays, with a fast path for varints below 2^28.
 * Measured on this machine (`node dist/bench/codec.js`): see README, Performance notes.
 *
 * The bytes are exactly protobufjs's (fields in number order, packed repeated fields, empty
 * ones omitted, enums as int32 varints), and the decoder reads any valid encoding of the
 * message: packed or unpacked repeated fields, any field order, unknown fields skipped. A test
 * checks both against protobufjs on random batches.
 */

export { encodeColumnar } from './columnar-encoder.js';
export { ColumnarDecoder, decodeColumnar, MalformedBatch, type DecodedColumns } from './columnar-decoder.js';
