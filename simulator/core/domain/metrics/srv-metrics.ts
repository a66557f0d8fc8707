import type { EventBatchView } from '../event-batch.js';
import {
  CPM1_CLASSES,
  CPM2_CLASSES,
  RESPONSE_CLASS_COUNT,
  RESPONSE_CLASS_LABELS,
  responseClassOf,
  SRV_CATALOGUE,
  SRV_COUNT,
  type SrvEntry,
  srvIndex,
  trtByClass,
} from '../srv-catalogue.js';
import { EventKind, NETWORK_LABELS, NETWORK_MAX, Outcome, smetsLabel } from '../vocabulary.js';
import type { Accumulator } from './accumulator.js';
import { EXCLUSION_REASONS, type ExclusionEntry, type MetricConfig, type WithinTargetRule } from './metric-config.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';
import { MonthIndex } from './month-index.js';

/** Metric ids of R1, service requests as Users experience them (docs/metrics.md). */
export const SrvMetric = {
  /** Service Requests received, by {srv, process, class, network, smets, month}. */
  REQUESTS: 'srv.requests',
  /** Service Responses (any outcome), before exclusions; same labels, month of the response. */
  RESPONSES: 'srv.responses',
  /** Successful responses within the class's Target Response Time (≤ TRT), before exclusions. */
  WITHIN_TARGET: 'srv.withinTarget',
  /** Responses with a failure, timeout or rejection, before exclusions. */
  FAILURES: 'srv.failures',
  /** Responses left out by the exclusion list, labels + {reason}. */
  EXCLUDED: 'srv.excluded',
  /** Of the excluded responses, those within target, labels + {reason}. */
  EXCLUDED_WITHIN_TARGET: 'srv.excludedWithinTarget',
  /** Of the excluded responses, the failures, labels + {reason}. */
  EXCLUDED_FAILURES: 'srv.excludedFailures',
} as const;

const NETS = NETWORK_MAX + 1;
const REASONS = EXCLUSION_REASONS.length;
const KEYS = SRV_COUNT * RESPONSE_CLASS_COUNT * NETS;
const C_REQ = 0;
const C_RESP = 1;
const C_WITHIN = 2;
const C_FAIL = 3;
const COUNTERS = 4;
const X_ALL = 0;
const X_WITHIN = 1;
const X_FAIL = 2;
const XCOUNTERS = 3;

/** A numeric key for (srv, class, network): the hot path never builds label objects. */
export function srvKey(srv: number, cls: number, network: number): number {
  return (srv * RESPONSE_CLASS_COUNT + cls) * NETS + network;
}

/**
 * A response that can count within target: a success, or "Command Accepted" for a future-dated
 * command whose outcome follows later by alert (11.3: proto EVENT_KIND_SERVICE_RESPONSE). A
 * device's Execution Outcome (no image, hash mismatch, activation failure) is neither a success
 * nor a DCC failure.
 */
export function isSuccess(outcome: number): boolean {
  return outcome === Outcome.SUCCESS || outcome === Outcome.ACCEPTED;
}

export function isFailure(outcome: number): boolean {
  return outcome === Outcome.FAILURE || outcome === Outcome.TIMEOUT || outcome === Outcome.REJECTED;
}

/**
 * Whether a response counts within target under a rule (metric-config WITHIN_TARGET_RULES):
 * delivered at most `trtMs` after the TRT clock started (exactly at the target is inside), and,
 * unless the rule is `responseDelivered`, successful.
 */
export function countsWithinTarget(rule: WithinTargetRule, outcome: number, elapsedMs: number, trtMs: number): boolean {
  return elapsedMs <= trtMs && (rule === 'responseDelivered' || isSuccess(outcome));
}

type SrvEventKind = typeof EventKind.SERVICE_REQUEST | typeof EventKind.SERVICE_RESPONSE;

/**
 * Additive SRV counters in flat typed arrays per reporting month. The simulator's truth and the
 * metric family write the same counters, so truth and observed share ids and labels exactly.
 */
export class SrvCounters implements Accumulator {
  private readonly months = new MonthIndex();
  private readonly counts: Float64Array[] = [];
  private readonly excluded: Float64Array[] = [];

  private month(timeMs: number): number {
    const m = this.months.of(timeMs);
    while (this.counts.length <= m) {
      this.counts.push(new Float64Array(KEYS * COUNTERS));
      this.excluded.push(new Float64Array(KEYS * REASONS * XCOUNTERS));
    }
    return m;
  }

