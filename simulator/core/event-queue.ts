import { merged, newRun, RunSorter, type Run } from './event-queue-runs.js';

/**
 * A shard's pending actions, ordered by (time, seq): a binary heap over typed arrays, so
 * scheduling allocates nothing per action (it doubles its arrays when full). `seq` is the
 * scheduling order, which makes ties deterministic: (time, seq) is unique, so the pop order is
 * the same total order whatever the queue's internal layout.
 *
 * Performance (the queue was ~20 % of a worker's time on gb-day, heaps of ~3000 entries): the
 * heap moves only (time, slot) pairs; seq, action and arguments stay put in per-slot arrays. Pop
 * is Floyd's bottom-up variant: the hole goes down to a leaf on one comparison per level, then
 * the last entry sifts up from there (usually a level or two), instead of two comparisons and
 * five array copies per level.
 *
 * Bulk scheduling: what one action schedules between `beginBulk()` and `endBulk()` (a 15-minute
 * slice plans thousands of requests at once) is sorted together, by a radix sort on the time,
 * into a run popped from its head, instead of going onto the heap one by one. The heap then
 * holds what is scheduled a few at a time (responses, later steps): ~170 entries instead of
 * ~3000 on gb-day, beside ~2 runs. `pop` takes the least (time, seq) of the heap's top and the
 * runs' heads, so the order is exactly the heap-only order.
 */
export class EventQueue {
  /** Heap order: the time of each entry and the slot holding the rest of it. */
  private heapTime: Float64Array;
  private heapSlot: Int32Array;
  /** Per slot. */
  private seq: Float64Array;
  private action: Uint16Array;
  private argA: Float64Array;
  private argB: Float64Array;
  private free: Int32Array;
  private freeTop = 0;
  /** Entries on the heap. */
  private n = 0;
  /** Entries on the heap and in the run (slots in use). */
  private live = 0;
  private nextSeq = 0;
  /**
   * Sorted runs, oldest first, each popped from its head. A new run absorbs the runs above it
   * that have no more than twice its entries left (as in a log-structured merge), so a long-lived
   * run (a day's install plan) is not copied by every later merge, and there are rarely more
   * than three.
   */
  private readonly runs: Run[] = [];
  /** Inside a bulk: what is scheduled is collected below and sorted into one run at its end. */
  private bulk = false;
  /** What the current bulk has scheduled, in push (= seq) order. */
  private pendTime = new Float64Array(1024);
  private pendSlot = new Int32Array(1024);
  private pendN = 0;
  private readonly sorter = new RunSorter();

  constructor(initialCapacity = 1024) {
    this.heapTime = new Float64Array(initialCapacity);
    this.heapSlot = new Int32Array(initialCapacity);
    this.seq = new Float64Array(initialCapacity);
    this.action = new Uint16Array(initialCapacity);
    this.argA = new Float64Array(initialCapacity);
    this.argB = new Float64Array(initialCapacity);
    this.free = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.live;
  }

  /** Time of the next action, or Infinity when empty. */
  peekTime(): number {
    let t = this.n === 0 ? Number.POSITIVE_INFINITY : (this.heapTime[0] as number);
    for (let r = 0; r < this.runs.length; r++) {
      const run = this.runs[r] as Run;
      t = Math.min(t, run.times[run.head] as number);
    }
    return t;
  }

  push(time: number, action: number, a = 0, b = 0): void {
    if (this.live === this.seq.length) this.grow();
    // Every slot below `live` is in use when no slot is free, so slot `live` is the next unused one.
    const slot = this.freeTop > 0 ? (this.free[--this.freeTop] as number) : this.live;
    this.live++;
    const s = this.nextSeq++;
    this.seq[slot] = s;
    this.action[slot] = action;
    this.argA[slot] = a;
    this.argB[slot] = b;
    if (this.bulk) this.pend(time, slot);
    else this.siftUp(this.n++, time, slot, s);
  }

  /** From here until `endBulk()`, pushes are collected and sorted together. */
  beginBulk(): void {
    this.bulk = true;
    this.pendN = 0;
  }

