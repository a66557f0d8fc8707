import { AlertCounters } from '../domain/metrics/alert-metrics.js';
import type { MetricTable } from '../domain/metrics/metric-table.js';
import { GB_ALERT_HOP_MEDIANS } from '../domain/traffic-defaults.js';
import { AlertCode, EventKind, isSmets1, Network } from '../domain/vocabulary.js';
import { SLOT_DEVICE_TYPE, Slot } from '../estate.js';
import { OutageCursor } from '../outages.js';
import { cumulative } from '../rng.js';
import type { ResolvedAlerts, ResolvedPowerCut } from '../scenario/resolve-service-traffic.js';
import type { BusinessProcess, SimContext } from '../sim-context.js';
import { DAY, MINUTE } from '../time.js';

const Action = { SLICE: 0, ALERT: 1, RESTORE: 2 } as const;
const SLICE_MS = 15 * MINUTE;
/** Codes that travel as DCC Alerts (N-codes, §1.6); the rest are GBCS Device Alerts. */
const isDccCode = (code: string): boolean => /^N\d+$/.test(code);
/** Codes a network operator receives when it is in the scenario: supply outage / restore. */
const POWER_CODES = new Set<string>([AlertCode.SUPPLY_OUTAGE_RESTORED, AlertCode.SUPPLY_OUTAGE_RESTORED_3MIN]);

/**
 * Device and DCC alerts (R4; docs/domain.md §1.6, §1.8) with the time of each hop: received by the CH,
 * validated by the CSP or SMETS1 SP, validated by the DSP, delivered to the Service User,
 * confirmed by the User. A DCC Alert starts in the DCC (its event time is its generation): it has
 * no CH or CSP hop. Truth keeps every hop; the wire carries -1 for the CSP hop where the DSP
 * cannot see that Service Provider's data (CSP North and SMETS1 SPs, CR1438). A regional power
 * cut (scenario-configured, self-contained here) ends in a storm of restore alerts, queued at the
 * CSP and throttled by the DSP's Alert Storm Protection (SECMP0062).
 *
 * Outages (`ctx.outages`, R6): while the network is down the CH holds the alert and sends it when
 * the network is back up, and a CSP / SMETS1 SP validation that falls in an outage waits for its
 * end; the DSP and User hops follow on, so the delay lands in the CH → CSP hop and in CH → User.
 */
