import { DeviceType } from '../../simulator/core/domain/vocabulary.js';
import type { ResolvedScenario } from '../../simulator/core/scenario/resolve.js';

/*
 * What a scenario will cost before it runs: events from the resolved traffic volumes, times the
 * events each unit of traffic puts on the wire. The per-unit figures were measured by simulating
 * each traffic block of scenarios/*.yaml on its own (events counted ÷ volume); they vary with the
 * scenario's shape (retries, outages, failure shares): on scenarios/*.yaml the estimate is within
 * 15 % of the events sent.
 */

/** Events per unit of traffic (measured; see above). */
export const EVENTS_PER = {
  /**
   * A CH install: its inventory (CH and the devices behind it), the 8.14.x, each meter's 8.11 and
   * 8.1.1 (Transform and Signed Pre-Command) with their responses, returns and late connections.
   * Measured 17.0 (install-and-leave.yaml: 652,540 events for 38,400 installs).
   */
  install: 17,
  /** A Service Request and its Service Response, retries included; a future-dated one adds its execution (measured 2.1 and 3.9). */
  serviceRequest: 2.05,
  futureDatedExtra: 1.9,
  /** A device alert through the hops the network shows. Measured 1.0. */
  alert: 1,
  /** A premises in a power cut (last gasps and restores). Measured 0.7. */
  powerCutPremises: 0.7,
  /** A firmware target: listing, distribution, retries, acknowledgement, activation, read-back. Measured 5.9–7.6. */
  firmwareTarget: 6.8,
  /** An incident: raised, closed, sometimes re-opened. Measured 2.1. */
  incident: 2.1,
} as const;

/**
 * Simulate-and-stream throughput into the embedded pipeline on a 2-core machine: 0.45 M events/s
 * measured for scenarios/default.yaml (one worker) up to 1.1 M/s for a third of gb-day (two
 * workers, README "Performance"); the lower figure, so the estimate errs long.
 */
export const ESTIMATE_EVENTS_PER_SECOND = 500_000;
/** Worker start-up and the report, whatever the size. */
export const ESTIMATE_STARTUP_SECONDS = 0.5;

export interface RunEstimate {
  /** Events the run is expected to send, by traffic block and in all. */
  readonly events: number;
  readonly eventsByTraffic: Readonly<Record<string, number>>;
  readonly batches: number;
  /** Wall time of an unpaced run against the embedded pipeline at ESTIMATE_EVENTS_PER_SECOND. */
  readonly seconds: number;
  readonly method: string;
}

export const ESTIMATE_METHOD =
  'events = resolved traffic volumes × events per unit (installs 17, service requests 2.05 + 1.9 × future-dated share, alerts 1, ' +
  'power-cut premises 0.7, firmware targets 6.8, incidents 2.1; measured on scenarios/*.yaml, whose events it estimates within 15 %); ' +
  `seconds = ${ESTIMATE_STARTUP_SECONDS} + events ÷ ${ESTIMATE_EVENTS_PER_SECOND.toLocaleString('en-GB')} events/s ` +
  '(an unpaced run into the embedded pipeline on a 2-core machine; more cores and workers run faster)';

const DAY_MS = 86_400_000;

/** Share of the estate's premises in each network (1–3 SMETS2 regions, 4–6 SMETS1 cohorts). */
function networkShares(s: ResolvedScenario): readonly number[] {
  const { regions, cohorts, smets1Share } = s.estate;
  const s2 = 1 - smets1Share;
  return [
    0,
    regions.north * s2,
    regions.central * s2,
    regions.south * s2,
    cohorts.ioc * smets1Share,
    cohorts.moc * smets1Share,
    cohorts.foc * smets1Share,
  ];
}

/** Devices of a type per premises: a CH and an ESME at each, a GSME where there is gas, a PPMID in some. */
function devicesPerPremises(s: ResolvedScenario, deviceType: number): number {
  if (deviceType === DeviceType.CH || deviceType === DeviceType.ESME) return 1;
  if (deviceType === DeviceType.GSME) return s.estate.gasShare;
  if (deviceType === DeviceType.PPMID) return s.estate.ppmidShare;
  return 0;
}

export function estimateRun(s: ResolvedScenario): RunEstimate {
  const days = s.durationMs / DAY_MS;
  const premises = s.estate.premises;
  const shares = networkShares(s);
  const by: Record<string, number> = {};
  if (s.installs !== null) {
    // Weekends install at weekendFactor of the weekday rate.
    by.installs = s.installs.perDay * days * ((5 + 2 * s.installs.weekendFactor) / 7) * EVENTS_PER.install;
  }
  if (s.serviceRequests !== null) {
    const sr = s.serviceRequests;
    let perPremisesPerDay = 0;
    for (const m of sr.mix)
      perPremisesPerDay += m.perPremisesPerDay * (EVENTS_PER.serviceRequest + EVENTS_PER.futureDatedExtra * m.futureDatedShare);
    // A Change of Supplier is a chain of two requests (6.23, then 1.1.1).
    perPremisesPerDay += sr.changeOfSupplierPerPremisesPerDay * 2 * EVENTS_PER.serviceRequest;
    by.serviceRequests = premises * days * perPremisesPerDay;
  }
  if (s.alerts !== null) {
    const cut = s.alerts.powerCuts.reduce((n, c) => n + premises * (shares[c.network] ?? 0) * c.affectedShare, 0);
    by.alerts = premises * days * s.alerts.perPremisesPerDay * EVENTS_PER.alert + cut * EVENTS_PER.powerCutPremises;
  }
  if (s.firmware !== null) {
    let targets = 0;
    for (const c of s.firmware.campaigns) {
      const inNetworks = c.networks.reduce((n, net) => n + (shares[net] ?? 0), 0);
      targets += premises * devicesPerPremises(s, c.deviceType) * c.targetShare * inNetworks;
    }
    by.firmware = targets * EVENTS_PER.firmwareTarget;
  }
  if (s.incidents !== null) {
    const perMonth = s.incidents.perMonth.reduce((a, b) => a + b, 0);
    by.incidents = (perMonth * (days / 30.44) + s.incidents.fixed.length) * EVENTS_PER.incident;
  }
  const eventsByTraffic = Object.fromEntries(Object.entries(by).map(([k, v]) => [k, Math.round(v)]));
  const events = Object.values(eventsByTraffic).reduce((a, b) => a + b, 0);
  return {
    events,
    eventsByTraffic,
    batches: Math.ceil(events / s.batchSize),
    seconds: Math.round((ESTIMATE_STARTUP_SECONDS + events / ESTIMATE_EVENTS_PER_SECOND) * 10) / 10,
    method: ESTIMATE_METHOD,
  };
}
