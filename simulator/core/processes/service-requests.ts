import { countsWithinTarget, SrvCounters, srvKey } from '../domain/metrics/srv-metrics.js';
import { EXCLUSION_REASONS } from '../domain/metrics/metric-config.js';
import type { MetricTable } from '../domain/metrics/metric-table.js';
import { ResponseClass, SRV_CATALOGUE, type SrvEntry, srvIndex, trtByClass } from '../domain/srv-catalogue.js';
import { PROFILE_HOURS } from '../domain/traffic-defaults.js';
import { EventKind, isSmets1, Network, Outcome } from '../domain/vocabulary.js';
import { SLOT_DEVICE_TYPE, Slot } from '../estate.js';
import { OutageCursor } from '../outages.js';
import type { LatencyProfile, ResolvedServiceRequests } from '../scenario/resolve-service-traffic.js';
import type { BusinessProcess, SimContext } from '../sim-context.js';
import { DAY, HOUR, MINUTE, SECOND, ukMidnight } from '../time.js';
import { RequestSlots, Stage } from './request-slots.js';

const Action = { SLICE: 0, STEP: 1 } as const;

type MixEntry = ResolvedServiceRequests['mix'][number];
/** Work is planned per 15-minute slice: one queue entry per request step, none per premises. */
const SLICE_MS = 15 * MINUTE;
const USER_ORCHESTRATION = EXCLUSION_REASONS.indexOf('user-orchestration');
const COS_CHAIN = -2;

/**
 * Service Users' daily SRV mix (R1; docs/domain.md §6.3): DCC-scheduled overnight read bursts,
 * on-demand reads, prepayment, tariff and price changes (mostly future-dated), critical requests
 * with their Transform / Signed Pre-Command step, and Change of Supplier chains whose dependent
 * 1.1.1 some Users send without waiting for the 6.23's success. Each request is answered with a
 * response time drawn from its network's latency model; failures and timeouts included.
 *
 * Outages (`ctx.outages`, R6): the device leg needs the network's SM WAN and Service Provider.
 * When the network is down at the TRT clock start (receipt, or the execution time of a
 * future-dated request) the leg starts when it is back up; when it is down at the moment the
 * response would come back, the response is held until it is back up. A response that would
 * thereby come later than the timeout after the clock start is the DSP's timeout response, at
 * clock start + timeout. The DSP itself stays up: requests and Transforms are not delayed.
 */