  /**
   * One Service Request or Service Response (`kind`). A response's `reason` is an
   * EXCLUSION_REASONS index, or -1 when it is not excluded; a request takes none of the rest.
   */
  add(kind: SrvEventKind, key: number, timeMs: number, withinTarget = false, failed = false, reason = -1): void {
    const m = this.month(timeMs);
    const c = this.counts[m] as Float64Array;
    const o = key * COUNTERS;
    if (kind === EventKind.SERVICE_REQUEST) {
      (c[o + C_REQ] as number) += 1;
      return;
    }
    (c[o + C_RESP] as number) += 1;
    if (withinTarget) (c[o + C_WITHIN] as number) += 1;
    if (failed) (c[o + C_FAIL] as number) += 1;
    if (reason < 0) return;
    const x = this.excluded[m] as Float64Array;
    const xo = (key * REASONS + reason) * XCOUNTERS;
    (x[xo + X_ALL] as number) += 1;
    if (withinTarget) (x[xo + X_WITHIN] as number) += 1;
    if (failed) (x[xo + X_FAIL] as number) += 1;
  }

  report(out: MetricTable): void {
    this.counts.forEach((c, m) => {
      const month = this.months.labels[m] as string;
      for (let key = 0; key < KEYS; key++) {
        const o = key * COUNTERS;
        const any = (c[o + C_REQ] as number) + (c[o + C_RESP] as number);
        const xo = key * REASONS * XCOUNTERS;
        let anyExcluded = 0;
        for (let r = 0; r < REASONS * XCOUNTERS; r++) anyExcluded += (this.excluded[m] as Float64Array)[xo + r] as number;
        if (any === 0 && anyExcluded === 0) continue;
        const labels = labelsOf(key, month);
        if ((c[o + C_REQ] as number) > 0) out.add(SrvMetric.REQUESTS, labels, c[o + C_REQ]);
        if ((c[o + C_RESP] as number) > 0) out.add(SrvMetric.RESPONSES, labels, c[o + C_RESP]);
        if ((c[o + C_WITHIN] as number) > 0) out.add(SrvMetric.WITHIN_TARGET, labels, c[o + C_WITHIN]);
        if ((c[o + C_FAIL] as number) > 0) out.add(SrvMetric.FAILURES, labels, c[o + C_FAIL]);
        if (anyExcluded === 0) continue;
        const x = this.excluded[m] as Float64Array;
        for (let r = 0; r < REASONS; r++) {
          const ro = (key * REASONS + r) * XCOUNTERS;
          if (x[ro + X_ALL] === 0) continue;
          const rl = { ...labels, reason: EXCLUSION_REASONS[r] as string };
          out.add(SrvMetric.EXCLUDED, rl, x[ro + X_ALL]);
          if ((x[ro + X_WITHIN] as number) > 0) out.add(SrvMetric.EXCLUDED_WITHIN_TARGET, rl, x[ro + X_WITHIN]);
          if ((x[ro + X_FAIL] as number) > 0) out.add(SrvMetric.EXCLUDED_FAILURES, rl, x[ro + X_FAIL]);
        }
      }
    });
  }
}

function labelsOf(key: number, month: string): Record<string, string> {
  const network = key % NETS;
  const rest = (key - network) / NETS;
  const cls = rest % RESPONSE_CLASS_COUNT;
  const srv = (rest - cls) / RESPONSE_CLASS_COUNT;
  const entry = SRV_CATALOGUE[srv] as SrvEntry;
  return {
    srv: entry.srv,
    process: entry.process,
    class: RESPONSE_CLASS_LABELS[cls] as string,
    network: NETWORK_LABELS[network] as string,
    smets: smetsLabel(network),
    month,
  };
}

