/**
 * One error class for all of smsim, with a closed set of stable codes. Callers match on
 * `error.code`, never on messages. Every code is documented in docs/errors.md; a test keeps
 * the two in step.
 */
export const ERROR_CODES = {
  SMSIM_ERR_SCENARIO_NOT_FOUND: 'The scenario file does not exist or cannot be read.',
  SMSIM_ERR_SCENARIO_PARSE:
    'The scenario file is not valid YAML (or is too large or too deeply aliased); `details.issues` lists its syntax errors with its other problems.',
  SMSIM_ERR_SCENARIO_INVALID:
    'The scenario failed validation; `details.issues` lists every problem as `file:line:column: path: message` (`details.problems`: the same as data).',
  SMSIM_ERR_EXPECT_SYNTAX: 'An `expect:` line of the scenario cannot be parsed.',
  SMSIM_ERR_USAGE: 'The command line is wrong (unknown option, bad value).',
  SMSIM_ERR_ADDRESS_IN_USE: 'The pipeline server could not bind its port because it is in use.',
  SMSIM_ERR_TARGET_UNREACHABLE: 'The pipeline at --target could not be reached.',
  SMSIM_ERR_STREAM_FAILED: 'An Ingest stream failed and could not be resumed.',
  SMSIM_ERR_BATCH_INVALID:
    'A received batch is malformed (bad protobuf, wrong column lengths, unknown enum values, absurd or out-of-order times, device 0 where one is needed); see docs/wire.md.',
  SMSIM_ERR_BATCH_TOO_LARGE: 'A received message is larger than the server allows.',
  SMSIM_ERR_LIMIT_EXCEEDED:
    "A request passes one of the pipeline's limits on what a client controls: stream or run id length, streams per run, runs held; see docs/wire.md#limits.",
  SMSIM_ERR_OUT_OF_ORDER: 'A batch arrived with a sequence gap.',
  SMSIM_ERR_REPORT_FAILED: "The pipeline's Report RPC failed.",
  SMSIM_ERR_WORKER_FAILED: 'A simulator worker failed.',
  SMSIM_ERR_RUN_DIR_INVALID: 'A run directory has no readable report.json.',
  SMSIM_ERR_UNAUTHENTICATED: 'The pipeline refused the call: missing or wrong bearer token (--token / SMSIM_TOKEN).',
  SMSIM_ERR_JOURNAL_FAILED:
    "The pipeline's ingest journal cannot be opened, read or appended to, or its data dir is locked by a live pipeline.",
  SMSIM_ERR_JOURNAL_DAMAGED:
    'The ingest journal holds a damaged or unreadable record before its end; the message names the file, the byte offset and the repair command (smsim journal repair).',
  SMSIM_ERR_TLS_INVALID: 'A TLS certificate, key or CA file cannot be read.',
  SMSIM_ERR_RUN_EXISTS:
    'The pipeline already holds data for this run id: resume it (--resume), pick another (--run-id) or drop it (smsim runs drop).',
  SMSIM_ERR_RESUME_FAILED:
    'A run cannot be resumed: the pipeline does not report per-stream acked_through, or holds more of a stream than the scenario produces.',
  SMSIM_ERR_MERGE_INVALID:
    'Shard reports cannot be merged: another scenario, seed or run id, overlapping or missing shards, or an unreadable report.json.',
  SMSIM_ERR_OUT_INVALID:
    'The --out directory cannot be used: it cannot be created, is not a directory, or cannot be written to (checked before the run starts).',
  SMSIM_ERR_RECORDING_UNREADABLE: 'A recording file cannot be opened, read or written.',
  SMSIM_ERR_RECORDING_FOREIGN: 'The file is not an smsim recording (its first bytes are not the SMSIMREC magic).',
  SMSIM_ERR_RECORDING_VERSION: 'The recording is in a format version this smsim does not read.',
  SMSIM_ERR_RECORDING_TRUNCATED: 'The recording ends inside a record, or without its trailer (the run that wrote it did not finish).',
  SMSIM_ERR_RECORDING_CHECKSUM: "A record's CRC-32 does not match its bytes: the file is damaged at that offset.",
  SMSIM_ERR_RECORDING_INVALID:
    'A record is intact but wrong: not decodable, out of place, or its batches disagree with the trailer (counts, sequences, fingerprint).',
  SMSIM_ERR_RECORDING_MISMATCH:
    'The recording is not the one asked for: another scenario than --scenario, or --shard selects shards the file does not hold.',
  SMSIM_ERR_INTERNAL: 'An unexpected internal error (a bug: please report it).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface SmsimErrorData {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class SmsimError extends Error {
  override readonly name = 'SmsimError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { details?: Readonly<Record<string, unknown>>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** Wraps anything thrown into an SmsimError, keeping an SmsimError as it is. */
  static from(err: unknown, code: ErrorCode = 'SMSIM_ERR_INTERNAL'): SmsimError {
    if (err instanceof SmsimError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new SmsimError(code, message, { cause: err });
  }

  /** Plain data, for crossing a worker boundary or writing JSON. */
  toData(): SmsimErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }

  static fromData(data: SmsimErrorData): SmsimError {
    const known = Object.hasOwn(ERROR_CODES, data.code);
    return new SmsimError(known ? data.code : 'SMSIM_ERR_INTERNAL', data.message, {
      details: data.details ?? {},
    });
  }
}

export function isSmsimError(err: unknown, code?: ErrorCode): err is SmsimError {
  return err instanceof SmsimError && (code === undefined || err.code === code);
}
