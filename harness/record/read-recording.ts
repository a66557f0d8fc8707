import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ResolvedScenario } from '../../simulator/core/scenario/resolve.js';
import {
  checkPreamble,
  decodeRecord,
  figuresShardOf,
  PREAMBLE_BYTES,
  RECORDING_FORMAT_VERSION,
  type RecordedShard,
  type RecordingHeader,
  type RecordingTrailer,
  recordingError,
} from '../../wire/recording-format.js';
import { RecordReader } from '../../wire/recording-reader.js';
import { runFingerprint } from '../oracle/merge-shards.js';
import { scenarioDigest } from '../run/run-id.js';

/** A recording checked from end to end: its manifest, and where each shard's batches lie. */
export interface Recording {
  readonly file: string;
  readonly bytes: number;
  readonly header: RecordingHeader;
  readonly trailer: RecordingTrailer;
  readonly scenario: ResolvedScenario;
  /** The trailer's entry of each recorded shard. */
  readonly shards: ReadonlyMap<number, RecordedShard>;
}

/** What the reading found of one shard's batch records, to hold against the trailer. */
interface ShardSeen {
  shard: number;
  offset: number;
  end: number;
  batches: number;
  events: number;
  batchBytes: number;
  hash: Hash;
  figuresOffset: number;
}

/**
 * Reads a whole recording, streaming, and refuses it at the first fault with its code and byte
 * offset: not a recording (FOREIGN), another format version (VERSION), cut short or without its
 * trailer (TRUNCATED), a record whose CRC-32 fails (CHECKSUM), or intact records that disagree
 * (INVALID: out of place, a sequence gap, counts or sha256 fingerprints unlike the trailer's).
 * A replay calls it before it sends anything, so a bad file is never half-replayed.
 */
