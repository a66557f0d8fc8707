import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { SmsimError } from '../simulator/core/errors.js';

/*
 * 64-bit fields decode to JS numbers, never to Long objects.
 *
 * protobufjs picks up the `long` package when it is installed (it is, as its own dependency) and
 * then decodes every int64 / uint64 / sint64 into a Long: one extra object per value, i.e. four
 * columns × ~1000 events = thousands of allocations per batch on the ingest hot path, and code
 * downstream would have to call `.toNumber()` anyway. Every 64-bit value on our wire (device
 * numbers, ids, ms times) is below 2^53, so a double holds it exactly; the codec rejects values
 * that are not (see codec.ts). Removing `util.Long` and re-running `configure()` rebinds the
 * reader's 64-bit methods to `toNumber`. This must happen before any type is loaded: field
 * defaults are computed from `util.Long` when the types are resolved.
 *
 * It is a process-wide switch on the protobufjs module; smsim is its only user in the process.
 */
// The typings declare `util.Long` as a constructor; clearing it is the documented way to opt out.
(protobuf.util as { Long: unknown }).Long = undefined;
protobuf.configure();

/** The repository (or installed package) root: the nearest directory up holding package.json. */
export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new SmsimError('SMSIM_ERR_INTERNAL', `no package.json above ${fileURLToPath(fromUrl)}`);
    }
    dir = parent;
  }
}

/** The directory holding `smsim/v1/*.proto`. Works from the TS sources and from `dist/`. */
export function protoDir(): string {
  return join(findPackageRoot(), 'proto');
}

const PROTO_FILES = ['smsim/v1/events.proto', 'smsim/v1/services.proto', 'smsim/v1/recording.proto'];

/** The reflected message types smsim encodes and decodes. */
export interface SmsimProtoTypes {
  readonly root: protobuf.Root;
  readonly EventBatch: protobuf.Type;
  readonly IngestRequest: protobuf.Type;
  readonly IngestAck: protobuf.Type;
  readonly ReportRequest: protobuf.Type;
  readonly ReportResponse: protobuf.Type;
  readonly ListRunsRequest: protobuf.Type;
  readonly ListRunsResponse: protobuf.Type;
  readonly DropRunRequest: protobuf.Type;
  readonly DropRunResponse: protobuf.Type;
  readonly RecordingRecord: protobuf.Type;
}

let cached: SmsimProtoTypes | undefined;

/** Loads the contract once per process (synchronously: a few ms at startup, never per message). */
export function protoTypes(): SmsimProtoTypes {
  if (cached !== undefined) return cached;
  const dir = protoDir();
  const root = new protobuf.Root();
  // Imports inside the .proto files ("smsim/v1/events.proto") are relative to proto/, not to the
  // importing file, as protoc's -I would resolve them.
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(dir, target));
  try {
    root.loadSync(PROTO_FILES, { keepCase: false });
    root.resolveAll();
  } catch (err) {
    throw new SmsimError('SMSIM_ERR_INTERNAL', `cannot load the wire contract from ${dir}`, {
      cause: err,
    });
  }
  cached = {
    root,
    EventBatch: root.lookupType('smsim.v1.EventBatch'),
    IngestRequest: root.lookupType('smsim.v1.IngestRequest'),
    IngestAck: root.lookupType('smsim.v1.IngestAck'),
    ReportRequest: root.lookupType('smsim.v1.ReportRequest'),
    ReportResponse: root.lookupType('smsim.v1.ReportResponse'),
    ListRunsRequest: root.lookupType('smsim.v1.ListRunsRequest'),
    ListRunsResponse: root.lookupType('smsim.v1.ListRunsResponse'),
    DropRunRequest: root.lookupType('smsim.v1.DropRunRequest'),
    DropRunResponse: root.lookupType('smsim.v1.DropRunResponse'),
    RecordingRecord: root.lookupType('smsim.v1.RecordingRecord'),
  };
  return cached;
}
