import { EventKind, INCIDENT_NO_SM_WAN, Network, Outcome, Srv } from '../domain/vocabulary.js';
import { INSTALL_WINDOW_MS } from '../domain/metrics/install-metrics.js';
import type { MetricTable } from '../domain/metrics/metric-table.js';
import { IncidentLedger } from '../domain/metrics/incident-metrics.js';
import {
  DEFAULT_RESOLVED_WITHIN_TARGET,
  DEFAULT_RESPONDED_WITHIN_TARGET,
  incidentTargetsOf,
  networkResolver,
  responseTargetsOf,
  type IncidentTargets,
} from '../domain/incident-targets.js';
import { countsWithinTarget, isFailure, SrvCounters, srvKey } from '../domain/metrics/srv-metrics.js';
import { ResponseClass, srvIndex, trtByClass } from '../domain/srv-catalogue.js';
import { GB_FAILURE_SHARE } from '../domain/traffic-defaults.js';
import { incidentTimeline } from './incidents.js';
import { SLOT_DEVICE_TYPE, Slot } from '../estate.js';
import type { ResolvedInstalls, ResolvedScenario } from '../scenario/resolve.js';
import type { BusinessProcess, SimContext } from '../sim-context.js';
import { InstallTruth, installTruthOf } from './install-truth.js';
import { DAY, HOUR, MINUTE, SECOND, ukMidnight, ukWeekday } from '../time.js';

const Action = { DAY_START: 0, VISIT: 1, COMMISSION: 2, WAN_UP: 3 } as const;

/** Incident Category of a no-WAN incident [ASSUMPTION: a single-premises fault, category 4]. */
const NO_WAN_INCIDENT_CATEGORY = 4;

/**
 * SMETS2 Communications Hub installs (R2, docs/domain.md §1.3): a site visit per install; 8.14.3
 * when the first CH is faulty, 8.14.4 for a spare returned unused; 8.14.1 and commissioning
 * (8.1.1) when SM WAN is there; install & leave otherwise, reported with 8.14.2, with a no-WAN
 * Incident (CR1429), or not at all, depending on the Service User; the WAN appears later within
 * the 90-day window, after it, or never.
 */
