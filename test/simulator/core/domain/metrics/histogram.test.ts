import { describe, expect, it } from 'vitest';
import {
  bucketIndex,
  bucketLabel,
  bucketLowerBound,
  bucketUpperBound,
  quantileOfBuckets,
} from '../../../../../simulator/core/domain/metrics/histogram.js';

describe('log-linear histogram buckets', () => {
  it('is exact below 64 ms', () => {
    for (let v = 0; v < 64; v++) expect(bucketLowerBound(bucketIndex(v))).toBe(v);
  });

  it('keeps every value inside its bucket, within 1/32 relative width', () => {
    for (const v of [64, 65, 127, 128, 1000, 1023, 1024, 2047, 2048, 30_000, 60_000, 86_400_000, 2 ** 40 - 1]) {
      const i = bucketIndex(v);
      expect(bucketLowerBound(i)).toBeLessThanOrEqual(v);
      expect(bucketUpperBound(i)).toBeGreaterThanOrEqual(v);
      expect((bucketUpperBound(i) - bucketLowerBound(i) + 1) / bucketLowerBound(i)).toBeLessThanOrEqual(1 / 32 + 1e-12);
    }
    expect(bucketIndex(127)).toBe(bucketIndex(126));
    expect(bucketIndex(128)).toBe(bucketIndex(127) + 1);
    expect(bucketLabel(1000)).toBe('992');
  });

  it('derives quantiles from bucket counts', () => {
    const buckets = [
      { lowerBound: 10, count: 98 },
      { lowerBound: 992, count: 1 },
      { lowerBound: 30_720, count: 1 },
    ];
    expect(quantileOfBuckets(buckets, 0.5)).toBe(10);
    expect(quantileOfBuckets(buckets, 0.99)).toBe(1007);
    expect(quantileOfBuckets(buckets, 1)).toBe(31_231);
    expect(quantileOfBuckets([], 0.5)).toBeNaN();
  });
});