/** Compiled exclusion list: the first matching entry wins; -1 = not excluded. */
export function compileExclusions(
  entries: readonly ExclusionEntry[],
): (srv: number, cls: number, network: number, user: number, device: number, timeMs: number) => number {
  const rows = entries.map((e) => ({
    srv: e.srv === '' ? -1 : srvIndex(e.srv),
    anySrv: e.srv === '',
    classes: e.measure === 'cpm1' ? CPM1_CLASSES : e.measure === 'cpm2' ? CPM2_CLASSES : null,
    user: e.user,
    network: e.network,
    device: e.device,
    reason: EXCLUSION_REASONS.indexOf(e.reason),
    from: e.validFromMs,
    to: e.validToMs,
  }));
  return (srv, cls, network, user, device, timeMs) => {
    for (const r of rows) {
      if (!r.anySrv && r.srv !== srv) continue;
      if (r.user !== 0 && r.user !== user) continue;
      if (r.network !== 0 && r.network !== network) continue;
      if (r.device !== 0 && r.device !== device) continue;
      if (timeMs < r.from || timeMs >= r.to) continue;
      if (r.classes !== null && !r.classes.includes(RESPONSE_CLASS_LABELS[cls] as string)) continue;
      return r.reason;
    }
    return -1;
  };
}

/**
 * R1 from observed traffic: each Service Response is matched to its request by (request id,
 * device) — ids are unique per stream and devices never span streams — and timed from the start
 * of the TRT clock: receipt, or the execution date-time of a future-dated request (its `value`).
 * The exclusion list is applied to each response before it is counted.
 */
export function createSrvMetrics(config: MetricConfig): MetricFamily {
  const counters = new SrvCounters();
  const trt = trtByClass(config.trt);
  const rule = config.withinTargetRule ?? 'successfulResponse';
  const excluded = config.exclusions.length === 0 ? null : compileExclusions(config.exclusions);
  // In-flight requests: (requestId, device) → newest slot; slots chain on the (rare) key sent
  // twice. The index is an open-addressing hash on the pair in typed arrays, replacing a Map on
  // the id alone whose chains ran across every stream (ids restart at 1 in each shard, so the
  // pipeline walked one slot per concurrent shard) and whose get/set/delete made this the top
  // self-time function of the run (gb-day --shard 0/45 profile: 10 % of the main thread).
  // Matching is unchanged: a response takes the newest in-flight request with its id and device.
  const head = new RequestIndex();
  let cap = 1024;
  let slotClock: Float64Array = new Float64Array(cap);
  let slotKey: Int32Array = new Int32Array(cap);
  let slotNext: Int32Array = new Int32Array(cap);
  // Free slots as a typed stack (LIFO, like the array it replaces).
  let free: Int32Array = new Int32Array(cap);
  let freeTop = 0;
  let used = 0;
  let srvOfCode = new Int16Array(64);

  const grow = (): void => {
    cap *= 2;
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    slotClock = f(slotClock);
    slotKey = g(slotKey);
    slotNext = g(slotNext);
    free = g(free);
  };

  return {
    apply(b: EventBatchView) {
      const dict = b.dictionary;
      if (srvOfCode.length < dict.length) srvOfCode = new Int16Array(dict.length * 2);
      for (let d = 0; d < dict.length; d++) srvOfCode[d] = srvIndex(dict[d] as string);
      const n = b.eventCount;
      for (let i = 0; i < n; i++) {
        const kind = b.kind[i] as number;
        if (kind !== EventKind.SERVICE_REQUEST && kind !== EventKind.SERVICE_RESPONSE) continue;
        const srv = srvOfCode[b.code[i] as number] as number;
        if (srv < 0) continue;
        const time = b.baseTimeMs + (b.timeDeltaMs[i] as number);
        const id = b.requestId[i] as number;
        const device = b.device[i] as number;
        if (kind === EventKind.SERVICE_REQUEST) {
          const offset = b.value[i] as number;
          const cls = responseClassOf(SRV_CATALOGUE[srv] as SrvEntry, b.ref[i] as number, offset);
          const key = srvKey(srv, cls, b.network[i] as number);
          counters.add(EventKind.SERVICE_REQUEST, key, time);
          const s = freeTop > 0 ? (free[--freeTop] as number) : used++;
          if (s >= cap) grow();
          slotClock[s] = time + Math.max(offset, 0);
          slotKey[s] = key;
          slotNext[s] = head.set(id, device, s);
          continue;
        }
        // A response: find its request.
        const s = head.take(id, device, slotNext);
        if (s < 0) continue;
        free[freeTop++] = s;
        const key = slotKey[s] as number;
        const cls = Math.floor(key / NETS) % RESPONSE_CLASS_COUNT;
        const outcome = b.outcome[i] as number;
        const failed = isFailure(outcome);
        const within = countsWithinTarget(rule, outcome, time - (slotClock[s] as number), trt[cls] as number);
        const reason = excluded === null ? -1 : excluded(srv, cls, b.network[i] as number, b.user[i] as number, device, time);
        counters.add(EventKind.SERVICE_RESPONSE, key, time, within, failed, reason);
      }
    },
    report(): MetricSample[] {
      const out = new MetricTable();
      counters.report(out);
      return out.samples();
    },
  };
}

