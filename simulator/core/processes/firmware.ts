import { AlertCounters } from '../domain/metrics/alert-metrics.js';
import {
  campaignLabel,
  FirmwareFigures,
  newChImageRecord,
  newTargetRecord,
  NotMeasurableReason,
  type TargetRecord,
} from '../domain/metrics/firmware-figures.js';
import type { MetricTable } from '../domain/metrics/metric-table.js';
import { countsWithinTarget, isFailure, SrvCounters, srvKey } from '../domain/metrics/srv-metrics.js';
import { responseClassOf, SRV_CATALOGUE, type SrvEntry, srvIndex, trtByClass } from '../domain/srv-catalogue.js';
import {
  DeviceType,
  EventKind,
  FirmwareAlert,
  INVENTORY_FIRMWARE_SHIFT,
  isSmets1,
  ModelCapability,
  Network,
  Outcome,
  Srv,
} from '../domain/vocabulary.js';
import { MODEL_SLOTS, PremisesFlag, SLOT_DEVICE_TYPE, Slot } from '../estate.js';
import { cumulative } from '../rng.js';
import type { ResolvedFirmware, ResolvedFirmwareCampaign } from '../scenario/resolve-firmware.js';
import type { BusinessProcess, SimContext } from '../sim-context.js';
import { MINUTE, SECOND } from '../time.js';

const Action = {
  CAMPAIGN: 0,
  SUBMIT: 1,
  WAN: 2,
  HAN: 3,
  ACTIVATE: 4,
  EXECUTE: 5,
  PPMID_ACTIVATE: 6,
  READ_BACK: 7,
  CH_ACTIVATE: 8,
} as const;

/** Model slot → premises slot (estate.ts MODEL_SLOTS order: CH, ESME, GSME, PPMID). */
const MODEL_SLOT_SLOT = [Slot.CH, Slot.ESME, Slot.GSME, Slot.PPMID] as const;
const DEVICE_TYPE_MODEL_SLOT: Readonly<Record<number, number>> = {
  [DeviceType.CH]: 0,
  [DeviceType.ESME]: 1,
  [DeviceType.GSME]: 2,
  [DeviceType.PPMID]: 3,
};
/** Spread of the WAN and HAN delivery times around their medians (log-normal shape) [ASSUMPTION]. */
const DELAY_SIGMA = 0.6;
const REQUEST_ID_SHARD_STRIDE = 2 ** 32;

/** One (campaign, target device): where it is, what it can do, and its truth record. */
interface Target {
  readonly rec: TargetRecord;
  readonly campaign: number;
  readonly premises: number;
  readonly modelSlot: number;
  readonly acks: boolean;
  readonly futureDated: boolean;
  /** The device is unreachable (WAN and HAN) until this time. */
  readonly offlineUntil: number;
  requestId: number;
}

/**
 * Firmware management (MP122B R3; docs/domain.md §1.4–1.7). Three routes:
 *
 * - SMETS2 meters and PPMIDs: a campaign lists its targets in many 11.1 requests (11.4 for SMETS2
 *   PPMIDs, SECMP0007); the DSP validates each; the CSP delivers the image to the CH over the
 *   WAN, telling the User with DCC Alert N60 / N61 for ESME / GSME only; the CH passes it over the
 *   HAN (CS05b / CS05c) and the device acknowledges with the Firmware Distribution Receipt Alert
 *   (0x8F72 / 0x8F1C) or, for PPMIDs, the CH's CCS08 (0x8F8A / 0x8F89). The Service User then
 *   sends 11.3, immediate or future-dated (0x8F66 / 0x8F67), and confirms with 11.2; a PPMID
 *   activates by itself and raises CS09.
 * - SMETS1 devices (PPMIDs included: SECMP0007 "is only applicable to SMETS2 Devices"): 11.1
 *   through the DSP to the SMETS1 SP, which delivers and reports each device's distribution
 *   status when its data exists (CR1440; `smets1SpData`), for a model that cannot acknowledge
 *   (IOC/MDS PPMIDs) only to the comms hub; no GBCS alerts, no N60 / N61. The Service User
 *   activates with 11.3 on its own timetable.
 * - Communications Hubs: "sent directly on the CSP and SMETS1 Service Provider networks", no
 *   11.1 / 11.3: the Service Provider delivers and activates the image itself, and the DCC sees
 *   only the activation (the inventory's firmware version).
 *
 * Whatever no network reports, the truth still knows. The alerts this process raises are kept in
 * the alert truth (R4) as well, so that no alert on the wire is missing from it.
 */
