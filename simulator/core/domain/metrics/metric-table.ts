/** One figure: a metric id, its labels, and a value (a count unless the id says otherwise). */
export interface MetricSample {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A stable key for (id, labels): labels sorted by name, so equal samples meet in one key. */
export function metricKey(id: string, labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels);
  // Insertion sort, in place: a handful of names, where Array.prototype.sort allocated its work
  // arrays on every call (the largest allocator at the end of a gb-day shard: ~10 MB).
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    let j = i - 1;
    for (; j >= 0 && (names[j] as string) > name; j--) names[j + 1] = names[j] as string;
    names[j + 1] = name;
  }
  let key = id;
  for (const name of names) key += `\u0000${name}=${labels[name] ?? ''}`;
  return key;
}

/**
 * Additive metric values keyed by (id, labels). Tables from different shards merge by
 * summing, which is exact because every figure smsim computes is a count over devices or
 * events, and each device lives in exactly one shard.
 */
export class MetricTable {
  private readonly values = new Map<string, { sample: MetricSample; value: number }>();

  add(id: string, labels: Readonly<Record<string, string>>, delta = 1): void {
    const key = metricKey(id, labels);
    const entry = this.values.get(key);
    if (entry === undefined) this.values.set(key, { sample: { id, labels, value: 0 }, value: delta });
    else entry.value += delta;
  }

  get(id: string, labels: Readonly<Record<string, string>>): number {
    return this.values.get(metricKey(id, labels))?.value ?? 0;
  }

  merge(samples: Iterable<MetricSample>): this {
    for (const s of samples) this.add(s.id, s.labels, s.value);
    return this;
  }

  /** Samples sorted by key, so output order never depends on insertion order. */
  samples(): MetricSample[] {
    // The default sort compares strings by UTF-16 code units, as `<` does, without a JS
    // comparator call per comparison (keys are unique, so the order is the same total order).
    const keys = [...this.values.keys()].sort();
    return keys.map((k) => {
      const e = this.values.get(k) as { sample: MetricSample; value: number };
      return { id: e.sample.id, labels: e.sample.labels, value: e.value };
    });
  }

  get size(): number {
    return this.values.size;
  }
}
