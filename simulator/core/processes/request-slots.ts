/** Steps of a Service Request's life in the simulator. */
export const Stage = { TRANSFORM_REQUEST: 0, TRANSFORM_RESPONSE: 1, REQUEST: 2, RESPONSE: 3 } as const;

/**
 * Requests in flight as struct-of-arrays with a free list: a queue entry carries only the slot
 * number, so a request costs no object and no closure however many steps it takes.
 */
export class RequestSlots {
  private cap = 0;
  private readonly freeList: number[] = [];
  private used = 0;
  srv = new Int16Array(0);
  premises = new Int32Array(0);
  /** The premises' network, copied at planning: steps then never touch the estate (cache misses). */
  network = new Uint8Array(0);
  deviceSlot = new Uint8Array(0);
  user = new Uint16Array(0);
  stage = new Uint8Array(0);
  cls = new Uint8Array(0);
  outcome = new Uint8Array(0);
  userCaused = new Uint8Array(0);
  waits = new Uint8Array(0);
  chain = new Int8Array(0);
  requestId = new Float64Array(0);
  transformId = new Float64Array(0);
  ref = new Float64Array(0);
  offset = new Float64Array(0);
  sentAt = new Float64Array(0);
  clockStart = new Float64Array(0);
  prereqDoneAt = new Float64Array(0);

  constructor() {
    this.grow(1024);
  }

  alloc(): number {
    const s = this.freeList.pop();
    if (s !== undefined) return s;
    if (this.used === this.cap) this.grow(this.cap * 2);
    return this.used++;
  }

  free(s: number): void {
    this.freeList.push(s);
  }

  private grow(cap: number): void {
    const re = <T extends { length: number; set(a: ArrayLike<number>): void }>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a as unknown as ArrayLike<number>);
      return b;
    };
    this.srv = re(this.srv, (n) => new Int16Array(n));
    this.premises = re(this.premises, (n) => new Int32Array(n));
    this.network = re(this.network, (n) => new Uint8Array(n));
    this.deviceSlot = re(this.deviceSlot, (n) => new Uint8Array(n));
    this.user = re(this.user, (n) => new Uint16Array(n));
    this.stage = re(this.stage, (n) => new Uint8Array(n));
    this.cls = re(this.cls, (n) => new Uint8Array(n));
    this.outcome = re(this.outcome, (n) => new Uint8Array(n));
    this.userCaused = re(this.userCaused, (n) => new Uint8Array(n));
    this.waits = re(this.waits, (n) => new Uint8Array(n));
    this.chain = re(this.chain, (n) => new Int8Array(n));
    this.requestId = re(this.requestId, (n) => new Float64Array(n));
    this.transformId = re(this.transformId, (n) => new Float64Array(n));
    this.ref = re(this.ref, (n) => new Float64Array(n));
    this.offset = re(this.offset, (n) => new Float64Array(n));
    this.sentAt = re(this.sentAt, (n) => new Float64Array(n));
    this.clockStart = re(this.clockStart, (n) => new Float64Array(n));
    this.prereqDoneAt = re(this.prereqDoneAt, (n) => new Float64Array(n));
    this.cap = cap;
  }
}
