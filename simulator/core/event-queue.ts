/**
 * A shard's pending actions, ordered by (time, seq): a binary heap over parallel typed arrays,
 * so scheduling allocates nothing per action (it doubles its arrays when full). `seq` is the
 * scheduling order, which makes ties deterministic.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private action: Uint16Array;
  private argA: Float64Array;
  private argB: Float64Array;
  private n = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    this.time = new Float64Array(initialCapacity);
    this.seq = new Float64Array(initialCapacity);
    this.action = new Uint16Array(initialCapacity);
    this.argA = new Float64Array(initialCapacity);
    this.argB = new Float64Array(initialCapacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the next action, or Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : (this.time[0] as number);
  }

  push(time: number, action: number, a = 0, b = 0): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const s = this.nextSeq++;
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(time, s, this.time[parent] as number, this.seq[parent] as number)) break;
      this.copy(parent, i);
      i = parent;
    }
    this.time[i] = time;
    this.seq[i] = s;
    this.action[i] = action;
    this.argA[i] = a;
    this.argB[i] = b;
  }

  /** Removes the next action; read it with `popped*` right after. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.poppedTime = this.time[0] as number;
    this.poppedAction = this.action[0] as number;
    this.poppedA = this.argA[0] as number;
    this.poppedB = this.argB[0] as number;
    const last = --this.n;
    if (last > 0) {
      const t = this.time[last] as number;
      const s = this.seq[last] as number;
      const act = this.action[last] as number;
      const a = this.argA[last] as number;
      const b = this.argB[last] as number;
      let i = 0;
      // Sift down.
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        let m = l;
        if (r < last && this.less(this.time[r] as number, this.seq[r] as number, this.time[l] as number, this.seq[l] as number)) m = r;
        if (!this.less(this.time[m] as number, this.seq[m] as number, t, s)) break;
        this.copy(m, i);
        i = m;
      }
      this.time[i] = t;
      this.seq[i] = s;
      this.action[i] = act;
      this.argA[i] = a;
      this.argB[i] = b;
    }
    return true;
  }

  poppedTime = 0;
  poppedAction = 0;
  poppedA = 0;
  poppedB = 0;

  private less(t1: number, s1: number, t2: number, s2: number): boolean {
    return t1 < t2 || (t1 === t2 && s1 < s2);
  }

  private copy(from: number, to: number): void {
    this.time[to] = this.time[from] as number;
    this.seq[to] = this.seq[from] as number;
    this.action[to] = this.action[from] as number;
    this.argA[to] = this.argA[from] as number;
    this.argB[to] = this.argB[from] as number;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const grow64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.time = grow64(this.time);
    this.seq = grow64(this.seq);
    this.argA = grow64(this.argA);
    this.argB = grow64(this.argB);
    const act = new Uint16Array(cap);
    act.set(this.action);
    this.action = act;
  }
}