export function createServiceRequestProcess(ctx: SimContext, cfg: ResolvedServiceRequests): BusinessProcess {
  const rng = ctx.rng('service-requests');
  const { scenario, estate } = ctx;
  const trt = trtByClass(scenario.metrics.trt);
  const rule = scenario.metrics.withinTargetRule;
  const truth = new SrvCounters();
  const slots = new RequestSlots();
  const mixSrv = cfg.mix.map((m) => srvIndex(m.srv));
  const cosSrv = srvIndex('6.23');
  const tariffSrv = srvIndex('1.1.1');
  const hasNetworkOperator = scenario.serviceUsers.some((u) => u.role === 'networkOperator');
  const networkOperator = scenario.serviceUsers.findIndex((u) => u.role === 'networkOperator') + 1;
  const ignores = scenario.serviceUsers.map((u) => u.ignoresDependencies);
  const lat = [cfg.latency.north, cfg.latency.central, cfg.latency.south, cfg.latency.smets1];
  const outages = new OutageCursor(ctx.outages);

  return {
    name: 'service-requests',
    start() {
      ctx.schedule(scenario.startMs, Action.SLICE, scenario.startMs);
    },
    handle(action, a) {
      if (action === Action.SLICE) slice(a);
      else if (action === Action.STEP) step(a);
      else throw new RangeError(`service-requests: unknown action ${action}`);
    },
    truth(out: MetricTable) {
      truth.report(out);
    },
  };

  function slice(t0: number): void {
    const t1 = t0 + SLICE_MS;
    ctx.schedule(t1, Action.SLICE, t1);
    // Every step until the next slice asks about times ≥ t0.
    outages.advance(t0);
    const count = estate.count;
    if (count === 0) return;
    // The UK hour of the slice decides which profiles are active.
    const hour = Math.floor((t0 - ukMidnight(t0)) / HOUR);
    const sliceDays = SLICE_MS / DAY;
    for (let m = 0; m < cfg.mix.length; m++) {
      const entry = cfg.mix[m] as MixEntry;
      const [h0, h1] = PROFILE_HOURS[entry.profile];
      if (hour < h0 || hour >= h1) continue;
      const n = rng.poisson(entry.perPremisesPerDay * count * sliceDays * (24 / (h1 - h0)));
      for (let i = 0; i < n; i++) plan(m, t0 + Math.floor(rng.uniform(0, SLICE_MS)), count);
    }
    const cos = rng.poisson(cfg.changeOfSupplierPerPremisesPerDay * count * sliceDays);
    for (let i = 0; i < cos; i++) {
      const p = rng.int(count);
      const s = newRequest(cosSrv, p, t0 + Math.floor(rng.uniform(0, SLICE_MS)));
      slots.chain[s] = COS_CHAIN;
    }
  }

  function plan(m: number, at: number, count: number): void {
    const entry = cfg.mix[m] as MixEntry;
    const p = rng.int(count);
    const srv = mixSrv[m] as number;
    const s = newRequest(srv, p, at);
    if (entry.dccScheduled) {
      // A DCC-scheduled execution names its schedule (smsim: one per premises and SRV).
      slots.ref[s] = estate.device(p, Slot.ESME) * 32 + srv;
      slots.stage[s] = Stage.REQUEST;
    } else if (entry.futureDatedShare > 0 && rng.chance(entry.futureDatedShare)) {
      slots.offset[s] = Math.floor(rng.uniform(1 * HOUR, 48 * HOUR));
    }
    // Network operators read network data and profiles; Suppliers everything else.
    if (hasNetworkOperator && (SRV_CATALOGUE[srv] as SrvEntry).srv === '4.10') slots.user[s] = networkOperator;
  }

  function newRequest(srv: number, p: number, at: number): number {
    const s = slots.alloc();
    const network = estate.network[p] as number;
    // SMETS1 gas meters are DCC-enrolled devices like SMETS2 ones: they receive Service Requests too.
    const gas = estate.hasGas(p) && rng.chance(0.45);
    slots.srv[s] = srv;
    slots.premises[s] = p;
    slots.network[s] = network;
    slots.deviceSlot[s] = gas ? Slot.GSME : Slot.ESME;
    slots.user[s] = estate.user[p] as number;
    slots.stage[s] = (SRV_CATALOGUE[srv] as SrvEntry).critical ? Stage.TRANSFORM_REQUEST : Stage.REQUEST;
    slots.offset[s] = 0;
    slots.ref[s] = 0;
    slots.chain[s] = -1;
    slots.prereqDoneAt[s] = Number.NaN;
    ctx.schedule(at, Action.STEP, s);
    return s;
  }

  function step(s: number): void {
    const p = slots.premises[s] as number;
    const srv = slots.srv[s] as number;
    const network = slots.network[s] as number;
    const ds = slots.deviceSlot[s] as number;
    const device = estate.device(p, ds);
    const deviceType = SLOT_DEVICE_TYPE[ds] as number;
    const code = (SRV_CATALOGUE[srv] as SrvEntry).srv;
    const user = slots.user[s] as number;
    const now = ctx.now;
    switch (slots.stage[s]) {
      case Stage.TRANSFORM_REQUEST: {
        // Critical SRV: the DSP transforms it and returns a Pre-Command for the User to sign (CV 4, §1.1).
        const id = ctx.nextId();
        slots.transformId[s] = id;
        slots.sentAt[s] = now;
        ctx.emitEvent(EventKind.SERVICE_REQUEST, device, deviceType, network, code, id, user, 0, 0, 0);
        truth.add(EventKind.SERVICE_REQUEST, srvKey(srv, ResponseClass.TRANSFORM, network), now);
        slots.stage[s] = Stage.TRANSFORM_RESPONSE;
        ctx.schedule(now + Math.round(rng.lognormal(800, 0.4)), Action.STEP, s);
        return;
      }
      case Stage.TRANSFORM_RESPONSE: {
        const id = slots.transformId[s] as number;
        ctx.emitEvent(EventKind.SERVICE_RESPONSE, device, deviceType, network, code, id, user, Outcome.SUCCESS, 0, 0);
        const rt = now - (slots.sentAt[s] as number);
        truth.add(
          EventKind.SERVICE_RESPONSE,
          srvKey(srv, ResponseClass.TRANSFORM, network),
          now,
          rt <= (trt[ResponseClass.TRANSFORM] as number),
          false,
          -1,
        );
        slots.ref[s] = id;
        slots.stage[s] = Stage.REQUEST;
        ctx.schedule(now + Math.round(rng.uniform(1 * SECOND, 10 * SECOND)), Action.STEP, s);
        return;
      }
      case Stage.REQUEST:
        request(s, srv, p, network, device, deviceType, code, user, now);
        return;
      case Stage.RESPONSE: {
        const outcome = slots.outcome[s] as number;
        ctx.emitEvent(
          EventKind.SERVICE_RESPONSE,
          device,
          deviceType,
          network,
          code,
          slots.requestId[s] as number,
          user,
          outcome,
          slots.ref[s] as number,
          0,
        );
        const cls = slots.cls[s] as number;
        const rt = now - (slots.clockStart[s] as number);
        const userCaused = slots.userCaused[s] === 1;
        truth.add(
          EventKind.SERVICE_RESPONSE,
          srvKey(srv, cls, network),
          now,
          countsWithinTarget(rule, outcome, rt, trt[cls] as number),
          outcome !== Outcome.SUCCESS,
          userCaused ? USER_ORCHESTRATION : -1,
        );
        // A diligent Supplier sends the dependent tariff only once the CoS credentials are in.
        if (slots.chain[s] === COS_CHAIN && outcome === Outcome.SUCCESS && slots.waits[s] === 1)
          dependent(p, now + Math.round(rng.uniform(10 * SECOND, 10 * MINUTE)), Number.NaN);
        slots.free(s);
        return;
      }
      default:
        throw new RangeError(`service-requests: bad stage ${slots.stage[s]}`);
    }
  }

  function request(
    s: number,
    srv: number,
    p: number,
    network: number,
    device: number,
    deviceType: number,
    code: string,
    user: number,
    now: number,
  ): void {
    const id = ctx.nextId();
    const offset = slots.offset[s] as number;
    const ref = slots.ref[s] as number;
    const entry = SRV_CATALOGUE[srv] as SrvEntry;
    const cls =
      entry.dccScheduled && ref !== 0
        ? ResponseClass.DCC_SCHEDULED
        : offset > 0
          ? ResponseClass.FUTURE_DATED
          : entry.critical
            ? ResponseClass.CRITICAL
            : ResponseClass.ON_DEMAND;
    ctx.emitEvent(EventKind.SERVICE_REQUEST, device, deviceType, network, code, id, user, 0, ref, offset);
    truth.add(EventKind.SERVICE_REQUEST, srvKey(srv, cls, network), now);
    const clockStart = now + offset;
    const group = network >= Network.SMETS1_IOC ? 3 : network - Network.CSP_NORTH;
    const l = lat[group] as LatencyProfile;
    let rt = Math.max(50, Math.round(rng.lognormal(l.median, l.sigma)));
    // 6.23 (FD pattern "DSP & Device"): the DSP checks the new Supplier's registration first [ASSUMPTION: 2–10 s].
    if (srv === cosSrv) rt += Math.round(rng.uniform(2 * SECOND, 10 * SECOND));
    let outcome: number = rng.chance(isSmets1(network) ? cfg.failureShare.smets1 : cfg.failureShare.smets2)
      ? Outcome.FAILURE
      : Outcome.SUCCESS;
    if (rt > cfg.timeoutMs) {
      rt = cfg.timeoutMs;
      outcome = Outcome.TIMEOUT;
    }
    // A dependent SRV sent before its prerequisite completed fails at the device: the User's doing.
    const prereq = slots.prereqDoneAt[s] as number;
    let userCaused = 0;
    if (!Number.isNaN(prereq) && now < prereq) {
      outcome = Outcome.FAILURE;
      userCaused = 1;
    }
    let respondAt = clockStart + rt;
    if (outages.any) {
      const legStart = outages.upAt(network, clockStart);
      const held = outages.upAt(network, legStart + rt);
      if (held !== clockStart + rt) {
        respondAt = Math.min(held, clockStart + cfg.timeoutMs);
        if (held - clockStart > cfg.timeoutMs) {
          outcome = Outcome.TIMEOUT;
          // Not the User's doing: the device never answered.
          userCaused = 0;
        }
      }
    }
    slots.requestId[s] = id;
    slots.cls[s] = cls;
    slots.clockStart[s] = clockStart;
    slots.outcome[s] = outcome;
    slots.userCaused[s] = userCaused;
    slots.stage[s] = Stage.RESPONSE;
    ctx.schedule(respondAt, Action.STEP, s);
    if (slots.chain[s] === COS_CHAIN) {
      const hasty = rng.chance(ignores[user - 1] ?? 0);
      slots.waits[s] = hasty ? 0 : 1;
      // A hasty Supplier fires the dependent 1.1.1 straight after the 6.23.
      if (hasty) dependent(p, now + Math.round(rng.uniform(1 * SECOND, 5 * SECOND)), respondAt);
    }
  }

  function dependent(p: number, at: number, prereqDoneAt: number): void {
    const s = newRequest(tariffSrv, p, at);
    slots.prereqDoneAt[s] = prereqDoneAt;
  }
}