export function createInstallProcess(ctx: SimContext, cfg: ResolvedInstalls): BusinessProcess {
  const rng = ctx.rng('installs');
  const { scenario, estate, sampler } = ctx;
  const incidentTargets = incidentTargetsOf(scenario.incidents);
  const responseTargets = responseTargetsOf(scenario.incidents);
  // A no-WAN Incident follows the Category 4 incident process of the scenario (or its defaults).
  const noWanResolvedShare = (scenario.incidents?.withinTarget[NO_WAN_INCIDENT_CATEGORY] ?? DEFAULT_RESOLVED_WITHIN_TARGET.cat4) as number;
  const noWanRespondedShare = (scenario.incidents?.respondedWithinTarget[NO_WAN_INCIDENT_CATEGORY] ??
    DEFAULT_RESPONDED_WITHIN_TARGET.cat4) as number;
  const trt = trtByClass(scenario.metrics.trt);
  const shardShare = estate.initialCount / scenario.estate.premises;
  const t = new InstallTruth();
  /** The 8.14.x requests as Users experienced them, for the SRV measures (R1). */
  const srvTruth = new SrvCounters();

  return {
    name: 'installs',
    start() {
      ctx.schedule(scenario.startMs, Action.DAY_START, ukMidnight(scenario.startMs));
    },
    handle(action, a, b) {
      switch (action) {
        case Action.DAY_START: {
          const next = ukMidnight(a + DAY + 2 * HOUR);
          ctx.schedule(Math.max(next, ctx.now), Action.DAY_START, next);
          const weekday = ukWeekday(a + 12 * HOUR);
          const factor = weekday === 0 || weekday === 6 ? cfg.weekendFactor : 1;
          const n = rng.poisson(cfg.perDay * shardShare * factor);
          // Installers work 08:00–18:00 local time.
          for (let i = 0; i < n; i++) {
            const at = a + 8 * HOUR + Math.floor(rng.uniform(0, 10 * HOUR));
            if (at >= ctx.now) ctx.schedule(at, Action.VISIT);
          }
          break;
        }
        case Action.VISIT:
          visit();
          break;
        case Action.COMMISSION:
          // No commissioning over the SM WAN while the region's end-to-end service is down (R6).
          if (deferForOutage(action, a, b)) break;
          commission(a);
          break;
        case Action.WAN_UP: {
          if (deferForOutage(action, a, b)) break;
          commission(a);
          const incidentId = b;
          if (incidentId !== 0 && cfg.noWanIncidentClosure === 'wanConnected') {
            const network = estate.network[a] as number;
            ctx.emit({
              kind: EventKind.INCIDENT_CLOSED,
              timeMs: 0,
              code: INCIDENT_NO_SM_WAN,
              requestId: incidentId,
              value: NO_WAN_INCIDENT_CATEGORY,
              device: estate.device(a, Slot.CH),
              deviceType: SLOT_DEVICE_TYPE[Slot.CH] as number,
              network,
              user: estate.user[a] as number,
              resolverGroup: networkResolver(network),
            });
          }
          break;
        }
        default:
          throw new RangeError(`installs: unknown action ${action}`);
      }
    },
    truth(out, asOfMs) {
      installTruthOf(t, asOfMs).report(out, asOfMs);
      addNoWanIncidentTruth(t, out, asOfMs, incidentTargets, responseTargets);
      srvTruth.report(out);
    },
  };

  function visit(): void {
    const network = sampler.region(rng);
    const flags = sampler.flags(rng);
    const user = sampler.user(rng);
    const p = estate.add(network, flags, user);
    const reporting = (scenario.serviceUsers[user - 1] as ResolvedScenario['serviceUsers'][number]).installReporting;
    const t0 = ctx.now;
    t.premises.push(p);
    t.network.push(network);

    let faultAt = Number.NaN;
    if (rng.chance(cfg.faultReturnShare)) {
      faultAt = t0 + Math.round(rng.uniform(5 * MINUTE, 20 * MINUTE));
      nonDevice(faultAt, Srv.CH_FAULT_RETURN, p, Slot.FAULTY_CH, user, network);
    }
    t.faultReturnAt.push(faultAt);
    const installAt = t0 + Math.round(rng.uniform(20 * MINUTE, 60 * MINUTE));
    t.installAt.push(installAt);
    for (let slot: number = Slot.CH; slot <= Slot.PPMID; slot++) {
      if ((slot === Slot.GSME || slot === Slot.GPF) && !estate.hasGas(p)) continue;
      if (slot === Slot.PPMID && !estate.hasPpmid(p)) continue;
      ctx.emitAt(installAt, {
        kind: EventKind.INVENTORY,
        timeMs: 0,
        device: estate.device(p, slot),
        deviceType: SLOT_DEVICE_TYPE[slot] as number,
        network,
        code: 'SMETS2',
        ref: slot === Slot.CH ? 0 : estate.device(p, Slot.CH),
        user,
      });
    }
    let noFaultAt = Number.NaN;
    if (rng.chance(cfg.noFaultReturnShare)) {
      noFaultAt = installAt + Math.round(rng.uniform(1 * MINUTE, 10 * MINUTE));
      nonDevice(noFaultAt, Srv.CH_NO_FAULT_RETURN, p, Slot.RETURNED_CH, user, network);
    }
    t.noFaultReturnAt.push(noFaultAt);

    const regionIndex = network - Network.CSP_NORTH;
    const noWanP = [cfg.noWanAtInstall.north, cfg.noWanAtInstall.central, cfg.noWanAtInstall.south][regionIndex] as number;
    const reportAt = installAt + Math.round(rng.uniform(1 * MINUTE, 15 * MINUTE));
    if (!rng.chance(noWanP)) {
      t.wanAtInstall.push(true);
      t.wanAt.push(installAt);
      const sends = rng.chance(reporting.sends8141);
      t.reported.push(sends);
      t.incidentAt.push(Number.NaN);
      t.incidentRespondedAt.push(Number.NaN);
      t.incidentClosedAt.push(Number.NaN);
      if (sends) nonDevice(reportAt, Srv.CH_INSTALL_SUCCESS, p, Slot.CH, user, network);
      ctx.schedule(installAt + Math.round(rng.uniform(15 * MINUTE, 45 * MINUTE)), Action.COMMISSION, p);
      return;
    }
    // Install & Leave.
    t.wanAtInstall.push(false);
    const sends = rng.chance(reporting.sends8142);
    t.reported.push(sends);
    if (sends) nonDevice(reportAt, Srv.CH_INSTALL_NO_SM_WAN, p, Slot.CH, user, network);
    let incidentId = 0;
    let incidentAt = Number.NaN;
    let respondAt = Number.NaN;
    let closeAt = Number.NaN;
    const incident = {
      timeMs: 0,
      code: INCIDENT_NO_SM_WAN,
      value: NO_WAN_INCIDENT_CATEGORY,
      device: estate.device(p, Slot.CH),
      deviceType: SLOT_DEVICE_TYPE[Slot.CH] as number,
      network,
      user,
      resolverGroup: networkResolver(network),
    };
    if (rng.chance(reporting.raisesNoWanIncident)) {
      incidentId = ctx.nextId();
      incidentAt = installAt + Math.round(rng.uniform(30 * MINUTE, 4 * HOUR));
      const timeline = incidentTimeline(
        rng,
        incidentTargets,
        responseTargets,
        NO_WAN_INCIDENT_CATEGORY,
        incidentAt,
        noWanResolvedShare,
        noWanRespondedShare,
      );
      respondAt = timeline.respondAt;
      ctx.emitAt(incidentAt, { kind: EventKind.INCIDENT_RAISED, requestId: incidentId, ...incident });
      ctx.emitAt(respondAt, { kind: EventKind.INCIDENT_RESPONDED, requestId: incidentId, ...incident });
      if (cfg.noWanIncidentClosure === 'incidentProcess') {
        closeAt = timeline.closeAt;
        ctx.emitAt(closeAt, { kind: EventKind.INCIDENT_CLOSED, requestId: incidentId, ...incident });
      }
    }
    t.incidentAt.push(incidentAt);
    t.incidentRespondedAt.push(respondAt);
    const u = rng.next();
    let wanAt = Number.POSITIVE_INFINITY;
    if (u < cfg.wanLaterWithin90Days) wanAt = installAt + Math.round(rng.uniform(1 * DAY, INSTALL_WINDOW_MS));
    else if (u < cfg.wanLaterWithin90Days + cfg.wanLaterAfter90Days)
      wanAt = installAt + INSTALL_WINDOW_MS + 1 + Math.round(rng.uniform(0, 180 * DAY));
    if (Number.isFinite(incidentAt) && cfg.noWanIncidentClosure === 'wanConnected') {
      // The incident is closed when the WAN appears, so it must be raised (and responded to) first.
      if (wanAt <= respondAt) wanAt = respondAt + 1;
      closeAt = wanAt;
    }
    t.incidentClosedAt.push(closeAt);
    t.wanAt.push(wanAt);
    if (Number.isFinite(wanAt)) ctx.schedule(wanAt, Action.WAN_UP, p, incidentId);
  }

  /** Re-schedules an action for premises `p` to when its network is up again; true if deferred. */
  function deferForOutage(action: number, p: number, b: number): boolean {
    const network = estate.network[p] as number;
    const upAt = ctx.outages.nextUpTime(network, ctx.now);
    if (upAt === ctx.now) return false;
    ctx.schedule(upAt, action, p, b);
    return true;
  }

  /** A Non-Device 8.14.x request and its response (DSP answers in well under a second). */
  function nonDevice(at: number, srv: string, p: number, slot: number, user: number, network: number): void {
    const id = ctx.nextId();
    const device = estate.device(p, slot);
    const deviceType = SLOT_DEVICE_TYPE[slot] as number;
    ctx.emitAt(at, { kind: EventKind.SERVICE_REQUEST, timeMs: 0, code: srv, requestId: id, user, device, deviceType, network });
    const respondAt = at + Math.round(rng.uniform(200, 1500));
    ctx.emitAt(respondAt, {
      kind: EventKind.SERVICE_RESPONSE,
      timeMs: 0,
      code: srv,
      requestId: id,
      user,
      device,
      deviceType,
      network,
      outcome: Outcome.SUCCESS,
    });
    const key = srvKey(srvIndex(srv), ResponseClass.NON_DEVICE, network);
    if (at <= scenario.endMs) srvTruth.add(EventKind.SERVICE_REQUEST, key, at);
    if (respondAt <= scenario.endMs)
      srvTruth.add(EventKind.SERVICE_RESPONSE, key, respondAt, respondAt - at <= scenario.metrics.trt.nonDevice);
  }

  /**
   * Commissioning over the SM WAN (docs/domain.md §1.3), for each meter behind the CH: 8.11 Update
   * HAN Device Log to the CH, then 8.1.1 Commission Device, a critical SRV: its Transform request
   * (Pre-Command returned to the User) and the Signed Pre-Command (`ref` = the Transform).
   */
  function commission(p: number): void {
    const network = estate.network[p] as number;
    const user = estate.user[p] as number;
    const meters = estate.hasGas(p) ? [Slot.ESME, Slot.GSME] : [Slot.ESME];
    let at = ctx.now;
    for (const slot of meters) {
      const hanOk = !rng.chance(GB_FAILURE_SHARE.smets2);
      at = timed(
        at,
        Srv.UPDATE_HAN_DEVICE_LOG,
        p,
        Slot.CH,
        user,
        network,
        0,
        ResponseClass.ON_DEMAND,
        rng.lognormal(4 * SECOND, 0.5),
        hanOk,
      );
      if (!hanOk) continue;
      at += Math.round(rng.uniform(1 * SECOND, 5 * SECOND));
      const transformId = ctx.nextId();
      at = timed(at, Srv.COMMISSION_DEVICE, p, slot, user, network, 0, ResponseClass.TRANSFORM, rng.lognormal(800, 0.4), true, transformId);
      at += Math.round(rng.uniform(1 * SECOND, 10 * SECOND));
      const ok = rng.chance(cfg.commissionSuccess);
      at = timed(
        at,
        Srv.COMMISSION_DEVICE,
        p,
        slot,
        user,
        network,
        transformId,
        ResponseClass.CRITICAL,
        rng.lognormal(4 * SECOND, 0.5),
        ok,
      );
    }
  }

  /** A device request at `at` and its response `delayMs` later, observed and in truth; returns the response time. */
  function timed(
    at: number,
    srv: string,
    p: number,
    slot: number,
    user: number,
    network: number,
    ref: number,
    cls: number,
    delayMs: number,
    ok: boolean,
    id = ctx.nextId(),
  ): number {
    const device = estate.device(p, slot);
    const deviceType = SLOT_DEVICE_TYPE[slot] as number;
    const respondAt = at + Math.round(delayMs);
    const outcome = ok ? Outcome.SUCCESS : Outcome.FAILURE;
    const common = { timeMs: 0, code: srv, requestId: id, user, device, deviceType, network, ref };
    ctx.emitAt(at, { kind: EventKind.SERVICE_REQUEST, ...common });
    ctx.emitAt(respondAt, { kind: EventKind.SERVICE_RESPONSE, ...common, outcome });
    const key = srvKey(srvIndex(srv), cls, network);
    if (at <= scenario.endMs) srvTruth.add(EventKind.SERVICE_REQUEST, key, at);
    if (respondAt <= scenario.endMs)
      srvTruth.add(
        EventKind.SERVICE_RESPONSE,
        key,
        respondAt,
        countsWithinTarget(scenario.metrics.withinTargetRule, outcome, respondAt - at, trt[cls] as number),
        isFailure(outcome),
      );
    return respondAt;
  }
}

