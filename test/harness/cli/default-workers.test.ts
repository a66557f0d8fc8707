import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultWorkers, SMALL_RUN_PREMISES_DAYS } from '../../../harness/cli/workers.js';

describe('--workers default', () => {
  const cores = availableParallelism();

  it('is one per core when the pipeline runs elsewhere, whatever the run', () => {
    expect(defaultWorkers(true, 1)).toBe(cores);
    expect(defaultWorkers(true, SMALL_RUN_PREMISES_DAYS * 10)).toBe(cores);
  });

  it('leaves the embedded pipeline a core for a small run, and uses every core for a large one', () => {
    expect(defaultWorkers(false, SMALL_RUN_PREMISES_DAYS - 1)).toBe(Math.max(1, cores - 1));
    expect(defaultWorkers(false, SMALL_RUN_PREMISES_DAYS)).toBe(cores);
    // The scenarios: default (100,000 premises × 7 days) is small, gb-day (17.8 M × 1 day) large.
    expect(defaultWorkers(false, 100_000 * 7)).toBe(Math.max(1, cores - 1));
    expect(defaultWorkers(false, 17_800_000)).toBe(cores);
  });
});
