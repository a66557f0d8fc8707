import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { SmsimError } from '../../simulator/core/errors.js';
import { parseDuration } from '../../simulator/core/time.js';
import { FSYNC_MODES, type FsyncMode } from '../pipeline/journal.js';
import { REFERENCE_FAMILIES } from '../pipeline/reference-pipeline.js';
import type { CliIo } from './context.js';

// Option parsers: each rejects a bad value with InvalidArgumentError, so commander reports it as
// a usage error naming the option.

export const wholeNumber =
  (name: string, max: number) =>
  (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return Number(v);
  };

export const positiveNumber =
  (name: string) =>
  (v: string): number => {
    const n = Number(v.replace(/x$/i, ''));
    if (!Number.isFinite(n) || n <= 0 || n > 1e12) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };

export const byteSize =
  (name: string) =>
  (v: string): number => {
    const m = /^(\d+)(k|m)?i?b?$/i.exec(v);
    const n = m === null ? Number.NaN : Number(m[1]) * (m[2] === undefined ? 1 : m[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024);
    if (!Number.isSafeInteger(n) || n < 1024 || n > 1024 * 1024 * 1024)
      throw new InvalidArgumentError(`${name} must be a size from 1KiB to 1GiB, e.g. 4MiB`);
    return n;
  };

export const wallDuration = (v: string): number => {
  const ms = parseDuration(v);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a duration such as 60s, 5m or 1h');
  return ms;
};

export const hostPort = (v: string): string => {
  if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(v) || Number(v.slice(v.lastIndexOf(':') + 1)) > 65535)
    throw new InvalidArgumentError('must be host:port, e.g. 127.0.0.1:50051');
  return v;
};

export const portNumber = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return Number(v);
};

/** `i/N`, or `job/N`: i is then the pod's index in a Kubernetes Indexed Job ($JOB_COMPLETION_INDEX). */
export interface ShardSpec {
  readonly index: number | 'job';
  readonly count: number;
}

export const shardSpec = (v: string): ShardSpec => {
  const m = /^(\d+|job)\/(\d+)$/.exec(v);
  if (m === null || Number(m[2]) < 1 || (m[1] !== 'job' && Number(m[1]) >= Number(m[2])))
    throw new InvalidArgumentError('must be i/N with 0 ≤ i < N, e.g. 0/4, or job/N to take i from $JOB_COMPLETION_INDEX');
  return { index: m[1] === 'job' ? 'job' : Number(m[1]), count: Number(m[2]) };
};

/** The shard index of a ShardSpec, reading $JOB_COMPLETION_INDEX for `job/N`. */
export function shardIndex(spec: ShardSpec, env: Readonly<Record<string, string | undefined>> | undefined): number {
  if (spec.index !== 'job') return spec.index;
  const raw = env?.JOB_COMPLETION_INDEX;
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) >= spec.count) {
    throw new SmsimError(
      'SMSIM_ERR_USAGE',
      `--shard job/${spec.count} takes the shard from $JOB_COMPLETION_INDEX, which is ${raw === undefined ? 'not set' : `"${raw}"`}: it must be a whole number below ${spec.count} (set by a Kubernetes Indexed Job)`,
    );
  }
  return Number(raw);
}

/** A comma-separated list of metric families, each one the reference definitions know. */
export const familyList = (v: string): string[] => {
  const families = v
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const unknown = families.filter((f) => !REFERENCE_FAMILIES.includes(f));
  if (families.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown famil${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}: ` : ''}must be a comma-separated list of ${REFERENCE_FAMILIES.join(', ')}`,
    );
  return families;
};

export const fsyncMode = (v: string): FsyncMode => {
  if (!(FSYNC_MODES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${FSYNC_MODES.join(', ')}`);
  return v as FsyncMode;
};

// Security material shared by the dialling (run, emit) and serving (serve) sides.

/** --token wins; otherwise $SMSIM_TOKEN, so a token need not appear in `ps`. Empty means none. */
export function tokenOf(flag: string | undefined, io: CliIo): { token?: string } {
  const token = flag ?? io.env?.SMSIM_TOKEN;
  return token === undefined || token === '' ? {} : { token };
}

/** A PEM file's text; an unreadable file is the user's TLS input at fault, not a run failure. */
export async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new SmsimError(
      'SMSIM_ERR_TLS_INVALID',
      `cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { details: { file }, cause: err },
    );
  }
}
