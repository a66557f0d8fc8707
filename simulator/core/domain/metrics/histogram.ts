/**
 * Distributions (latencies, delays) as additive bucket counts, so they merge across shards by
 * summing exactly like every other figure, and a pipeline can report them through the same
 * `Metric` message: one sample per non-empty bucket, labelled `bucket` = the bucket's lower
 * bound in ms. Quantiles are derived from the buckets when a report is rendered.
 *
 * Buckets are log-linear (HDR-style): exact below 64 ms, then 32 sub-buckets per power of two,
 * so a quantile is within 1/32 (≈ 3 %) of the true value.
 */

const LINEAR = 64;
const SUB_BITS = 5;
const SUB = 1 << SUB_BITS;

/** The bucket index of a non-negative value (negative values count as 0). */
export function bucketIndex(value: number): number {
  const v = value <= 0 ? 0 : Math.floor(value);
  if (v < LINEAR) return v;
  // clz32 for the exponent below 2^32 (every latency in ms): ~7 % of a profiled run went to
  // Math.log2 here before.
  const exp = v < 4_294_967_296 ? 31 - Math.clz32(v) : exactExponent(v);
  const sub = Math.floor(v / pow2(exp - SUB_BITS)) - SUB;
  return LINEAR + (exp - 6) * SUB + sub;
}

/** 2^k for small k, from a table: `2 ** k` with k not constant is a libm pow() call per value (1.3 % of a gb-day shard's samples under `perf`, from the alert metrics). */
const POW2 = Float64Array.from({ length: 64 }, (_, k) => 2 ** k);

function pow2(k: number): number {
  return k < 64 ? (POW2[k] as number) : 2 ** k;
}

function exactExponent(v: number): number {
  const e = Math.floor(Math.log2(v));
  // Math.log2 can round up just below a power of two; fix the exponent exactly.
  return 2 ** e > v ? e - 1 : 2 ** (e + 1) <= v ? e + 1 : e;
}

/** Smallest value in the bucket. */
export function bucketLowerBound(index: number): number {
  if (index < LINEAR) return index;
  const exp = 6 + Math.floor((index - LINEAR) / SUB);
  const sub = (index - LINEAR) % SUB;
  return (SUB + sub) * pow2(exp - SUB_BITS);
}

/** Largest value in the bucket. */
export function bucketUpperBound(index: number): number {
  return bucketLowerBound(index + 1) - 1;
}

/** The label value for a value's bucket (its lower bound, in ms). */
export function bucketLabel(value: number): string {
  return String(bucketLowerBound(bucketIndex(value)));
}

/**
 * The q-quantile (0–1) of bucket counts keyed by lower bound: the upper bound of the bucket
 * where the cumulative count reaches q × total (conservative, like HDR's highest equivalent
 * value). NaN when there are no values.
 */
export function quantileOfBuckets(buckets: ReadonlyArray<{ readonly lowerBound: number; readonly count: number }>, q: number): number {
  const sorted = [...buckets].filter((b) => b.count > 0).sort((a, b) => a.lowerBound - b.lowerBound);
  const total = sorted.reduce((s, b) => s + b.count, 0);
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let cumulative = 0;
  for (const b of sorted) {
    cumulative += b.count;
    if (cumulative >= rank) return bucketUpperBound(bucketIndex(b.lowerBound));
  }
  return bucketUpperBound(bucketIndex((sorted[sorted.length - 1] as { lowerBound: number }).lowerBound));
}
