import type { ShardProgress } from '../../simulator/shard-task.js';

/** Folds the shards' progress messages into the run's: the mean share done and the events so far. */
export function overallProgress(
  shardCount: number,
  onProgress: ((fraction: number, events: number) => void) | undefined,
): (p: ShardProgress) => void {
  const progress = new Map<number, ShardProgress>();
  return (p) => {
    progress.set(p.shard, p);
    let fraction = 0;
    let events = 0;
    for (const q of progress.values()) {
      fraction += q.progress;
      events += q.events;
    }
    onProgress?.(fraction / shardCount, events);
  };
}