  endBulk(): void {
    this.bulk = false;
    const k = this.pendN;
    if (k < MIN_RUN) {
      for (let i = 0; i < k; i++) {
        const slot = this.pendSlot[i] as number;
        this.siftUp(this.n++, this.pendTime[i] as number, slot, this.seq[slot] as number);
      }
      return;
    }
    const order = this.sorter.sort(this.pendTime, k);
    let run = newRun(this.pendTime, this.pendSlot, order, k);
    const runs = this.runs;
    while (runs.length > 0) {
      const top = runs[runs.length - 1] as Run;
      if (top.end - top.head > 2 * (run.end - run.head)) break;
      runs.pop();
      // The older run's entries were all pushed first: on equal times they come first.
      run = merged(top, run);
    }
    runs.push(run);
  }

  /** Removes the next action; read it with `popped*` right after. */
  pop(): boolean {
    if (this.live === 0) return false;
    const seq = this.seq;
    let bestTime = this.n === 0 ? Number.POSITIVE_INFINITY : (this.heapTime[0] as number);
    let bestSeq = this.n === 0 ? Number.POSITIVE_INFINITY : (seq[this.heapSlot[0] as number] as number);
    let from = -1;
    const runs = this.runs;
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r] as Run;
      const t = run.times[run.head] as number;
      if (t > bestTime) continue;
      const s = seq[run.slots[run.head] as number] as number;
      if (t < bestTime || s < bestSeq) {
        from = r;
        bestTime = t;
        bestSeq = s;
      }
    }
    let top: number;
    if (from < 0) top = this.popHeap();
    else {
      const run = runs[from] as Run;
      top = run.slots[run.head++] as number;
      if (run.head === run.end) runs.splice(from, 1);
    }
    this.poppedTime = bestTime;
    this.poppedAction = this.action[top] as number;
    this.poppedA = this.argA[top] as number;
    this.poppedB = this.argB[top] as number;
    this.free[this.freeTop++] = top;
    this.live--;
    return true;
  }

  poppedTime = 0;
  poppedAction = 0;
  poppedA = 0;
  poppedB = 0;

  /** Removes the heap's top entry and returns its slot. */
  private popHeap(): number {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const seq = this.seq;
    const top = heapSlot[0] as number;
    const last = --this.n;
    if (last === 0) return top;
    // Hole from the root down to a leaf, always promoting the smaller child.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      let m = l;
      const r = l + 1;
      if (r < last) {
        const tr = heapTime[r] as number;
        const tl = heapTime[l] as number;
        if (tr < tl || (tr === tl && (seq[heapSlot[r] as number] as number) < (seq[heapSlot[l] as number] as number))) m = r;
      }
      heapTime[i] = heapTime[m] as number;
      heapSlot[i] = heapSlot[m] as number;
      i = m;
    }
    const slot = heapSlot[last] as number;
    this.siftUp(i, heapTime[last] as number, slot, seq[slot] as number);
    return top;
  }

  /** Places (time, slot) at hole i or above it. */
  private siftUp(i: number, time: number, slot: number, s: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const seq = this.seq;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = heapTime[parent] as number;
      if (pt < time || (pt === time && (seq[heapSlot[parent] as number] as number) < s)) break;
      heapTime[i] = pt;
      heapSlot[i] = heapSlot[parent] as number;
      i = parent;
    }
    heapTime[i] = time;
    heapSlot[i] = slot;
  }

  private pend(time: number, slot: number): void {
    if (this.pendN === this.pendTime.length) {
      this.pendTime = grown(this.pendTime, this.pendN * 2);
      this.pendSlot = grown(this.pendSlot, this.pendN * 2);
    }
    this.pendTime[this.pendN] = time;
    this.pendSlot[this.pendN++] = slot;
  }

  private grow(): void {
    const cap = this.seq.length * 2;
    this.heapTime = grown(this.heapTime, cap);
    this.heapSlot = grown(this.heapSlot, cap);
    this.seq = grown(this.seq, cap);
    this.argA = grown(this.argA, cap);
    this.argB = grown(this.argB, cap);
    this.free = grown(this.free, cap);
    this.action = grown(this.action, cap);
  }
}

/** Fewer entries than this from one bulk go onto the heap: a run would not pay for itself. */
const MIN_RUN = 32;

function grown<T extends Float64Array | Int32Array | Uint16Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