/**
 * The no-WAN incidents as incidents (R5): raised at incidentAt, responded to and closed by the
 * incident process, or (`wanConnected`) closed when the WAN appears. An outage can delay that
 * close event past wanAt; truth keeps wanAt (what the CH experienced).
 */
function addNoWanIncidentTruth(
  t: InstallTruth,
  out: MetricTable,
  asOfMs: number,
  targets: IncidentTargets,
  responseTargets: IncidentTargets,
): void {
  const ledger = new IncidentLedger(targets, responseTargets);
  for (let i = 0; i < t.premises.length; i++) {
    const at = t.incidentAt[i] as number;
    if (!Number.isFinite(at)) continue;
    const network = t.network[i] as number;
    const key = `${i}`;
    const resolver = networkResolver(network);
    ledger.add(EventKind.INCIDENT_RAISED, key, at, NO_WAN_INCIDENT_CATEGORY, network, resolver);
    ledger.add(EventKind.INCIDENT_RESPONDED, key, t.incidentRespondedAt[i] as number, NO_WAN_INCIDENT_CATEGORY, network, resolver);
    const closedAt = t.incidentClosedAt[i] as number;
    if (Number.isFinite(closedAt)) ledger.add(EventKind.INCIDENT_CLOSED, key, closedAt, NO_WAN_INCIDENT_CATEGORY, network, resolver);
  }
  ledger.report(out, asOfMs);
}
