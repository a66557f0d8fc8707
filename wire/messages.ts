import type { MetricSample } from '../simulator/core/domain/metrics/metric-table.js';
import { protoTypes } from './proto-root.js';
import { invalid } from './wire-invalid.js';

/** Codecs of the small messages (acks, reports): protobufjs reflected codecs. */

// ---------------------------------------------------------------------------------------------
// IngestAck, ReportRequest, ReportResponse

export const AckStatus = { OK: 0, OUT_OF_ORDER: 1, REJECTED: 2 } as const;
export type AckStatus = (typeof AckStatus)[keyof typeof AckStatus];

export interface IngestAck {
  readonly streamId: string;
  readonly ackedThrough: number;
  readonly status: AckStatus;
  readonly sequence: number;
  readonly message: string;
}

export interface StreamStats {
  readonly streamId: string;
  readonly ackedThrough: number;
  readonly eventsAccepted: number;
}

export interface IngestStats {
  readonly batchesAccepted: number;
  readonly eventsAccepted: number;
  readonly duplicateBatches: number;
  readonly duplicateEvents: number;
  readonly rejectedBatches: number;
  readonly rejectedEvents: number;
  readonly refusedCalls: number;
  readonly streams: readonly StreamStats[];
}

export interface ReportRequest {
  readonly asOfMs: number;
}

export interface ReportResponse {
  readonly metrics: MetricSample[];
  readonly stats: IngestStats;
}

export function encodeIngestAck(ack: IngestAck): Uint8Array {
  return protoTypes().IngestAck.encode(ack).finish();
}

/** Decodes with protobufjs, then copies into a plain object (no prototype-held defaults). */
function decodeWith<T>(type: 'IngestAck' | 'ReportRequest' | 'ReportResponse', bytes: Uint8Array): T {
  const t = protoTypes()[type];
  try {
    return t.toObject(t.decode(bytes), { defaults: true, arrays: true, objects: true }) as T;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw invalid(`${type} is not valid protobuf: ${reason}`, { column: null }, err);
  }
}

export function decodeIngestAck(bytes: Uint8Array): IngestAck {
  const a = decodeWith<IngestAck>('IngestAck', bytes);
  const status = a.status;
  if (status !== AckStatus.OK && status !== AckStatus.OUT_OF_ORDER && status !== AckStatus.REJECTED) {
    throw invalid(`IngestAck.status ${String(status)} is unknown`, { column: 'status' });
  }
  return a;
}

export function encodeReportRequest(request: ReportRequest): Uint8Array {
  return protoTypes().ReportRequest.encode(request).finish();
}

export function decodeReportRequest(bytes: Uint8Array): ReportRequest {
  return decodeWith<ReportRequest>('ReportRequest', bytes);
}

export function encodeReportResponse(response: ReportResponse): Uint8Array {
  return protoTypes().ReportResponse.encode(response).finish();
}

export function decodeReportResponse(bytes: Uint8Array): ReportResponse {
  const r = decodeWith<{ metrics: MetricSample[]; stats: IngestStats | null }>('ReportResponse', bytes);
  return { metrics: r.metrics, stats: r.stats ?? emptyIngestStats() };
}

export function emptyIngestStats(): IngestStats {
  return {
    batchesAccepted: 0,
    eventsAccepted: 0,
    duplicateBatches: 0,
    duplicateEvents: 0,
    rejectedBatches: 0,
    rejectedEvents: 0,
    refusedCalls: 0,
    streams: [],
  };
}