export async function readRecording(file: string): Promise<Recording> {
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  let bytesRead = 0;
  try {
    const fh = await open(file, 'r');
    try {
      ({ bytesRead } = await fh.read(preamble, 0, PREAMBLE_BYTES, 0));
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw recordingError(
      'SMSIM_ERR_RECORDING_UNREADABLE',
      file,
      0,
      `cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      err,
    );
  }
  checkPreamble(preamble.subarray(0, bytesRead), file);
  const reader = await RecordReader.open(file, PREAMBLE_BYTES);
  const invalid = (offset: number, why: string) => recordingError('SMSIM_ERR_RECORDING_INVALID', file, offset, why);
  try {
    const first = await reader.next();
    if (first === null) throw recordingError('SMSIM_ERR_RECORDING_TRUNCATED', file, PREAMBLE_BYTES, 'the file ends before its header');
    const head = decodeRecord(first.payload, file, first.offset);
    if (head.kind !== 'header') throw invalid(first.offset, `the first record is a ${head.kind}, not the header`);
    const header = head.header;
    if (header.formatVersion !== RECORDING_FORMAT_VERSION)
      throw recordingError(
        'SMSIM_ERR_RECORDING_VERSION',
        file,
        first.offset,
        `the header says format version ${header.formatVersion}, the preamble ${RECORDING_FORMAT_VERSION}`,
      );
    const scenario = scenarioOf(header, first.offset, invalid);
    const recorded = new Set(header.shards);
    const seen: ShardSeen[] = [];
    const figures = new Set<number>();
    let current: ShardSeen | undefined;
    let trailer: RecordingTrailer | undefined;
    let trailerAt = 0;
    // A shard's batches, then its figures; shards in increasing order, each once.
    const enter = (shard: number, offset: number): ShardSeen => {
      if (current?.shard === shard && !figures.has(shard)) return current;
      if (current !== undefined && !figures.has(current.shard))
        throw invalid(offset, `shard ${current.shard}'s batches are not followed by its figures`);
      if (!recorded.has(shard)) throw invalid(offset, `a record of shard ${shard}, which the header does not list`);
      if (current !== undefined && shard <= current.shard)
        throw invalid(offset, `a record of shard ${shard} after shard ${current.shard}'s figures`);
      current = { shard, offset, end: offset, batches: 0, events: 0, batchBytes: 0, hash: createHash('sha256'), figuresOffset: -1 };
      seen.push(current);
      return current;
    };
    for (let r = await reader.next(); r !== null; r = await reader.next()) {
      if (trailer !== undefined) throw invalid(r.offset, 'a record after the trailer');
      // A shard's figures are decoded by the worker that replays it; here only their place counts.
      const d =
        r.payload[0] === 0x22
          ? ({ kind: 'figures', shard: figuresShardOf(r.payload, file, r.offset) } as const)
          : decodeRecord(r.payload, file, r.offset);
      if (d.kind === 'header') throw invalid(r.offset, 'a second header');
      if (d.kind === 'trailer') {
        if (current !== undefined && !figures.has(current.shard))
          throw invalid(r.offset, `the trailer before shard ${current.shard}'s figures`);
        trailer = d.trailer;
        trailerAt = r.offset;
      } else if (d.kind === 'figures') {
        const s = enter('shard' in d ? d.shard : d.figures.shard, r.offset);
        s.figuresOffset = r.offset;
        figures.add(s.shard);
      } else {
        const b = d.batch;
        const s = enter(b.shard, r.offset);
        if (b.sequence !== s.batches + 1)
          throw invalid(r.offset, `batch ${b.sequence} of shard ${b.shard} where batch ${s.batches + 1} was due`);
        s.batches++;
        s.events += b.eventCount;
        s.batchBytes += b.eventBatch.length;
        s.hash.update(b.eventBatch);
        s.end = reader.offset;
      }
    }
    if (trailer === undefined)
      throw recordingError(
        'SMSIM_ERR_RECORDING_TRUNCATED',
        file,
        reader.offset,
        'the file ends without its trailer: the run that wrote it did not finish',
      );
    const shards = checkTrailer(trailer, header, seen, trailerAt, invalid);
    return { file, bytes: reader.offset, header, trailer, scenario, shards };
  } finally {
    await reader.close();
  }
}

function scenarioOf(header: RecordingHeader, offset: number, invalid: (offset: number, why: string) => Error): ResolvedScenario {
  let scenario: ResolvedScenario;
  try {
    scenario = JSON.parse(header.resolvedScenarioJson) as ResolvedScenario;
  } catch {
    throw invalid(offset, "the header's resolved scenario is not JSON");
  }
  if (scenarioDigest(scenario) !== header.scenarioSha256)
    throw invalid(offset, "the header's resolved scenario does not match its scenario_sha256");
  return scenario;
}

/** The trailer must describe exactly the batches read: shards, counts, offsets and fingerprints. */
function checkTrailer(
  trailer: RecordingTrailer,
  header: RecordingHeader,
  seen: readonly ShardSeen[],
  at: number,
  invalid: (offset: number, why: string) => Error,
): Map<number, RecordedShard> {
  const listed = [...header.shards].sort((a, b) => a - b);
  const inTrailer = trailer.shards.map((s) => s.shard);
  if (inTrailer.join(',') !== listed.join(','))
    throw invalid(at, `the trailer lists shards ${inTrailer.join(',')}, the header ${listed.join(',')}`);
  const byShard = new Map(seen.map((s) => [s.shard, s]));
  for (const t of trailer.shards) {
    const s = byShard.get(t.shard);
    if (s === undefined) throw invalid(at, `shard ${t.shard} is in the trailer, but the file holds no record of it`);
    const found = { batches: s.batches, events: s.events, batchBytes: s.batchBytes, fingerprint: s.hash.digest('hex') };
    for (const key of ['batches', 'events', 'batchBytes', 'fingerprint'] as const)
      if (found[key] !== t[key])
        throw invalid(at, `shard ${t.shard}: the trailer says ${key} ${t[key]}, the batches read give ${found[key]}`);
    if (s.offset !== t.offset || s.end - s.offset !== t.length || s.figuresOffset !== t.figuresOffset)
      throw invalid(
        at,
        `shard ${t.shard}: the trailer places its batches at ${t.offset}+${t.length} and figures at ${t.figuresOffset}, the file at ${s.offset}+${s.end - s.offset} and ${s.figuresOffset}`,
      );
  }
  const sum = (key: 'batches' | 'events'): number => trailer.shards.reduce((n, t) => n + t[key], 0);
  if (sum('batches') !== trailer.batches || sum('events') !== trailer.events)
    throw invalid(at, `the trailer's totals (${trailer.batches} batches, ${trailer.events} events) are not the sum of its shards'`);
  if (runFingerprint(trailer.shards) !== trailer.fingerprint) throw invalid(at, "the trailer's run fingerprint does not match its shards'");
  return new Map(trailer.shards.map((t) => [t.shard, t]));
}
