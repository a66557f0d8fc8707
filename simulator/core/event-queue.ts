/**
 * A shard's pending actions, ordered by (time, seq): a binary heap over typed arrays, so
 * scheduling allocates nothing per action (it doubles its arrays when full). `seq` is the
 * scheduling order, which makes ties deterministic: (time, seq) is unique, so the pop order is
 * the same total order whatever the heap's internal layout.
 *
 * Performance (the queue was ~20 % of a worker's time on gb-day, heaps of ~3000 entries): the
 * heap moves only (time, slot) pairs; seq, action and arguments stay put in per-slot arrays. Pop
 * is Floyd's bottom-up variant: the hole goes down to a leaf on one comparison per level, then
 * the last entry sifts up from there (usually a level or two), instead of two comparisons and
 * five array copies per level.
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
  private n = 0;
  private nextSeq = 0;

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
    return this.n;
  }

  /** Time of the next action, or Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : (this.heapTime[0] as number);
  }

  push(time: number, action: number, a = 0, b = 0): void {
    if (this.n === this.heapTime.length) this.grow();
    // Every slot below n is live when no slot is free, so slot n is the next unused one.
    const slot = this.freeTop > 0 ? (this.free[--this.freeTop] as number) : this.n;
    const s = this.nextSeq++;
    this.seq[slot] = s;
    this.action[slot] = action;
    this.argA[slot] = a;
    this.argB[slot] = b;
    this.siftUp(this.n++, time, slot, s);
  }

  /** Removes the next action; read it with `popped*` right after. */
  pop(): boolean {
    if (this.n === 0) return false;
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const seq = this.seq;
    const top = heapSlot[0] as number;
    this.poppedTime = heapTime[0] as number;
    this.poppedAction = this.action[top] as number;
    this.poppedA = this.argA[top] as number;
    this.poppedB = this.argB[top] as number;
    this.free[this.freeTop++] = top;
    const last = --this.n;
    if (last === 0) return true;
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
    return true;
  }

  poppedTime = 0;
  poppedAction = 0;
  poppedA = 0;
  poppedB = 0;

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

  private grow(): void {
    const cap = this.heapTime.length * 2;
    const grow64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.heapTime = grow64(this.heapTime);
    this.heapSlot = grow32(this.heapSlot);
    this.seq = grow64(this.seq);
    this.argA = grow64(this.argA);
    this.argB = grow64(this.argB);
    this.free = grow32(this.free);
    const act = new Uint16Array(cap);
    act.set(this.action);
    this.action = act;
  }
}
