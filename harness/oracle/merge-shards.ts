import { createHash } from 'node:crypto';
import { MetricTable } from '../../simulator/core/domain/metrics/metric-table.js';
import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';

/** What the merge needs of one shard's result: where it sits, its traffic hash and its figures. */
export interface ShardFigures {
  readonly shard: number;
  /** sha256 (hex) over the shard's encoded batches, in order. */
  readonly fingerprint: string;
  readonly truth: readonly MetricSample[];
  readonly observed: readonly MetricSample[];
}

/** The truth and observed figures of a set of shards, and the fingerprint of their traffic. */
export interface MergedShards {
  readonly fingerprint: string;
  readonly truth: MetricSample[];
  readonly observed: MetricSample[];
}

/**
 * Merges shards in shard order, never in completion order, so the same shards give the same
 * result however many workers or machines ran them. Every figure is additive across shards (a
 * count over devices or events, or a histogram's bucket counts: devices never span shards).
 */
export function mergeShards(shards: readonly ShardFigures[]): MergedShards {
  const ordered = [...shards].sort((a, b) => a.shard - b.shard);
  const truth = new MetricTable();
  const observed = new MetricTable();
  for (const s of ordered) {
    truth.merge(s.truth);
    observed.merge(s.observed);
  }
  return { fingerprint: runFingerprint(ordered), truth: truth.samples(), observed: observed.samples() };
}

/** sha256 over the shards' fingerprints in shard order. */
export function runFingerprint(shards: readonly Pick<ShardFigures, 'shard' | 'fingerprint'>[]): string {
  const h = createHash('sha256').update('smsim/v1');
  for (const r of [...shards].sort((a, b) => a.shard - b.shard)) h.update(`\n${r.shard}:${r.fingerprint}`);
  return h.digest('hex');
}
