import type { MetricSample } from '../simulator/core/domain/metrics/metric-table.js';
import { protoTypes } from './proto-root.js';
import { invalid } from './wire-invalid.js';

/** Codecs of the small messages (acks, reports, runs): protobufjs reflected codecs. */

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
  /** Acked batches of this stream the pipeline lost (services.proto); 0 from older pipelines. */
  readonly lostBatches: number;
}

export interface IngestStats {
  readonly batchesAccepted: number;
  readonly eventsAccepted: number;
  readonly duplicateBatches: number;
  readonly duplicateEvents: number;
  readonly rejectedBatches: number;
  readonly rejectedEvents: number;
  readonly refusedCalls: number;
  /** Acked batches the pipeline lost: > 0 means the run's figures are known to be incomplete. */
  readonly lostBatches: number;
  readonly streams: readonly StreamStats[];
}

export interface ReportRequest {
  readonly asOfMs: number;
  /** "" is a run like any other (what a client older than v1.1 asks for). */
  readonly runId: string;
}

export interface ReportResponse {
  readonly metrics: MetricSample[];
  readonly stats: IngestStats;
  readonly runId: string;
  /** Metric families the pipeline computes; empty = not said (services.proto). */
  readonly families: readonly string[];
}

export interface RunSummary {
  readonly runId: string;
  readonly streams: number;
  readonly batchesAccepted: number;
  readonly eventsAccepted: number;
  readonly lastEventMs: number;
  /** As IngestStats.lostBatches: > 0 means the run's figures are known to be incomplete. */
  readonly lostBatches: number;
}

export interface ListRunsResponse {
  readonly runs: readonly RunSummary[];
}

export interface DropRunRequest {
  readonly runId: string;
}

export interface DropRunResponse {
  readonly dropped: boolean;
}

export function encodeIngestAck(ack: IngestAck): Uint8Array {
  return protoTypes().IngestAck.encode(ack).finish();
}

/** Decodes with protobufjs, then copies into a plain object (no prototype-held defaults). */
type Reflected =
  | 'IngestAck'
  | 'ReportRequest'
  | 'ReportResponse'
  | 'ListRunsRequest'
  | 'ListRunsResponse'
  | 'DropRunRequest'
  | 'DropRunResponse';

function decodeWith<T>(type: Reflected, bytes: Uint8Array): T {
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
  const r = decodeWith<Omit<ReportResponse, 'stats'> & { stats: IngestStats | null }>('ReportResponse', bytes);
  return { metrics: r.metrics, stats: r.stats ?? emptyIngestStats(), runId: r.runId, families: r.families };
}

function encodeWith(type: Reflected, message: object): Uint8Array {
  return protoTypes()[type].encode(message).finish();
}

export const encodeListRunsRequest = (): Uint8Array => encodeWith('ListRunsRequest', {});
export const decodeListRunsRequest = (bytes: Uint8Array): Record<string, never> => decodeWith('ListRunsRequest', bytes);
export const encodeListRunsResponse = (m: ListRunsResponse): Uint8Array => encodeWith('ListRunsResponse', m);
export const decodeListRunsResponse = (bytes: Uint8Array): ListRunsResponse => decodeWith('ListRunsResponse', bytes);
export const encodeDropRunRequest = (m: DropRunRequest): Uint8Array => encodeWith('DropRunRequest', m);
export const decodeDropRunRequest = (bytes: Uint8Array): DropRunRequest => decodeWith('DropRunRequest', bytes);
export const encodeDropRunResponse = (m: DropRunResponse): Uint8Array => encodeWith('DropRunResponse', m);
export const decodeDropRunResponse = (bytes: Uint8Array): DropRunResponse => decodeWith('DropRunResponse', bytes);

export function emptyIngestStats(): IngestStats {
  return {
    batchesAccepted: 0,
    eventsAccepted: 0,
    duplicateBatches: 0,
    duplicateEvents: 0,
    rejectedBatches: 0,
    rejectedEvents: 0,
    refusedCalls: 0,
    lostBatches: 0,
    streams: [],
  };
}
