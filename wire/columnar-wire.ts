/** Protobuf wire types used by the EventBatch codec (columnar-encoder.ts, columnar-decoder.ts). */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

/** How a column's varints are written and read. */
export const ColumnMode = {
  /** uint64 / uint32: the varint as is. */
  UINT: 0,
  /** sint64: ZigZag. */
  ZIGZAG: 1,
  /** An enum, int32 on the wire: a negative one is a ten-byte two's complement varint. */
  ENUM: 2,
} as const;
export type ColumnMode = (typeof ColumnMode)[keyof typeof ColumnMode];

/**
 * EventBatch's columns (events.proto fields 4–16), in field-number order, as protobufjs writes
 * them: the view's key, the proto name (for messages), how the varints are coded, and whether
 * the column has one entry per event (dense) or only per alert / incident.
 */
export const EVENT_COLUMNS = [
  { field: 4, key: 'kind', proto: 'kind', mode: ColumnMode.ENUM, dense: true },
  { field: 5, key: 'timeDeltaMs', proto: 'time_delta_ms', mode: ColumnMode.ZIGZAG, dense: true },
  { field: 6, key: 'device', proto: 'device', mode: ColumnMode.UINT, dense: true },
  { field: 7, key: 'deviceType', proto: 'device_type', mode: ColumnMode.ENUM, dense: true },
  { field: 8, key: 'network', proto: 'network', mode: ColumnMode.ENUM, dense: true },
  { field: 9, key: 'code', proto: 'code', mode: ColumnMode.UINT, dense: true },
  { field: 10, key: 'requestId', proto: 'request_id', mode: ColumnMode.UINT, dense: true },
  { field: 11, key: 'user', proto: 'user', mode: ColumnMode.UINT, dense: true },
  { field: 12, key: 'outcome', proto: 'outcome', mode: ColumnMode.ENUM, dense: true },
  { field: 13, key: 'ref', proto: 'ref', mode: ColumnMode.UINT, dense: true },
  { field: 14, key: 'value', proto: 'value', mode: ColumnMode.ZIGZAG, dense: true },
  { field: 15, key: 'hopDeltaMs', proto: 'hop_delta_ms', mode: ColumnMode.ZIGZAG, dense: false },
  { field: 16, key: 'resolverGroup', proto: 'resolver_group', mode: ColumnMode.ENUM, dense: false },
] as const;
