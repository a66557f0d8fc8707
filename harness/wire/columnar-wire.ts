/** Protobuf wire types used by the EventBatch codec (columnar-encoder.ts, columnar-decoder.ts). */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;
