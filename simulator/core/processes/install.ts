import { EventKind, INCIDENT_NO_SM_WAN, Network, Outcome, Srv } from '../domain/vocabulary.js';
import { INSTALL_WINDOW_MS } from '../domain/metrics/install-metrics.js';
import type { MetricTable } from '../domain/metrics/metric-table.js';
import { IncidentLedger } from '../domain/metrics/incident-metrics.js';
import { incidentTargetsOf, networkResolver, type IncidentTargets } from '../domain/incident-targets.js';
import { SrvCounters, srvKey } from '../domain/metrics/srv-metrics.js';
import { ResponseClass, srvIndex } from '../domain/srv-catalogue.js';
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
  const shardShare = estate.initialCount / scenario.estate.premises;
  const t = new InstallTruth();
  /** The 8.14.x requests as Users experienced them, for the SRV measures (R1). */
  const srvTruth = new SrvCounters();

  const request = (
    srv: string,
    premises: number,
    slot: number,
    user: number,
    network: number,
    responseDelayMs: number,
    outcome: number,
  ): void => {
    const id = ctx.nextId();
    const device = estate.device(premises, slot);
    const deviceType = SLOT_DEVICE_TYPE[slot] as number;
    ctx.emit({ kind: EventKind.SERVICE_REQUEST, timeMs: 0, code: srv, requestId: id, user, device, deviceType, network });
    ctx.emitAt(ctx.now + Math.round(responseDelayMs), {
      kind: EventKind.SERVICE_RESPONSE,
      timeMs: 0,
      code: srv,
      requestId: id,
      user,
      device,
      deviceType,
      network,
      outcome,
    });
  };

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
          if (incidentId !== 0) {
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
      addNoWanIncidentTruth(t, out, asOfMs, incidentTargets);
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
    if (rng.chance(reporting.raisesNoWanIncident)) {
      incidentId = ctx.nextId();
      incidentAt = installAt + Math.round(rng.uniform(30 * MINUTE, 4 * HOUR));
      ctx.emitAt(incidentAt, {
        kind: EventKind.INCIDENT_RAISED,
        timeMs: 0,
        code: INCIDENT_NO_SM_WAN,
        requestId: incidentId,
        value: NO_WAN_INCIDENT_CATEGORY,
        device: estate.device(p, Slot.CH),
        deviceType: SLOT_DEVICE_TYPE[Slot.CH] as number,
        network,
        user,
        resolverGroup: networkResolver(network),
      });
    }
    t.incidentAt.push(incidentAt);
    const u = rng.next();
    let wanAt = Number.POSITIVE_INFINITY;
    if (u < cfg.wanLaterWithin90Days) wanAt = installAt + Math.round(rng.uniform(1 * DAY, INSTALL_WINDOW_MS));
    else if (u < cfg.wanLaterWithin90Days + cfg.wanLaterAfter90Days)
      wanAt = installAt + INSTALL_WINDOW_MS + 1 + Math.round(rng.uniform(0, 180 * DAY));
    // The incident is closed when the WAN appears, so it must be raised first.
    if (Number.isFinite(incidentAt) && wanAt <= incidentAt) wanAt = incidentAt + 1;
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

  /** 8.1.1 Commission Device for each meter behind the CH, over the SM WAN. */
  function commission(p: number): void {
    const network = estate.network[p] as number;
    const user = estate.user[p] as number;
    const meters = estate.hasGas(p) ? [Slot.ESME, Slot.GSME] : [Slot.ESME];
    for (const slot of meters) {
      const ok = rng.chance(cfg.commissionSuccess);
      request(Srv.COMMISSION_DEVICE, p, slot, user, network, rng.lognormal(4 * SECOND, 0.5), ok ? Outcome.SUCCESS : Outcome.FAILURE);
    }
  }
}

/**
 * The no-WAN incidents as incidents (R5): raised at incidentAt, closed when the WAN appears. An
 * outage can delay the close event past wanAt; truth keeps wanAt (what the CH experienced).
 */
function addNoWanIncidentTruth(t: InstallTruth, out: MetricTable, asOfMs: number, targets: IncidentTargets): void {
  const ledger = new IncidentLedger(targets);
  for (let i = 0; i < t.premises.length; i++) {
    const at = t.incidentAt[i] as number;
    if (!Number.isFinite(at)) continue;
    const network = t.network[i] as number;
    const key = `${i}`;
    ledger.add(EventKind.INCIDENT_RAISED, key, at, NO_WAN_INCIDENT_CATEGORY, network, networkResolver(network));
    const wanAt = t.wanAt[i] as number;
    if (Number.isFinite(wanAt))
      ledger.add(EventKind.INCIDENT_CLOSED, key, wanAt, NO_WAN_INCIDENT_CATEGORY, network, networkResolver(network));
  }
  ledger.report(out, asOfMs);
}
