import { EventKind } from './vocabulary.js';

/**
 * A columnar batch of observed events, shaped exactly like the decoded protobuf message
 * `smsim.v1.EventBatch` (camelCase fields), so the simulator, the codec and the pipeline's
 * metric definitions all read one structure. Dense columns have `eventCount` entries.
 */
export interface EventBatchView {
  readonly eventCount: number;
  readonly baseTimeMs: number;
  readonly dictionary: readonly string[];
  readonly kind: ArrayLike<number>;
  readonly timeDeltaMs: ArrayLike<number>;
  readonly device: ArrayLike<number>;
  readonly deviceType: ArrayLike<number>;
  readonly network: ArrayLike<number>;
  readonly code: ArrayLike<number>;
  readonly requestId: ArrayLike<number>;
  readonly user: ArrayLike<number>;
  readonly outcome: ArrayLike<number>;
  readonly ref: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  /** 4 entries per alert event, in event order (see events.proto). */
  readonly hopDeltaMs: ArrayLike<number>;
  /** 1 entry per incident event, in event order. */
  readonly resolverGroup: ArrayLike<number>;
}

/** Fields of one event as the simulator emits it; unset numeric fields are 0. */
export interface EventFields {
  kind: EventKind;
  timeMs: number;
  device?: number;
  deviceType?: number;
  network?: number;
  code?: string;
  requestId?: number;
  user?: number;
  outcome?: number;
  ref?: number;
  value?: number;
  /** Alerts only: 4 hop offsets in ms after timeMs, -1 = not visible. */
  hops?: readonly [number, number, number, number];
  /** Incidents only. */
  resolverGroup?: number;
}

export const HOPS_PER_ALERT = 4;
/** Slots in EventBatchBuilder.intern's cache, less one (a power of two). */
const CODE_CACHE_MASK = 255;
/** A kind with no sparse columns, used while an alert's dense columns are written. */
const EVENT_KIND_PLACEHOLDER = EventKind.SERVICE_REQUEST;

export function isAlertKind(kind: number): boolean {
  return kind === EventKind.DEVICE_ALERT || kind === EventKind.DCC_ALERT;
}

export function isIncidentKind(kind: number): boolean {
  return (
    kind === EventKind.INCIDENT_RAISED ||
    kind === EventKind.INCIDENT_CLOSED ||
    kind === EventKind.INCIDENT_REOPENED ||
    kind === EventKind.INCIDENT_RESPONDED
  );
}

/**
 * Builds batches into preallocated typed arrays, reused from batch to batch, so building a
 * batch allocates nothing but its dictionary. A batch returned by `take()` views those arrays:
 * encode it before adding the next event.
 */
export class EventBatchBuilder {
  readonly capacity: number;
  private n = 0;
  private base = 0;
  private readonly dict: string[] = [''];
  private readonly dictIndex = new Map<string, number>([['', 0]]);
  /** intern()'s cache: a code and its index per slot (undefined = empty). */
  private readonly cacheCode: Array<string | undefined> = new Array<string | undefined>(CODE_CACHE_MASK + 1).fill(undefined);
  private readonly cacheIndex = new Int32Array(CODE_CACHE_MASK + 1);
  private readonly kindCol: Uint8Array;
  private readonly timeCol: Float64Array;
  private readonly deviceCol: Float64Array;
  private readonly deviceTypeCol: Uint8Array;
  private readonly networkCol: Uint8Array;
  private readonly codeCol: Uint32Array;
  private readonly requestIdCol: Float64Array;
  private readonly userCol: Uint32Array;
  private readonly outcomeCol: Uint8Array;
  private readonly refCol: Float64Array;
  private readonly valueCol: Float64Array;
  private readonly hopCol: Float64Array;
  private hops = 0;
  private readonly resolverCol: Uint8Array;
  private resolvers = 0;