export function createAlertProcess(ctx: SimContext, cfg: ResolvedAlerts): BusinessProcess {
  const rng = ctx.rng('alerts');
  const { scenario, estate } = ctx;
  const truth = new AlertCounters();
  const alertTrt = scenario.metrics.trt.alert;
  const shardShare = estate.initialCount / scenario.estate.premises;
  const codeCum = cumulative(cfg.codes.map((c) => c.weight));
  const totalWeight = cfg.codes.reduce((a, c) => a + c.weight, 0);
  const codes = cfg.codes.map((c) => c.code);
  const codeTruth = codes.map((c) => truth.code(c));
  const exempt = codes.map((c) => cfg.stormProtectionExempt.includes(c));
  // Per code, once: emit() runs per alert.
  const dccCode = codes.map(isDccCode);
  const powerCode = codes.map((c) => POWER_CODES.has(c));
  const networkOperator = scenario.serviceUsers.findIndex((u) => u.role === 'networkOperator') + 1;
  const cspMedian = GB_ALERT_HOP_MEDIANS.cspValidation;
  // Pending alerts (struct-of-arrays with a free list).
  const pending = new AlertSlots();
  const outages = new OutageCursor(ctx.outages);
  // Storm state per network: CSP FIFO and the DSP's per-minute throttle window (this shard's share).
  const cspFreeAt = new Float64Array(Network.SMETS1_FOC + 1);
  const windowStart = new Float64Array(Network.SMETS1_FOC + 1).fill(-1);
  const windowCount = new Float64Array(Network.SMETS1_FOC + 1);
  const throttlePerMinute = cfg.stormProtectionPerMinute * shardShare;
  const cspServiceMs = cfg.cspCapacityPerSecond * shardShare > 0 ? 1000 / (cfg.cspCapacityPerSecond * shardShare) : 0;
  const restoreCode = codes.indexOf(AlertCode.SUPPLY_OUTAGE_RESTORED_3MIN);
  const restoreShortCode = codes.indexOf(AlertCode.SUPPLY_OUTAGE_RESTORED);
  const stormCodes = [restoreShortCode, restoreCode].map((i, k) =>
    i >= 0 ? i : registerCode(k === 0 ? AlertCode.SUPPLY_OUTAGE_RESTORED : AlertCode.SUPPLY_OUTAGE_RESTORED_3MIN),
  );

  function registerCode(code: string): number {
    codes.push(code);
    codeTruth.push(truth.code(code));
    exempt.push(cfg.stormProtectionExempt.includes(code));
    dccCode.push(isDccCode(code));
    powerCode.push(POWER_CODES.has(code));
    return codes.length - 1;
  }

  return {
    name: 'alerts',
    start() {
      ctx.schedule(scenario.startMs, Action.SLICE, scenario.startMs);
      cfg.powerCuts.forEach((cut, i) => {
        const restore = cut.startMs + cut.durationMs;
        if (restore >= scenario.startMs) ctx.schedule(restore, Action.RESTORE, i);
      });
    },
    handle(action, a) {
      if (action === Action.SLICE) slice(a);
      else if (action === Action.ALERT) emit(a);
      else if (action === Action.RESTORE) restore(a);
      else throw new RangeError(`alerts: unknown action ${action}`);
    },
    truth(out: MetricTable) {
      truth.report(out);
    },
  };

  function slice(t0: number): void {
    ctx.schedule(t0 + SLICE_MS, Action.SLICE, t0 + SLICE_MS);
    // Alerts planned until the next slice (here or at a restore) are received at times ≥ t0.
    outages.advance(t0);
    const count = estate.count;
    if (count === 0 || totalWeight === 0) return;
    const n = rng.poisson((cfg.perPremisesPerDay * count * SLICE_MS) / DAY);
    for (let i = 0; i < n; i++) {
      const p = rng.int(count);
      const code = rng.pickCumulative(codeCum);
      const at = t0 + Math.floor(rng.uniform(0, SLICE_MS));
      const network = estate.network[p] as number;
      const h0 = Math.round(rng.lognormal(cspMedianOf(network), 0.5));
      plan(p, code, at, h0, false);
    }
  }

  function cspMedianOf(network: number): number {
    if (isSmets1(network)) return cspMedian.smets1;
    return network === Network.CSP_NORTH ? cspMedian.north : network === Network.CSP_CENTRAL ? cspMedian.central : cspMedian.south;
  }

  /** Plans one alert received by the CH at `at`, validated by the CSP `h0` ms later. */
  function plan(p: number, code: number, at: number, h0: number, throttleable: boolean): void {
    const s = pending.alloc();
    const network = estate.network[p] as number;
    // A DCC Alert (N24) is generated inside the DCC: it never crosses the SM WAN, so it has no
    // CH → CSP hop and an SM WAN outage does not hold it.
    if (dccCode[code] === true) h0 = -1;
    else if (outages.any) h0 = outages.upAt(network, outages.upAt(network, at) + h0) - at;
    const h1 = Math.max(0, h0) + Math.round(rng.lognormal(GB_ALERT_HOP_MEDIANS.dspValidation, 0.4));
    let h2 = h1 + Math.round(rng.lognormal(GB_ALERT_HOP_MEDIANS.delivery, 0.5));
    let h3 = h2 + Math.round(rng.lognormal(GB_ALERT_HOP_MEDIANS.confirmation, 0.6));
    if (throttleable && !exempt[code]) {
      const minute = Math.floor((at + h1) / MINUTE);
      if (windowStart[network] !== minute) {
        windowStart[network] = minute;
        windowCount[network] = 0;
      }
      (windowCount[network] as number) += 1;
      if ((windowCount[network] as number) > throttlePerMinute) {
        h2 = -1;
        h3 = -1;
      }
    }
    pending.premises[s] = p;
    pending.code[s] = code;
    pending.hops[4 * s] = h0;
    pending.hops[4 * s + 1] = h1;
    pending.hops[4 * s + 2] = h2;
    pending.hops[4 * s + 3] = h3;
    ctx.schedule(at, Action.ALERT, s);
  }

  function emit(s: number): void {
    const p = pending.premises[s] as number;
    const ci = pending.code[s] as number;
    const code = codes[ci] as string;
    const network = estate.network[p] as number;
    const dcc = dccCode[ci] === true;
    const kind = dcc ? EventKind.DCC_ALERT : EventKind.DEVICE_ALERT;
    const slot = dcc ? Slot.CH : Slot.ESME;
    const h0 = pending.hops[4 * s] as number;
    const h1 = pending.hops[4 * s + 1] as number;
    const h2 = pending.hops[4 * s + 2] as number;
    const h3 = pending.hops[4 * s + 3] as number;
    const user = networkOperator > 0 && powerCode[ci] === true ? networkOperator : (estate.user[p] as number);
    // CR1438: the DSP does not see CSP North or SMETS1 SP data, so neither the CSP hop nor the CH receipt time.
    const visible = network !== Network.CSP_NORTH && !isSmets1(network) && !dcc;
    ctx.emitAlert(
      kind,
      estate.device(p, slot),
      SLOT_DEVICE_TYPE[slot] as number,
      network,
      code,
      ctx.nextId(),
      user,
      0,
      visible ? h0 : -1,
      h1,
      h2,
      h3,
    );
    truth.add(kind, codeTruth[ci] as number, network, ctx.now, h0, h1, h2, h3, alertTrt);
    pending.free(s);
  }

  /** Power returns: every affected premises' meter reports the restore, spread over a few minutes. */
  function restore(i: number): void {
    const cut = cfg.powerCuts[i] as ResolvedPowerCut;
    const code = cut.durationMs >= 3 * MINUTE ? (stormCodes[1] as number) : (stormCodes[0] as number);
    const arrivals: number[] = [];
    const who: number[] = [];
    const now = ctx.now;
    for (let p = 0; p < estate.count; p++) {
      if (estate.network[p] !== cut.network || !rng.chance(cut.affectedShare)) continue;
      arrivals.push(now + Math.floor(rng.uniform(0, cut.restoreSpreadMs)));
      who.push(p);
    }
    const order = arrivals.map((_, k) => k).sort((x, y) => (arrivals[x] as number) - (arrivals[y] as number) || x - y);
    for (const k of order) {
      const at = arrivals[k] as number;
      // The CSP validates alerts one after another at its capacity: a FIFO queue.
      const base = at + Math.round(rng.lognormal(cspMedianOf(cut.network), 0.5));
      const done = Math.max(base, (cspFreeAt[cut.network] as number) + cspServiceMs);
      cspFreeAt[cut.network] = done;
      // The queue's clock runs in fractions of a ms (1000 / capacity); times on the wire are
      // whole ms, so a hop is rounded up: validated no earlier than the queue allows.
      plan(who[k] as number, code, at, Math.ceil(done) - at, true);
    }
  }
}

class AlertSlots {
  private cap = 1024;
  private used = 0;
  private readonly freeList: number[] = [];
  premises: Int32Array = new Int32Array(this.cap);
  code: Int16Array = new Int16Array(this.cap);
  hops: Float64Array = new Float64Array(this.cap * 4);

  alloc(): number {
    const s = this.freeList.pop();
    if (s !== undefined) return s;
    if (this.used === this.cap) {
      this.cap *= 2;
      const p = new Int32Array(this.cap);
      p.set(this.premises);
      this.premises = p;
      const c = new Int16Array(this.cap);
      c.set(this.code);
      this.code = c;
      const h = new Float64Array(this.cap * 4);
      h.set(this.hops);
      this.hops = h;
    }
    return this.used++;
  }

  free(s: number): void {
    this.freeList.push(s);
  }
}