export function createFirmwareProcess(ctx: SimContext, cfg: ResolvedFirmware): BusinessProcess {
  const rng = ctx.rng('firmware');
  const modelRng = ctx.rng('models');
  const { estate } = ctx;
  const targets: Target[] = [];
  /** The 11.x requests as Users experienced them, for the SRV measures (R1), as install.ts does for 8.14.x. */
  const srvTruth = new SrvCounters();
  /** The alerts this process puts on the wire, as R4 counts them (alerts.ts keeps the rest). */
  const alertTruth = new AlertCounters();
  const alertTrt = ctx.scenario.metrics.trt.alert;
  const srvTrt = trtByClass(ctx.scenario.metrics.trt);
  /** Per campaign, per (Service User, SMETS generation): targets, as each list goes in its own requests. */
  const campaignTargets: number[][][] = cfg.campaigns.map(() => []);
  const models = cfg.deviceModels;
  const capsOf = models.map(
    (m) => (m.acksImage ? 0 : ModelCapability.NO_IMAGE_ACK) | (m.futureDatedActivation ? 0 : ModelCapability.NO_FUTURE_DATED_ACTIVATION),
  );
  // Cumulative model weights per (model slot, network): built once, no per-device allocation.
  const pick: Array<Array<{ idx: number[]; cum: Float64Array }>> = [];
  for (let k = 0; k < MODEL_SLOTS; k++) {
    pick.push([]);
    const type = SLOT_DEVICE_TYPE[MODEL_SLOT_SLOT[k] as number] as number;
    for (let net = 0; net <= Network.SMETS1_FOC; net++) {
      const idx: number[] = [];
      models.forEach((m, i) => {
        if (m.deviceType === type && m.share > 0 && m.networks.includes(net)) idx.push(i);
      });
      (pick[k] as Array<{ idx: number[]; cum: Float64Array }>).push({
        idx,
        cum: cumulative(idx.map((i) => (models[i] as { share: number }).share)),
      });
    }
  }

  return {
    name: 'firmware',
    start() {
      cfg.campaigns.forEach((c, i) => {
        ctx.schedule(Math.max(c.startMs, ctx.scenario.startMs), Action.CAMPAIGN, i);
      });
    },
    handle(action, a, b) {
      switch (action) {
        case Action.CAMPAIGN:
          return startCampaign(a);
        case Action.SUBMIT:
          return submit(a, b);
        case Action.WAN:
          return wan(a, b);
        case Action.HAN:
          return han(a, b);
        case Action.ACTIVATE:
          return activate(a);
        case Action.EXECUTE:
          return execute(a, b);
        case Action.PPMID_ACTIVATE:
          return ppmidActivate(a);
        case Action.READ_BACK:
          return readBack(a);
        case Action.CH_ACTIVATE:
          return chActivate(a);
        default:
          throw new RangeError(`firmware: unknown action ${action}`);
      }
    },
    truth(out: MetricTable, asOfMs: number) {
      const figures = new FirmwareFigures();
      for (const t of targets) figures.add(t.rec);
      figures.report(out, asOfMs);
      srvTruth.report(out);
      alertTruth.report(out);
    },
  };

  /**
   * SRV truth for one request and its response, classed by the catalogue like the SRV family
   * classes what it observes. A response after the run's end is never emitted, so not counted.
   */
  function srvTruthOf(code: string, network: number, ref: number, offsetMs: number, responseAt: number, outcome: number): void {
    const srv = srvIndex(code);
    const cls = responseClassOf(SRV_CATALOGUE[srv] as SrvEntry, ref, offsetMs);
    const key = srvKey(srv, cls, network);
    srvTruth.add(EventKind.SERVICE_REQUEST, key, ctx.now);
    if (responseAt > ctx.scenario.endMs) return;
    const within = countsWithinTarget(
      ctx.scenario.metrics.withinTargetRule,
      outcome,
      responseAt - (ctx.now + Math.max(0, offsetMs)),
      srvTrt[cls] as number,
    );
    srvTruth.add(EventKind.SERVICE_RESPONSE, key, responseAt, within, isFailure(outcome));
  }

  /** Draws the device models of a premises once, from the process's own substream. */
  function ensureModels(p: number): void {
    const base = p * MODEL_SLOTS;
    if (estate.models[base] !== 0) return;
    const net = estate.network[p] as number;
    for (let k = 0; k < MODEL_SLOTS; k++) {
      const choice = (pick[k] as Array<{ idx: number[]; cum: Float64Array }>)[net] as { idx: number[]; cum: Float64Array };
      // resolveFirmware guarantees a model for every (type, network); 0 only if shares are all 0.
      estate.models[base + k] = choice.idx.length === 0 ? 1 : (choice.idx[modelRng.pickCumulative(choice.cum)] as number) + 1;
    }
    if (modelRng.chance(cfg.chPpmidFirmwareShare)) estate.flags[p] = (estate.flags[p] as number) | PremisesFlag.CH_PPMID_FIRMWARE;
  }

  function startCampaign(c: number): void {
    const camp = cfg.campaigns[c] as ResolvedFirmwareCampaign;
    const k = DEVICE_TYPE_MODEL_SLOT[camp.deviceType] as number;
    const slot = MODEL_SLOT_SLOT[k] as number;
    const perUser = campaignTargets[c] as number[][];
    for (let p = 0; p < estate.count; p++) {
      if (slot === Slot.GSME && !estate.hasGas(p)) continue;
      if (slot === Slot.PPMID && !estate.hasPpmid(p)) continue;
      const net = estate.network[p] as number;
      if (!camp.networks.includes(net)) continue;
      ensureModels(p);
      const modelIndex = (estate.models[p * MODEL_SLOTS + k] as number) - 1;
      const model = models[modelIndex] as { name: string; acksImage: boolean; futureDatedActivation: boolean };
      if (camp.models !== null && !camp.models.includes(model.name)) continue;
      if (!rng.chance(camp.targetShare)) continue;
      const offline = rng.chance(cfg.offlineShare);
      const offlineUntil = offline ? ctx.now + Math.round(rng.exponential(cfg.offlineMeanMs)) : 0;
      if (slot === Slot.CH) {
        // The CSP / SMETS1 SP rolls the image out over its own network through the submission period.
        const t: Target = {
          rec: newChImageRecord(camp.firmwareVersion, net, model.name),
          campaign: c,
          premises: p,
          modelSlot: k,
          acks: false,
          futureDated: false,
          offlineUntil,
          requestId: 0,
        };
        targets.push(t);
        ctx.schedule(ctx.now + MINUTE + Math.floor(rng.uniform(0, camp.submitOverMs)), Action.WAN, targets.length - 1, 1);
        continue;
      }
      // The truth always knows whether the HAN received the image: nothing is "not measurable" here.
      const rec = newTargetRecord(
        campaignLabel(camp.firmwareVersion),
        camp.deviceType,
        net,
        model.name,
        0,
        camp.firmwareVersion,
        Number.NaN,
        NotMeasurableReason.NONE,
      );
      const t: Target = {
        rec,
        campaign: c,
        premises: p,
        modelSlot: k,
        acks: model.acksImage,
        futureDated: model.futureDatedActivation,
        offlineUntil,
        requestId: 0,
      };
      const user = estate.user[p] as number;
      const list = user * 2 + (isSmets1(net) ? 1 : 0);
      while (perUser.length <= list) perUser.push([]);
      (perUser[list] as number[]).push(targets.length);
      targets.push(t);
      // What the DCC inventory holds for the target (model, capabilities): the pipeline's only
      // source for "this device cannot acknowledge".
      const ppmidCh = slot === Slot.PPMID && !isSmets1(net) && ((estate.flags[p] as number) & PremisesFlag.CH_PPMID_FIRMWARE) === 0;
      // Through the queue, one event at a time: a burst this size would overflow the batch builder.
      ctx.emitAt(ctx.now, {
        kind: EventKind.INVENTORY,
        timeMs: 0,
        device: estate.device(p, slot),
        deviceType: camp.deviceType,
        network: net,
        user,
        code: model.name,
        ref: isSmets1(net) ? 0 : estate.device(p, Slot.CH),
        value: (capsOf[modelIndex] as number) | (ppmidCh ? ModelCapability.CH_NO_PPMID_FIRMWARE : 0),
      });
    }
    // Each Service User sends its own DeviceIDLists, SMETS1 and SMETS2 apart, spread over the submission period.
    let requests = 0;
    for (const list of perUser) requests += Math.ceil(list.length / camp.requestSize);
    let r = 0;
    perUser.forEach((list, li) => {
      for (let first = 0; first < list.length; first += camp.requestSize) {
        const at = ctx.now + MINUTE + Math.floor((camp.submitOverMs * r) / Math.max(1, requests));
        ctx.schedule(at, Action.SUBMIT, c, li * 1_000_000 + first / camp.requestSize);
        r++;
      }
    });
  }

  function submit(c: number, key: number): void {
    const camp = cfg.campaigns[c] as ResolvedFirmwareCampaign;
    const li = Math.floor(key / 1_000_000);
    const user = Math.floor(li / 2);
    const smets1 = li % 2 === 1;
    const first = (key % 1_000_000) * camp.requestSize;
    const list = ((campaignTargets[c] as number[][])[li] as number[]).slice(first, first + camp.requestSize);
    // 11.4 is SECMP0007's, "only applicable to SMETS2 Devices": a SMETS1 PPMID's image goes in an 11.1.
    const srv = camp.deviceType === DeviceType.PPMID && !smets1 ? Srv.UPDATE_PPMID_FIRMWARE : Srv.UPDATE_FIRMWARE;
    // Unique across streams: a rejection (one Service Response for the whole DeviceIDList) must
    // find its devices in a pipeline that merges every shard's stream.
    const requestId = (ctx.shard + 1) * REQUEST_ID_SHARD_STRIDE + ctx.nextId();
    ctx.emit({ kind: EventKind.SERVICE_REQUEST, timeMs: 0, code: srv, requestId, user, ref: camp.firmwareVersion });
    const listedAt = ctx.now;
    for (const ti of list) {
      const t = targets[ti] as Target;
      const slot = MODEL_SLOT_SLOT[t.modelSlot] as number;
      t.rec.listedAt = listedAt;
      t.rec.requestId = requestId;
      t.requestId = requestId;
      ctx.emitAt(ctx.now, {
        kind: EventKind.DEVICE_LIST_ENTRY,
        timeMs: 0,
        code: srv,
        requestId,
        user,
        ref: camp.firmwareVersion,
        device: estate.device(t.premises, slot),
        deviceType: t.rec.deviceType,
        network: t.rec.network,
      });
    }
    // The Service Response to a Non-Device 11.1 / 11.4 is the DSP's validation verdict, given in
    // seconds (the image's delivery is followed by alerts, over days): within the Non-Device TRT
    // except for a slow tail [ASSUMPTION].
    const responseAt = ctx.now + Math.round(rng.lognormal(2 * SECOND, 0.6));
    const rejected = rng.chance(cfg.dspRejectShare);
    ctx.emitAt(responseAt, {
      kind: EventKind.SERVICE_RESPONSE,
      timeMs: 0,
      code: srv,
      requestId,
      user,
      ref: camp.firmwareVersion,
      outcome: rejected ? Outcome.REJECTED : Outcome.SUCCESS,
    });
    srvTruthOf(srv, 0, camp.firmwareVersion, 0, responseAt, rejected ? Outcome.REJECTED : Outcome.SUCCESS);
    for (const ti of list) {
      const t = targets[ti] as Target;
      if (rejected) {
        t.rec.rejectedAt = responseAt;
        continue;
      }
      ctx.schedule(responseAt + Math.round(rng.lognormal(cfg.wanDelayMedianMs, DELAY_SIGMA)), Action.WAN, ti, 1);
      // No acknowledgement will come for a SMETS1 device or a model that cannot send one: the
      // Service User activates on its own timetable (R3 interim: "report 11.3 Activate only").
      if (smets1 || (t.rec.deviceType !== DeviceType.PPMID && !t.acks)) ctx.schedule(listedAt + camp.activateAfterMs, Action.ACTIVATE, ti);
    }
  }

  function reachable(t: Target): boolean {
    return ctx.now >= t.offlineUntil;
  }

  /**
   * The network-wide schedule (`ctx.outages`, R6) and, for back-compat, the firmware block's own
   * `outages` list (WAN outages only this process sees: not emitted, not in availability).
   */
  function inOutage(network: number): boolean {
    if (!ctx.outages.isUp(network, ctx.now)) return true;
    for (const o of cfg.outages) if (o.network === network && ctx.now >= o.startMs && ctx.now < o.endMs) return true;
    return false;
  }

  function deviceOf(t: Target): number {
    return estate.device(t.premises, MODEL_SLOT_SLOT[t.modelSlot] as number);
  }

  /**
   * Hop offsets of an alert (CSP / S1SP, DSP, User, User confirms) as they happened. A DCC Alert
   * is generated in the DCC: no CSP hop.
   */
  function hops(dcc: boolean): [number, number, number, number] {
    const csp = dcc ? -1 : Math.round(rng.uniform(500, 5000));
    const dsp = Math.round(rng.uniform(5000, 8000));
    const toUser = dsp + Math.round(rng.uniform(200, 3000));
    return [csp, dsp, toUser, toUser + Math.round(rng.uniform(100, 2000))];
  }

  function alert(
    kind: typeof EventKind.DEVICE_ALERT | typeof EventKind.DCC_ALERT,
    at: number,
    t: Target,
    code: string,
    ref: number,
    outcome = 0,
  ): void {
    const network = t.rec.network;
    const h = hops(kind === EventKind.DCC_ALERT);
    // The wire carries what the DSP sees: not the CSP hop of CSP North or a SMETS1 SP (CR1438).
    const visible = network !== Network.CSP_NORTH && !isSmets1(network);
    // emitAt drops what falls after the run's end: so does the truth.
    if (at <= ctx.scenario.endMs) alertTruth.add(kind, alertTruth.code(code), network, at, h[0], h[1], h[2], h[3], alertTrt);
    ctx.emitAt(at, {
      kind,
      timeMs: 0,
      code,
      requestId: ctx.nextId(),
      ref,
      outcome,
      device: deviceOf(t),
      deviceType: t.rec.deviceType,
      network: t.rec.network,
      user: estate.user[t.premises] as number,
      hops: [visible ? h[0] : -1, h[1], h[2], h[3]],
    });
  }

  /** N60 / N61 are for ESME and GSME images (S7b), over a CSP: not PPMIDs, not SMETS1. */
  function toldByN60(t: Target): boolean {
    return !isSmets1(t.rec.network) && (t.rec.deviceType === DeviceType.ESME || t.rec.deviceType === DeviceType.GSME);
  }

  /** The SMETS1 SP tells the DCC of this device's distribution (CR1440) when that data exists. */
  function s1spReports(t: Target): boolean {
    return isSmets1(t.rec.network) && cfg.smets1SpData;
  }

  /** CSP / SMETS1 SP delivery of the image to the CH over the WAN (CS05a for the CH itself). */
  function wan(ti: number, attempt: number): void {
    const t = targets[ti] as Target;
    const ok = reachable(t) && !inOutage(t.rec.network) && !rng.chance(cfg.wanAttemptFailure);
    if (ok) {
      if (t.rec.deviceType === DeviceType.CH) {
        received(t);
        // The Service Provider activates its own image [ASSUMPTION: after the campaign's activateAfter].
        ctx.schedule(ctx.now + (cfg.campaigns[t.campaign] as ResolvedFirmwareCampaign).activateAfterMs, Action.CH_ACTIVATE, ti);
        return;
      }
      t.rec.chDeliveredAt = ctx.now;
      if (toldByN60(t)) alert(EventKind.DCC_ALERT, ctx.now, t, FirmwareAlert.DELIVERED, t.requestId);
      // A model that cannot acknowledge: the SMETS1 SP reports distribution to the comms hub only.
      else if (s1spReports(t) && !t.acks) alert(EventKind.DCC_ALERT, ctx.now, t, FirmwareAlert.S1SP_DISTRIBUTED, t.requestId);
      ctx.schedule(ctx.now + Math.round(rng.lognormal(cfg.hanDelayMedianMs, DELAY_SIGMA)), Action.HAN, ti, 1);
      return;
    }
    if (attempt < cfg.maxWanAttempts) {
      ctx.schedule(ctx.now + cfg.retryAfterMs, Action.WAN, ti, attempt + 1);
      return;
    }
    t.rec.failedAt = ctx.now;
    if (t.rec.deviceType === DeviceType.CH) return; // CH images: nothing is told (R3)
    t.rec.chFailedAt = ctx.now;
    if (toldByN60(t)) alert(EventKind.DCC_ALERT, ctx.now, t, FirmwareAlert.DELIVERY_FAILED, t.requestId);
    else if (s1spReports(t)) alert(EventKind.DCC_ALERT, ctx.now, t, FirmwareAlert.S1SP_DISTRIBUTION_FAILED, t.requestId);
  }

  function received(t: Target): void {
    t.rec.receivedAt = ctx.now;
    estate.pendingFirmware[t.premises * MODEL_SLOTS + t.modelSlot] = t.rec.version;
  }

  /** The CH passes the image to the device over the HAN (CS05b, or CS05c by ZigBee OTA for PPMIDs). */
  function han(ti: number, attempt: number): void {
    const t = targets[ti] as Target;
    const smets1 = isSmets1(t.rec.network);
    const ppmid = t.rec.deviceType === DeviceType.PPMID;
    const ackAt = ctx.now + Math.round(rng.uniform(5 * SECOND, 60 * SECOND));
    const negative = (): void => {
      t.rec.failedAt = ctx.now;
      if (smets1) {
        if (s1spReports(t) && t.acks) alert(EventKind.DCC_ALERT, ackAt, t, FirmwareAlert.S1SP_DISTRIBUTION_FAILED, t.requestId);
      } else if (t.acks)
        alert(
          EventKind.DEVICE_ALERT,
          ackAt,
          t,
          ppmid ? FirmwareAlert.TRANSFER_FAIL : FirmwareAlert.RECEIPT_VERIFICATION_FAILED,
          t.requestId,
          Outcome.FAILURE,
        );
    };
    // A CH without SECMP0007 firmware discards a PPMID image (CCS08 "Image Discarded").
    if (ppmid && !smets1 && ((estate.flags[t.premises] as number) & PremisesFlag.CH_PPMID_FIRMWARE) === 0) {
      negative();
      return;
    }
    if (!reachable(t) || rng.chance(cfg.hanAttemptFailure)) {
      if (attempt < cfg.maxHanAttempts) ctx.schedule(ctx.now + cfg.retryAfterMs, Action.HAN, ti, attempt + 1);
      else negative();
      return;
    }
    if (rng.chance(cfg.verificationFailure)) {
      negative();
      return;
    }
    received(t);
    if (smets1) {
      // The Service User has its 11.3 scheduled already (no GBCS acknowledgement in SMETS1).
      if (s1spReports(t) && t.acks) alert(EventKind.DCC_ALERT, ackAt, t, FirmwareAlert.S1SP_DISTRIBUTED, t.requestId);
      return;
    }
    const acked = t.acks && !rng.chance(cfg.ackLoss);
    if (acked)
      alert(
        EventKind.DEVICE_ALERT,
        ackAt,
        t,
        ppmid ? FirmwareAlert.TRANSFER_SUCCESS : FirmwareAlert.RECEIPT_VERIFIED,
        t.requestId,
        Outcome.SUCCESS,
      );
    const camp = cfg.campaigns[t.campaign] as ResolvedFirmwareCampaign;
    // SECMP0007: a PPMID's distribution and activation are one step.
    if (ppmid) ctx.schedule(ctx.now + Math.round(rng.uniform(1 * MINUTE, 30 * MINUTE)), Action.PPMID_ACTIVATE, ti);
    else if (acked) ctx.schedule(ackAt + camp.activateAfterMs, Action.ACTIVATE, ti);
  }

  /** CS06 Execution Outcome for a device asked to run the campaign's image now. */
  function executionOutcome(t: Target): number {
    if (estate.pendingFirmware[t.premises * MODEL_SLOTS + t.modelSlot] !== t.rec.version) return Outcome.NO_IMAGE_HELD;
    if (rng.chance(cfg.hashMismatch)) return Outcome.HASH_MISMATCH;
    if (rng.chance(cfg.activationFailure)) return Outcome.ACTIVATION_FAILURE;
    return Outcome.SUCCESS;
  }

  function activated(ti: number, t: Target, outcome: number, at: number): void {
    if (outcome === Outcome.SUCCESS) {
      t.rec.activatedAt = at;
      const i = t.premises * MODEL_SLOTS + t.modelSlot;
      estate.firmware[i] = t.rec.version;
      estate.pendingFirmware[i] = 0;
      // The Service User reads the version back when it learns of the activation; nothing tells
      // it that a model without acknowledgements activated (a SMETS2 PPMID activates by itself).
      if (t.acks || t.rec.deviceType !== DeviceType.PPMID || isSmets1(t.rec.network))
        ctx.schedule(at + (cfg.campaigns[t.campaign] as ResolvedFirmwareCampaign).readBackAfterMs, Action.READ_BACK, ti);
    } else {
      t.rec.activationFailedAt = at;
      t.rec.activationOutcome = outcome;
    }
  }

  /** 11.3 Activate Firmware (critical; CV 4 → signed CV 5), immediate or future-dated. */
  function activate(ti: number): void {
    const t = targets[ti] as Target;
    const camp = cfg.campaigns[t.campaign] as ResolvedFirmwareCampaign;
    const future = t.futureDated && rng.chance(camp.futureDatedShare);
    const requestId = ctx.nextId();
    const device = deviceOf(t);
    const common = {
      code: Srv.ACTIVATE_FIRMWARE,
      requestId,
      device,
      deviceType: t.rec.deviceType,
      network: t.rec.network,
      user: estate.user[t.premises] as number,
      ref: t.rec.version,
    };
    ctx.emit({ kind: EventKind.SERVICE_REQUEST, timeMs: 0, ...common, value: future ? camp.futureDatedLeadMs : 0 });
    t.rec.activationRequestId = requestId;
    const responseAt = ctx.now + Math.round(rng.lognormal(20 * SECOND, 0.5));
    const outcome: number = reachable(t) ? (future ? Outcome.ACCEPTED : executionOutcome(t)) : Outcome.TIMEOUT;
    if (outcome === Outcome.ACCEPTED) ctx.schedule(ctx.now + camp.futureDatedLeadMs, Action.EXECUTE, ti, requestId);
    else activated(ti, t, outcome, responseAt);
    ctx.emitAt(responseAt, { kind: EventKind.SERVICE_RESPONSE, timeMs: 0, ...common, outcome });
    srvTruthOf(common.code, common.network, common.ref, future ? camp.futureDatedLeadMs : 0, responseAt, outcome);
  }

  /** A future-dated activation runs on the device; 0x8F66 / 0x8F67 tell the outcome. */
  function execute(ti: number, requestId: number): void {
    const t = targets[ti] as Target;
    const outcome = executionOutcome(t);
    activated(ti, t, outcome, ctx.now);
    alert(
      EventKind.DEVICE_ALERT,
      ctx.now,
      t,
      outcome === Outcome.SUCCESS ? FirmwareAlert.FUTURE_DATED_SUCCESS : FirmwareAlert.FUTURE_DATED_FAILURE,
      requestId,
      outcome,
    );
  }

  function ppmidActivate(ti: number): void {
    const t = targets[ti] as Target;
    const outcome = rng.chance(cfg.activationFailure) ? Outcome.ACTIVATION_FAILURE : Outcome.SUCCESS;
    activated(ti, t, outcome, ctx.now);
    if (t.acks) alert(EventKind.DEVICE_ALERT, ctx.now, t, FirmwareAlert.PPMID_ACTIVATION, t.requestId, outcome);
  }

  /**
   * The CSP / SMETS1 SP activates a CH image it delivered; the DCC learns only of a success, as
   * the CH's firmware version in the inventory (INVENTORY value bits 8–15). Nobody reads it back
   * with an 11.2: no Supplier activated it.
   */
  function chActivate(ti: number): void {
    const t = targets[ti] as Target;
    if (!reachable(t)) {
      ctx.schedule(ctx.now + cfg.retryAfterMs, Action.CH_ACTIVATE, ti);
      return;
    }
    const outcome = executionOutcome(t);
    if (outcome !== Outcome.SUCCESS) {
      t.rec.activationFailedAt = ctx.now;
      t.rec.activationOutcome = outcome;
      return;
    }
    t.rec.activatedAt = ctx.now;
    const i = t.premises * MODEL_SLOTS + t.modelSlot;
    estate.firmware[i] = t.rec.version;
    estate.pendingFirmware[i] = 0;
    const modelIndex = (estate.models[i] as number) - 1;
    ctx.emit({
      kind: EventKind.INVENTORY,
      timeMs: 0,
      device: deviceOf(t),
      deviceType: DeviceType.CH,
      network: t.rec.network,
      user: 0,
      code: t.rec.model,
      ref: 0,
      value: (capsOf[modelIndex] as number) | (t.rec.version << INVENTORY_FIRMWARE_SHIFT),
    });
  }

  /** 11.2 Read Firmware Version: the Service User's confirmation; `value` of the response = version running. */
  function readBack(ti: number): void {
    const t = targets[ti] as Target;
    const requestId = ctx.nextId();
    const device = deviceOf(t);
    const version = estate.firmware[t.premises * MODEL_SLOTS + t.modelSlot] as number;
    const common = {
      code: Srv.READ_FIRMWARE_VERSION,
      requestId,
      device,
      deviceType: t.rec.deviceType,
      network: t.rec.network,
      user: estate.user[t.premises] as number,
    };
    ctx.emit({ kind: EventKind.SERVICE_REQUEST, timeMs: 0, ...common });
    const at = ctx.now + Math.round(rng.lognormal(8 * SECOND, 0.5));
    const ok = reachable(t);
    if (ok && version === t.rec.version && at <= ctx.scenario.endMs) t.rec.confirmedAt = at;
    ctx.emitAt(at, {
      kind: EventKind.SERVICE_RESPONSE,
      timeMs: 0,
      ...common,
      outcome: ok ? Outcome.SUCCESS : Outcome.TIMEOUT,
      value: ok ? version : 0,
    });
    srvTruthOf(common.code, common.network, 0, 0, at, ok ? Outcome.SUCCESS : Outcome.TIMEOUT);
  }
}
