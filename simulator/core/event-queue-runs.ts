/**
 * Sorted runs for the event queue's bulk scheduling (event-queue.ts): building a run from what
 * one action scheduled, and merging two. Entries are (time, slot); the slot's seq orders ties,
 * and within a run ties keep push order, which is seq order.
 */

/** A sorted run of (time, slot): entries head..end-1 are pending. */
export interface Run {
  readonly times: Float64Array;
  readonly slots: Int32Array;
  head: number;
  readonly end: number;
}

/** The k pending entries as a run, in `order`. */
export function newRun(times: Float64Array, slots: Int32Array, order: Int32Array, k: number): Run {
  const run: Run = { times: new Float64Array(k), slots: new Int32Array(k), head: 0, end: k };
  for (let i = 0; i < k; i++) {
    const j = order[i] as number;
    run.times[i] = times[j] as number;
    run.slots[i] = slots[j] as number;
  }
  return run;
}

/** The pending entries of two runs as one; `older`'s were pushed first, so they win ties. */
export function merged(older: Run, newer: Run): Run {
  const total = older.end - older.head + (newer.end - newer.head);
  const out: Run = { times: new Float64Array(total), slots: new Int32Array(total), head: 0, end: total };
  let a = older.head;
  let b = newer.head;
  let o = 0;
  while (a < older.end && b < newer.end) {
    if ((older.times[a] as number) <= (newer.times[b] as number)) {
      out.times[o] = older.times[a] as number;
      out.slots[o++] = older.slots[a++] as number;
    } else {
      out.times[o] = newer.times[b] as number;
      out.slots[o++] = newer.slots[b++] as number;
    }
  }
  for (; a < older.end; a++, o++) {
    out.times[o] = older.times[a] as number;
    out.slots[o] = older.slots[a] as number;
  }
  for (; b < newer.end; b++, o++) {
    out.times[o] = newer.times[b] as number;
    out.slots[o] = newer.slots[b] as number;
  }
  return out;
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/**
 * Stable sort of entries 0..k-1 by time, as an index order: a least-significant-digit radix
 * sort on (time - min) when every time is an integer within 2^33 ms of the least (every bulk
 * smsim makes: ms within a slice, at most a few days ahead), else a comparison sort. Stable,
 * so equal times keep push order, which is seq order.
 */
export class RunSorter {
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private keys = new Uint32Array(1024);
  private readonly count = new Int32Array(RADIX);

  sort(times: Float64Array, k: number): Int32Array {
    if (this.a.length < k) {
      const cap = ceilPow2(k);
      this.a = new Int32Array(cap);
      this.b = new Int32Array(cap);
      this.keys = new Uint32Array(cap);
    }
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let integral = true;
    for (let i = 0; i < k; i++) {
      const t = times[i] as number;
      if (t < min) min = t;
      if (t > max) max = t;
      if (!Number.isInteger(t)) integral = false;
    }
    let src = this.a;
    for (let i = 0; i < k; i++) src[i] = i;
    if (!integral || max - min >= 2 ** 33) {
      src.subarray(0, k).sort((x, y) => (times[x] as number) - (times[y] as number) || x - y);
      return src;
    }
    // Offsets below 2^33 as (high, low) digits: low 11 bits, then 11, then the rest (≤ 11).
    const range = max - min;
    const keys = this.keys;
    let dst = this.b;
    const count = this.count;
    for (let shift = 0; shift === 0 || range / 2 ** shift >= 1; shift += RADIX_BITS) {
      const div = 2 ** shift;
      for (let i = 0; i < k; i++) keys[i] = Math.floor(((times[i] as number) - min) / div) & (RADIX - 1);
      count.fill(0);
      for (let i = 0; i < k; i++) (count[keys[i] as number] as number)++;
      let sum = 0;
      for (let d = 0; d < RADIX; d++) {
        const c = count[d] as number;
        count[d] = sum;
        sum += c;
      }
      for (let i = 0; i < k; i++) {
        const j = src[i] as number;
        dst[(count[keys[j] as number] as number)++] = j;
      }
      const t = src;
      src = dst;
      dst = t;
    }
    return src;
  }
}

function ceilPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}