  constructor(capacity = 1000) {
    this.capacity = capacity;
    this.kindCol = new Uint8Array(capacity);
    this.timeCol = new Float64Array(capacity);
    this.deviceCol = new Float64Array(capacity);
    this.deviceTypeCol = new Uint8Array(capacity);
    this.networkCol = new Uint8Array(capacity);
    this.codeCol = new Uint32Array(capacity);
    this.requestIdCol = new Float64Array(capacity);
    this.userCol = new Uint32Array(capacity);
    this.outcomeCol = new Uint8Array(capacity);
    this.refCol = new Float64Array(capacity);
    this.valueCol = new Float64Array(capacity);
    this.hopCol = new Float64Array(capacity * HOPS_PER_ALERT);
    this.resolverCol = new Uint8Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  get full(): boolean {
    return this.n >= this.capacity;
  }

  /**
   * Interns a code; the index is valid for the current batch only.
   *
   * A small direct-mapped cache in front of the map: codes are nearly always the same few
   * string constants (SRV numbers, alert codes), and `===` on the same string is a pointer
   * compare, where `Map.get` was a builtin call per event (1.7 % of a gb-day shard's samples
   * under `perf`). The slot is a hash of every character: one of the first and last characters
   * only put 4.1.1, 4.6.1 and 4.8.1 (half of gb-day's events) in one slot (addEvent on gb-day's
   * codes, best of 8: 52 ns with that hash, 47 ns with this one). The cache is cleared with the
   * dictionary, so indices are the map's.
   */
  intern(code: string): number {
    const n = code.length;
    let h = n;
    for (let c = 0; c < n; c++) h = (Math.imul(h, 31) + code.charCodeAt(c)) | 0;
    h = (h ^ (h >>> 7)) & CODE_CACHE_MASK;
    if (this.cacheCode[h] === code) return this.cacheIndex[h] as number;
    let i = this.dictIndex.get(code);
    if (i === undefined) {
      i = this.dict.length;
      this.dict.push(code);
      this.dictIndex.set(code, i);
    }
    this.cacheCode[h] = code;
    this.cacheIndex[h] = i;
    return i;
  }

  /** Appends one event. Callers check `full` first; the builder never grows. */
  add(e: EventFields): void {
    const i = this.n;
    if (i >= this.capacity) throw new RangeError('EventBatchBuilder is full');
    if (i === 0) this.base = e.timeMs;
    this.n = i + 1;
    this.kindCol[i] = e.kind;
    // Stored absolute here; made relative to the batch base in take().
    this.timeCol[i] = e.timeMs;
    this.deviceCol[i] = e.device ?? 0;
    this.deviceTypeCol[i] = e.deviceType ?? 0;
    this.networkCol[i] = e.network ?? 0;
    this.codeCol[i] = e.code === undefined ? 0 : this.intern(e.code);
    this.requestIdCol[i] = e.requestId ?? 0;
    this.userCol[i] = e.user ?? 0;
    this.outcomeCol[i] = e.outcome ?? 0;
    this.refCol[i] = e.ref ?? 0;
    this.valueCol[i] = e.value ?? 0;
    if (isAlertKind(e.kind)) {
      const h = e.hops ?? [-1, -1, -1, -1];
      this.addHops(h[0], h[1], h[2], h[3]);
    } else if (isIncidentKind(e.kind)) {
      this.resolverCol[this.resolvers++] = e.resolverGroup ?? 0;
    }
  }

  /**
   * Appends one non-alert, non-incident event from positional arguments: the fast path for
   * high-volume processes (no object per event). Same columns as `add`.
   */
  addEvent(
    kind: number,
    timeMs: number,
    device: number,
    deviceType: number,
    network: number,
    code: string,
    requestId: number,
    user: number,
    outcome: number,
    ref: number,
    value: number,
  ): void {
    const i = this.n;
    if (i >= this.capacity) throw new RangeError('EventBatchBuilder is full');
    if (i === 0) this.base = timeMs;
    this.n = i + 1;
    this.kindCol[i] = kind;
    this.timeCol[i] = timeMs;
    this.deviceCol[i] = device;
    this.deviceTypeCol[i] = deviceType;
    this.networkCol[i] = network;
    this.codeCol[i] = this.intern(code);
    this.requestIdCol[i] = requestId;
    this.userCol[i] = user;
    this.outcomeCol[i] = outcome;
    this.refCol[i] = ref;
    this.valueCol[i] = value;
    if (isIncidentKind(kind)) this.resolverCol[this.resolvers++] = 0;
    else if (isAlertKind(kind)) this.addHops(-1, -1, -1, -1);
  }

  /** Appends one alert from positional arguments, with its 4 hop offsets (-1 = not visible). */
  addAlert(
    kind: number,
    timeMs: number,
    device: number,
    deviceType: number,
    network: number,
    code: string,
    alertId: number,
    user: number,
    ref: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
  ): void {
    this.addEvent(EVENT_KIND_PLACEHOLDER, timeMs, device, deviceType, network, code, alertId, user, 0, ref, 0);
    this.kindCol[this.n - 1] = kind;
    this.addHops(h0, h1, h2, h3);
  }

  private addHops(h0: number, h1: number, h2: number, h3: number): void {
    const o = this.hops;
    this.hopCol[o] = h0;
    this.hopCol[o + 1] = h1;
    this.hopCol[o + 2] = h2;
    this.hopCol[o + 3] = h3;
    this.hops = o + HOPS_PER_ALERT;
  }

  /** Returns the current batch and starts a new one. The batch views the builder's arrays: it stays valid until the next `add`. */
  take(): EventBatchView {
    const n = this.n;
    const base = this.base;
    for (let i = 0; i < n; i++) this.timeCol[i] = (this.timeCol[i] as number) - base;
    const batch: EventBatchView = {
      eventCount: n,
      baseTimeMs: base,
      dictionary: this.dict.slice(),
      kind: this.kindCol.subarray(0, n),
      timeDeltaMs: this.timeCol.subarray(0, n),
      device: this.deviceCol.subarray(0, n),
      deviceType: this.deviceTypeCol.subarray(0, n),
      network: this.networkCol.subarray(0, n),
      code: this.codeCol.subarray(0, n),
      requestId: this.requestIdCol.subarray(0, n),
      user: this.userCol.subarray(0, n),
      outcome: this.outcomeCol.subarray(0, n),
      ref: this.refCol.subarray(0, n),
      value: this.valueCol.subarray(0, n),
      hopDeltaMs: this.hopCol.subarray(0, this.hops),
      resolverGroup: this.resolverCol.subarray(0, this.resolvers),
    };
    this.n = 0;
    this.hops = 0;
    this.resolvers = 0;
    this.dict.length = 1;
    this.dictIndex.clear();
    this.dictIndex.set('', 0);
    this.cacheCode.fill(undefined);
    return batch;
  }
}

/**
 * The events of a batch as objects (allocates one per event: for tests, tools and baselines,
 * never for the hot path).
 */
export function eventsOf(b: EventBatchView): EventFields[] {
  const out: EventFields[] = [];
  let hop = 0;
  let resolver = 0;
  for (let i = 0; i < b.eventCount; i++) {
    const kind = b.kind[i] as EventKind;
    const e: EventFields = {
      kind,
      timeMs: b.baseTimeMs + (b.timeDeltaMs[i] as number),
      device: b.device[i] as number,
      deviceType: b.deviceType[i] as number,
      network: b.network[i] as number,
      code: b.dictionary[b.code[i] as number] ?? '',
      requestId: b.requestId[i] as number,
      user: b.user[i] as number,
      outcome: b.outcome[i] as number,
      ref: b.ref[i] as number,
      value: b.value[i] as number,
    };
    if (isAlertKind(kind)) {
      e.hops = [
        b.hopDeltaMs[hop] as number,
        b.hopDeltaMs[hop + 1] as number,
        b.hopDeltaMs[hop + 2] as number,
        b.hopDeltaMs[hop + 3] as number,
      ];
      hop += HOPS_PER_ALERT;
    } else if (isIncidentKind(kind)) {
      e.resolverGroup = b.resolverGroup[resolver++] as number;
    }
    out.push(e);
  }
  return out;
}
