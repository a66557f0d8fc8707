import { encodeEventBatch } from '../wire/codec.js';
import { decodeRecord, recordingError } from '../wire/recording-format.js';
import { RecordReader } from '../wire/recording-reader.js';
import type { EventBatchView } from './core/domain/event-batch.js';
import type { MetricSample } from './core/domain/metrics/metric-table.js';
import type { ShardSimulation } from './core/shard-simulation.js';
import type { RecordedShardSource } from './shard-task.js';

/** What a shard sends next: its events' count and first time (for pacing), then its bytes. */
export interface PendingBatch {
  readonly eventCount: number;
  readonly baseTimeMs: number;
}

/**
 * Where a shard's batches come from: simulated now, or read back from a recording. The worker
 * sends either the same way (pacing, acks, resume, interruption).
 */
export interface BatchSource<B extends PendingBatch = PendingBatch> {
  next(): B | null | Promise<B | null>;
  /** The batch is sent: its bytes (a simulated one is encoded and counted as observed now). */
  take(batch: B): Uint8Array;
  /** Virtual time reached (the batch in hand's, for a stopped shard). */
  readonly now: number;
  /** 0–1 of the shard. */
  readonly progress: number;
  /** True once the source has nothing more. */
  readonly done: boolean;
  /** A recording's truth and observed figures for the shard (undefined: the simulation's own). */
  figures(): Promise<ShardFigures | undefined>;
  close(): Promise<void>;
}

export interface ShardFigures {
  readonly truth: MetricSample[];
  readonly observed: MetricSample[];
}

/** Bytes read at once for a shard's figures record (~0.1–1 MB): a larger chunk would be read for nothing. */
const FIGURES_CHUNK_BYTES = 1024 * 1024;

export function simulatedBatches(sim: ShardSimulation): BatchSource<EventBatchView> {
  return {
    next: () => sim.nextBatch(),
    take: (batch) => {
      const encoded = encodeEventBatch(batch);
      sim.observe(batch);
      return encoded;
    },
    get now() {
      return sim.now;
    },
    get progress() {
      return sim.progress;
    },
    get done() {
      return sim.nextTime === Number.POSITIVE_INFINITY;
    },
    figures: async () => undefined,
    close: async () => undefined,
  };
}

interface ReadBatch extends PendingBatch {
  readonly bytes: Uint8Array;
}

/**
 * A shard's batches read back from a recording (checked whole before the replay starts; checked
 * again here record by record, so a file changed since is refused, not half-sent silently).
 */
export async function recordedBatches(source: RecordedShardSource, shard: number): Promise<BatchSource<ReadBatch>> {
  const reader = await RecordReader.open(source.file, source.offset, source.offset + source.length);
  let read = 0;
  let now = 0;
  return {
    next: async () => {
      const offset = reader.offset;
      const record = await reader.next();
      if (record === null) {
        if (read !== source.batches)
          throw recordingError(
            'SMSIM_ERR_RECORDING_INVALID',
            source.file,
            offset,
            `shard ${shard} ends after ${read} of its ${source.batches} batches`,
          );
        return null;
      }
      const r = decodeRecord(record.payload, source.file, record.offset);
      if (r.kind !== 'batch' || r.batch.shard !== shard || r.batch.sequence !== read + 1)
        throw recordingError(
          'SMSIM_ERR_RECORDING_INVALID',
          source.file,
          record.offset,
          `expected batch ${read + 1} of shard ${shard}, found ${r.kind === 'batch' ? `batch ${r.batch.sequence} of shard ${r.batch.shard}` : `the ${r.kind}`}`,
        );
      read++;
      now = r.batch.baseTimeMs;
      return { eventCount: r.batch.eventCount, baseTimeMs: r.batch.baseTimeMs, bytes: r.batch.eventBatch };
    },
    take: (batch) => batch.bytes,
    get now() {
      return now;
    },
    get progress() {
      return source.batches === 0 ? 1 : read / source.batches;
    },
    get done() {
      return read === source.batches;
    },
    // Read on its own, so an interrupted replay still reports the shard's recorded figures.
    figures: () => readFigures(source, shard),
    close: () => reader.close(),
  };
}

async function readFigures(source: RecordedShardSource, shard: number): Promise<ShardFigures> {
  const reader = await RecordReader.open(source.file, source.figuresOffset, undefined, FIGURES_CHUNK_BYTES);
  try {
    const record = await reader.next();
    const r = record === null ? undefined : decodeRecord(record.payload, source.file, record.offset);
    if (r?.kind !== 'figures' || r.figures.shard !== shard)
      throw recordingError(
        'SMSIM_ERR_RECORDING_INVALID',
        source.file,
        source.figuresOffset,
        `shard ${shard}'s figures are not where the trailer places them`,
      );
    return { truth: [...r.figures.truth], observed: [...r.figures.observed] };
  } finally {
    await reader.close();
  }
}
