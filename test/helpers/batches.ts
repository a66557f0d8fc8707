import { EventBatchBuilder, type EventBatchView } from '../../simulator/core/domain/event-batch.js';
import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';
import { EventKind } from '../../simulator/core/domain/vocabulary.js';
import type { MeasurementPipeline } from '../../harness/pipeline/measurement-pipeline.js';
import { encodeEventBatch } from '../../wire/codec.js';

/** 2026-03-02T00:00Z: where the batch clock starts. */
export const T0 = 1_772_409_600_000;
let clock = T0;

/**
 * The next event time (ms) from a clock shared by every batch built here (one per test file), so
 * each batch is later than the one before: a stream's times never go back (events.proto).
 */
export function nextTimeMs(): number {
  return clock++;
}

/** A valid batch of `n` service requests whose request ids start at `tag`, so applies are traceable. */
export function taggedBatch(tag: number, n = 3): Uint8Array {
  const b = new EventBatchBuilder(n);
  for (let i = 0; i < n; i++) b.add({ kind: EventKind.SERVICE_REQUEST, timeMs: nextTimeMs(), code: '8.1.1', requestId: tag + i });
  return encodeEventBatch(b.take());
}

export interface RecordingOptions {
  /** How an applied batch's tag is read (default: its first request id, as taggedBatch() writes it). */
  tagOf?: (batch: EventBatchView) => number;
  /** apply() throws for this tag, before recording it. */
  throwOnTag?: number;
  /** Called with each tag once it is recorded. */
  onApply?: ((tag: number) => void) | undefined;
  /** What Report answers, given the tags applied so far (default: no samples). */
  report?: (asOfMs: number, applied: readonly number[]) => MetricSample[];
}

/** A MeasurementPipeline that records the tag of every applied batch, in order. */
export function recordingPipeline(opts: RecordingOptions = {}): MeasurementPipeline & { applied: number[] } {
  const { tagOf = (batch) => batch.requestId[0] as number, throwOnTag, onApply, report } = opts;
  const applied: number[] = [];
  return {
    applied,
    apply(batch: EventBatchView) {
      const tag = tagOf(batch);
      if (throwOnTag !== undefined && tag === throwOnTag) throw new Error(`boom at ${tag}`);
      applied.push(tag);
      onApply?.(tag);
    },
    report: (asOfMs: number): MetricSample[] => (report === undefined ? [] : report(asOfMs, applied)),
  };
}