/**
 * (requestId, device) → slot (-1 = absent), open addressing with linear probing in typed
 * arrays. Ids are non-negative (uint64 on the wire), so -1 marks an empty bucket. Deletion
 * shifts the following entries back (no tombstones), so probes stay short as requests come
 * and go.
 */
class RequestIndex {
  private mask = 1023;
  private ids = new Float64Array(1024).fill(-1);
  private devices = new Float64Array(1024);
  private vals = new Int32Array(1024);
  private size = 0;

  private static hash(id: number, device: number): number {
    // Both 32-bit halves of both numbers: ids are small and dense, device numbers large.
    const h = Math.imul((id >>> 0) ^ Math.imul((id / 4294967296) >>> 0, 0x85ebca6b), 0x9e3779b1);
    const d = Math.imul((device >>> 0) ^ Math.imul((device / 4294967296) >>> 0, 0xc2b2ae35), 0x27d4eb2f);
    const x = h ^ (d + 0x165667b1 + (h << 6) + (h >>> 2));
    return Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
  }

  /** Sets (id, device) → slot and returns the previous slot (-1 if none). */
  set(id: number, device: number, slot: number): number {
    const ids = this.ids;
    const mask = this.mask;
    let i = RequestIndex.hash(id, device) & mask;
    for (; ; i = (i + 1) & mask) {
      const k = ids[i] as number;
      if (k === id && this.devices[i] === device) {
        const prev = this.vals[i] as number;
        this.vals[i] = slot;
        return prev;
      }
      if (k === -1) break;
    }
    ids[i] = id;
    this.devices[i] = device;
    this.vals[i] = slot;
    if (++this.size * 2 > mask) this.rehash();
    return -1;
  }

  /**
   * The slot of (id, device), or -1; the key then maps to `next[slot]`, or is deleted when that
   * is -1. One probe where get, then set or delete, hashed and probed twice (the SRV family is
   * the observed metrics' largest cost in a worker; measured on 4 gb-day shards, observing
   * -3 %, 0.119 → 0.116 µs an event, within this machine's noise of a few %).
   */
  take(id: number, device: number, next: Int32Array): number {
    const ids = this.ids;
    const mask = this.mask;
    let i = RequestIndex.hash(id, device) & mask;
    for (; ; i = (i + 1) & mask) {
      const k = ids[i] as number;
      if (k === id && this.devices[i] === device) break;
      if (k === -1) return -1;
    }
    const slot = this.vals[i] as number;
    const following = next[slot] as number;
    if (following >= 0) this.vals[i] = following;
    else this.removeAt(i);
    return slot;
  }

  /** Empties bucket i. */
  private removeAt(i: number): void {
    const ids = this.ids;
    const devices = this.devices;
    const vals = this.vals;
    const mask = this.mask;
    // Backward shift: move later entries of the cluster into the hole unless their home bucket
    // lies cyclically in (hole, j], where moving them would put them before their home.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = ids[j] as number;
      if (k === -1) break;
      const home = RequestIndex.hash(k, devices[j] as number) & mask;
      if (i <= j ? home > i && home <= j : home > i || home <= j) continue;
      ids[i] = k;
      devices[i] = devices[j] as number;
      vals[i] = vals[j] as number;
      i = j;
    }
    ids[i] = -1;
    this.size--;
  }

  private rehash(): void {
    const oldIds = this.ids;
    const oldDevices = this.devices;
    const oldVals = this.vals;
    const size = oldIds.length * 2;
    this.ids = new Float64Array(size).fill(-1);
    this.devices = new Float64Array(size);
    this.vals = new Int32Array(size);
    this.mask = size - 1;
    this.size = 0;
    for (let i = 0; i < oldIds.length; i++) {
      const k = oldIds[i] as number;
      if (k !== -1) this.set(k, oldDevices[i] as number, oldVals[i] as number);
    }
  }
}
