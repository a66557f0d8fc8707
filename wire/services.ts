import * as grpc from '@grpc/grpc-js';
import type { SmsimError } from '../simulator/core/errors.js';
import { isSmsimError } from '../simulator/core/errors.js';
import {
  decodeDropRunRequest,
  decodeDropRunResponse,
  decodeIngestAck,
  decodeListRunsRequest,
  decodeListRunsResponse,
  decodeReportRequest,
  decodeReportResponse,
  encodeDropRunRequest,
  encodeDropRunResponse,
  encodeIngestAck,
  encodeListRunsRequest,
  encodeListRunsResponse,
  encodeReportRequest,
  encodeReportResponse,
} from './messages.js';
import { decodeIngestRequest } from './envelope.js';
import type { DropRunRequest, DropRunResponse, IngestAck, ListRunsResponse, ReportRequest, ReportResponse } from './messages.js';
import type { IngestRequest } from './envelope.js';
import { asBuffer } from './envelope.js';

/**
 * grpc-js service definitions for smsim.v1, built on our own codecs instead of proto-loader
 * (measured 3–4× faster on the EventBatch path). The paths are the ones protoc derives from services.proto, so a pipeline
 * generated from the contract in any language interoperates.
 */

export const INGEST_STREAM_PATH = '/smsim.v1.Ingest/Stream';
export const REPORTING_REPORT_PATH = '/smsim.v1.Reporting/Report';
export const REPORTING_LIST_RUNS_PATH = '/smsim.v1.Reporting/ListRuns';
export const REPORTING_DROP_RUN_PATH = '/smsim.v1.Reporting/DropRun';

/**
 * What the server's deserializer yields. A malformed envelope is passed on as a value instead of
 * thrown: grpc-js answers a throwing deserializer with INTERNAL "Error deserializing request" and
 * drops our message (unless GRPC_NODE_DEBUG_SEND_ERROR_DETAILS is set), so the handler ends the
 * call itself with INVALID_ARGUMENT and says what is wrong.
 */
export type ReceivedIngestRequest = (IngestRequest & { readonly wireBytes: number }) | { readonly malformed: SmsimError };

function receiveIngestRequest(bytes: Buffer): ReceivedIngestRequest {
  try {
    return { ...decodeIngestRequest(bytes), wireBytes: bytes.length };
  } catch (err) {
    if (isSmsimError(err)) return { malformed: err };
    throw err;
  }
}

/**
 * grpc-js types a method with one request type on both ends; ours differ on purpose (the client
 * sends pre-framed bytes, the server receives the parsed envelope), hence the explicit shape.
 */
interface IngestStreamMethod {
  readonly path: string;
  readonly requestStream: true;
  readonly responseStream: true;
  readonly requestSerialize: (envelope: Uint8Array) => Buffer;
  readonly requestDeserialize: (bytes: Buffer) => ReceivedIngestRequest;
  readonly responseSerialize: (ack: IngestAck) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => IngestAck;
  readonly originalName: string;
}

const ingestStream: IngestStreamMethod = {
  path: INGEST_STREAM_PATH,
  requestStream: true,
  responseStream: true,
  // Requests are envelopes already framed by encodeIngestRequest: sent as they are.
  requestSerialize: asBuffer,
  requestDeserialize: receiveIngestRequest,
  responseSerialize: (ack) => asBuffer(encodeIngestAck(ack)),
  responseDeserialize: decodeIngestAck,
  originalName: 'stream',
};

const reportingReport: grpc.MethodDefinition<ReportRequest, ReportResponse> = {
  path: REPORTING_REPORT_PATH,
  requestStream: false,
  responseStream: false,
  requestSerialize: (req) => asBuffer(encodeReportRequest(req)),
  requestDeserialize: decodeReportRequest,
  responseSerialize: (res) => asBuffer(encodeReportResponse(res)),
  responseDeserialize: decodeReportResponse,
  originalName: 'report',
};

const reportingListRuns: grpc.MethodDefinition<Record<string, never>, ListRunsResponse> = {
  path: REPORTING_LIST_RUNS_PATH,
  requestStream: false,
  responseStream: false,
  requestSerialize: () => asBuffer(encodeListRunsRequest()),
  requestDeserialize: decodeListRunsRequest,
  responseSerialize: (res) => asBuffer(encodeListRunsResponse(res)),
  responseDeserialize: decodeListRunsResponse,
  originalName: 'listRuns',
};

const reportingDropRun: grpc.MethodDefinition<DropRunRequest, DropRunResponse> = {
  path: REPORTING_DROP_RUN_PATH,
  requestStream: false,
  responseStream: false,
  requestSerialize: (req) => asBuffer(encodeDropRunRequest(req)),
  requestDeserialize: decodeDropRunRequest,
  responseSerialize: (res) => asBuffer(encodeDropRunResponse(res)),
  responseDeserialize: decodeDropRunResponse,
  originalName: 'dropRun',
};

export const ingestServiceDefinition = { Stream: ingestStream } satisfies grpc.ServiceDefinition;
export const reportingServiceDefinition = {
  Report: reportingReport,
  ListRuns: reportingListRuns,
  DropRun: reportingDropRun,
} satisfies grpc.ServiceDefinition;

export const IngestClient = grpc.makeGenericClientConstructor(ingestServiceDefinition, 'smsim.v1.Ingest');

export const ReportingClient = grpc.makeGenericClientConstructor(reportingServiceDefinition, 'smsim.v1.Reporting');

/** Opens an Ingest stream, typed (the generic client's own `Stream` method is untyped). */
export function openIngestStream(
  client: grpc.Client,
  options: grpc.CallOptions = {},
  metadata: grpc.Metadata = new grpc.Metadata(),
): grpc.ClientDuplexStream<Uint8Array, IngestAck> {
  return client.makeBidiStreamRequest(
    ingestStream.path,
    ingestStream.requestSerialize,
    ingestStream.responseDeserialize,
    metadata,
    options,
  );
}

/** The Reporting methods by name, for callUnary. */
const REPORTING_METHODS = { Report: reportingReport, ListRuns: reportingListRuns, DropRun: reportingDropRun } as const;
/** [request, response] of each Reporting method. */
interface ReportingTypes {
  Report: [ReportRequest, ReportResponse];
  ListRuns: [Record<string, never>, ListRunsResponse];
  DropRun: [DropRunRequest, DropRunResponse];
}
type ReportingMethods = ReportingTypes;
type RequestOf<K extends keyof ReportingTypes> = ReportingTypes[K][0];
type ResponseOf<K extends keyof ReportingTypes> = ReportingTypes[K][1];

/** One Reporting call, typed (the generic client's own methods are untyped). */
export function callReporting<K extends keyof ReportingMethods>(
  client: grpc.Client,
  method: K,
  request: RequestOf<K>,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: ResponseOf<K>) => void,
  metadata: grpc.Metadata = new grpc.Metadata(),
): grpc.ClientUnaryCall {
  const m = REPORTING_METHODS[method] as unknown as grpc.MethodDefinition<RequestOf<K>, ResponseOf<K>>;
  return client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, metadata, options, callback);
}
