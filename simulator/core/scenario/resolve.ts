import { GB } from '../domain/gb-figures.js';
import { DEFAULT_TRT } from '../domain/srv-catalogue.js';
import type { MetricConfig } from '../domain/metrics/metric-config.js';
import * as T from '../domain/traffic-defaults.js';
import { NETWORK_LABELS } from '../domain/vocabulary.js';
import { parseDuration } from '../time.js';
import type { Scenario } from './schema.js';

export interface RegionShares {
  readonly north: number;
  readonly central: number;
  readonly south: number;
}

export interface InstallReporting {
  readonly sends8141: number;
  readonly sends8142: number;
  readonly raisesNoWanIncident: number;
}

export interface ResolvedInstalls {
  /** CH installs per weekday over the whole estate. */
  readonly perDay: number;
  readonly weekendFactor: number;
  readonly noWanAtInstall: RegionShares;
  readonly faultReturnShare: number;
  readonly noFaultReturnShare: number;
  readonly wanLaterWithin90Days: number;
  readonly wanLaterAfter90Days: number;
  readonly commissionSuccess: number;
}

export interface ResolvedFixedIncident {
  readonly category: number;
  readonly network: number;
  /** ResolverGroup, or 0 = drawn like the others. */
  readonly resolver: number;
  readonly type: string;
  readonly raisedMs: number;
  /** NaN when absent. */
  readonly resolvedAfterMs: number;
  readonly reopenedAfterMs: number;
  readonly reclosedAfterMs: number;
}

export interface ResolvedIncidents {
  /** Per category 1–5 (index 0 unused), over the whole estate. */
  readonly perMonth: readonly number[];
  readonly targetText: { readonly cat1: string; readonly cat2: string; readonly cat3: string; readonly cat4: string; readonly cat5: string };
  /** Per category 1–5 (index 0 unused). */
  readonly withinTarget: readonly number[];
  readonly reopenShare: number;
  readonly raisedByDcc: number;
  readonly resolverWeights: { readonly dcc: number; readonly dsp: number; readonly network: number; readonly dco: number; readonly other: number };
  readonly fixed: readonly ResolvedFixedIncident[];
}

export interface ResolvedOutages {
  readonly networks: readonly number[];
  readonly plannedPerMonth: number;
  readonly plannedDurationMs: number;
  readonly unplannedPerMonth: number;
  readonly unplannedMeanDurationMs: number;
  readonly fixed: ReadonlyArray<{ readonly network: number; readonly startMs: number; readonly durationMs: number; readonly planned: boolean }>;
}

const NETWORK_BY_NAME: Readonly<Record<string, number>> = { north: 1, central: 2, south: 3, ioc: 4, moc: 5, foc: 6 };
const RESOLVER_BY_NAME: Readonly<Record<string, number>> = {
  dcc: 1, dsp: 2, 'csp-north': 3, 'csp-central': 4, 'csp-south': 5, 'smets1-sp': 6, dco: 7, other: 8,
};
const instantMs = (s: string): number => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
const optionalMs = (s: string | undefined): number => (s === undefined ? Number.NaN : (parseDuration(s) as number));
export interface ResolvedDeviceModel {
  readonly name: string;
  /** DeviceType number (vocabulary.ts). */
  readonly deviceType: number;
  /** Network numbers where it is fitted. */
  readonly networks: readonly number[];
  readonly share: number;
  readonly acksImage: boolean;
  readonly futureDatedActivation: boolean;
}

export interface ResolvedFirmwareCampaign {
  readonly name: string;
  readonly deviceType: number;
  readonly firmwareVersion: number;
  readonly startMs: number;
  readonly submitOverMs: number;
  readonly targetShare: number;
  readonly networks: readonly number[];
  /** Model names, or null for every model. */
  readonly models: readonly string[] | null;
  readonly requestSize: number;
  readonly activateAfterMs: number;
  readonly futureDatedShare: number;
  readonly futureDatedLeadMs: number;
  readonly readBackAfterMs: number;
}

export interface ResolvedFirmware {
  /** Every model; index + 1 is what the estate stores. */
  readonly deviceModels: readonly ResolvedDeviceModel[];
  readonly chPpmidFirmwareShare: number;
  readonly campaigns: readonly ResolvedFirmwareCampaign[];
  readonly dspRejectShare: number;
  readonly wanDelayMedianMs: number;
  readonly hanDelayMedianMs: number;
  readonly wanAttemptFailure: number;
  readonly hanAttemptFailure: number;
  readonly maxWanAttempts: number;
  readonly maxHanAttempts: number;
  readonly retryAfterMs: number;
  readonly offlineShare: number;
  readonly offlineMeanMs: number;
  readonly verificationFailure: number;
  readonly ackLoss: number;
  readonly hashMismatch: number;
  readonly activationFailure: number;
  readonly outages: ReadonlyArray<{ readonly network: number; readonly startMs: number; readonly endMs: number }>;
}

export interface LatencyProfile {
  readonly median: number;
  readonly sigma: number;
}

export interface ResolvedServiceRequests {
  readonly mix: ReadonlyArray<{ readonly srv: string; readonly perPremisesPerDay: number; readonly dccScheduled: boolean; readonly futureDatedShare: number; readonly profile: T.MixProfile }>;
  readonly changeOfSupplierPerPremisesPerDay: number;
  /** By network group: north, central, south, smets1. */
  readonly latency: { readonly north: LatencyProfile; readonly central: LatencyProfile; readonly south: LatencyProfile; readonly smets1: LatencyProfile };
  readonly failureShare: { readonly smets2: number; readonly smets1: number };
  readonly timeoutMs: number;
}

export interface ResolvedPowerCut {
  /** Network (proto enum) of the CSP region. */
  readonly network: number;
  readonly startMs: number;
  readonly durationMs: number;
  readonly affectedShare: number;
  readonly restoreSpreadMs: number;
}

export interface ResolvedAlerts {
  readonly perPremisesPerDay: number;
  readonly codes: ReadonlyArray<{ readonly code: string; readonly weight: number }>;
  readonly powerCuts: readonly ResolvedPowerCut[];
  /** Over the whole scenario estate. */
  readonly stormProtectionPerMinute: number;
  readonly stormProtectionExempt: readonly string[];
  readonly cspCapacityPerSecond: number;
}

/**
 * A validated scenario with every default filled in and every time in ms: plain data, so it
 * crosses to workers as it is and is recorded in report.json.
 */
export interface ResolvedScenario {
  readonly name: string;
  readonly description: string;
  readonly seed: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly endMs: number;
  readonly batchSize: number;
  readonly estate: {
    readonly premises: number;
    readonly premisesPerShard: number;
    readonly shardCount: number;
    readonly smets1Share: number;
    readonly regions: RegionShares;
    readonly cohorts: { readonly ioc: number; readonly moc: number; readonly foc: number };
    readonly gasShare: number;
    readonly ppmidShare: number;
  };
  readonly serviceUsers: ReadonlyArray<{
    readonly name: string;
    readonly share: number;
    readonly installReporting: InstallReporting;
    readonly role: 'supplier' | 'networkOperator';
    readonly ignoresDependencies: number;
  }>;
  readonly installs: ResolvedInstalls | null;
  readonly incidents: ResolvedIncidents | null;
  readonly outages: ResolvedOutages | null;
  /** How long after month end late events can still arrive (MP122B R7). */
  readonly latenessMs: number;
  readonly firmware: ResolvedFirmware | null;
  readonly serviceRequests: ResolvedServiceRequests | null;
  readonly alerts: ResolvedAlerts | null;
  /** Pipeline configuration (TRTs, exclusion list): the same for observed and the embedded pipeline. */
  readonly metrics: MetricConfig;
  readonly expect: readonly string[];
}

export function resolveScenario(s: Scenario): ResolvedScenario {
  const startMs = Date.parse(s.start.length === 10 ? `${s.start}T00:00:00Z` : s.start);
  const durationMs = parseDuration(s.duration) as number;
  const premises = s.estate.premises;
  const scale = premises / GB.premises;
  const inst = s.traffic.installs;
  return {
    name: s.name,
    description: s.description ?? '',
    seed: String(s.seed),
    startMs,
    durationMs,
    endMs: startMs + durationMs,
    batchSize: s.batchSize,
    estate: {
      premises,
      premisesPerShard: s.estate.premisesPerShard,
      shardCount: Math.ceil(premises / s.estate.premisesPerShard),
      smets1Share: s.estate.smets1Share ?? GB.smets1Share,
      regions: s.estate.regions ?? GB.regionShares,
      cohorts: s.estate.cohorts ?? GB.cohortShares,
      gasShare: s.estate.gasShare ?? GB.gasShare,
      ppmidShare: s.estate.ppmidShare ?? GB.ppmidShare,
    },
    serviceUsers: s.serviceUsers.map((u) => ({
      name: u.name,
      share: u.share,
      installReporting: u.installReporting,
      role: u.role,
      ignoresDependencies: u.orchestration.ignoresDependencies,
    })),
    serviceRequests: resolveServiceRequests(s),
    alerts: resolveAlerts(s, scale),
    metrics: resolveMetricConfig(s),
    installs:
      inst === undefined
        ? null
        : {
            perDay: inst.perDay ?? GB.chInstallsPerDay * scale,
            weekendFactor: inst.weekendFactor,
            noWanAtInstall: inst.noWanAtInstall ?? GB.noWanAtInstall,
            faultReturnShare: inst.faultReturnShare ?? GB.faultReturnShare,
            noFaultReturnShare: inst.noFaultReturnShare ?? GB.noFaultReturnShare,
            wanLaterWithin90Days: inst.wanLater.within90Days,
            wanLaterAfter90Days: inst.wanLater.after90Days,
            commissionSuccess: inst.commissionSuccess,
          },
    incidents: resolveIncidents(s, scale),
    outages: resolveOutages(s),
    latenessMs: parseDuration(s.reporting.lateness) as number,
    firmware: s.traffic.firmware === undefined ? null : resolveFirmware(s.traffic.firmware, startMs),
    expect: s.expect,
  };
}

const NETWORK_NUMBER: Readonly<Record<string, number>> = { north: 1, central: 2, south: 3, ioc: 4, moc: 5, foc: 6 };
const ALL_NETWORKS: readonly number[] = [1, 2, 3, 4, 5, 6];
const FIRMWARE_DEVICE_TYPE: Readonly<Record<string, number>> = { CH: 1, ESME: 2, GSME: 3, PPMID: 6 };
const ms = (text: string): number => parseDuration(text) as number;

/**
 * Default device models (DOMAIN.md §3.3, U11): every IOC PPMID is an IOC/MDS PPMID, which cannot
 * acknowledge an image (MP122B R3); everything else is a generic, fully capable model. A
 * scenario's `deviceModels` replaces the list; a device type or network with no listed model
 * gets the generic one.
 */
export const DEFAULT_DEVICE_MODELS: readonly ResolvedDeviceModel[] = [
  { name: 'CH-generic', deviceType: 1, networks: ALL_NETWORKS, share: 1, acksImage: true, futureDatedActivation: true },
  { name: 'ESME-generic', deviceType: 2, networks: ALL_NETWORKS, share: 1, acksImage: true, futureDatedActivation: true },
  { name: 'GSME-generic', deviceType: 3, networks: ALL_NETWORKS, share: 1, acksImage: true, futureDatedActivation: true },
  { name: 'PPMID-generic', deviceType: 6, networks: [1, 2, 3, 5, 6], share: 1, acksImage: true, futureDatedActivation: true },
  { name: 'PPMID-IOC-MDS', deviceType: 6, networks: [4], share: 1, acksImage: false, futureDatedActivation: false },
];

type FirmwareInput = NonNullable<Scenario['traffic']['firmware']>;

function resolveFirmware(f: FirmwareInput, startMs: number): ResolvedFirmware {
  const listed: ResolvedDeviceModel[] = (f.deviceModels ?? []).map((m) => ({
    name: m.name,
    deviceType: FIRMWARE_DEVICE_TYPE[m.deviceType] as number,
    networks: m.networks === undefined ? ALL_NETWORKS : m.networks.map((n) => NETWORK_NUMBER[n] as number),
    share: m.share,
    acksImage: m.acksImage,
    futureDatedActivation: m.futureDatedActivation,
  }));
  // Generic models fill any (device type, network) the scenario's list leaves empty.
  const models = f.deviceModels === undefined ? [...DEFAULT_DEVICE_MODELS] : listed;
  for (const generic of DEFAULT_DEVICE_MODELS.slice(0, 4)) {
    const uncovered = ALL_NETWORKS.filter((n) => !models.some((m) => m.deviceType === generic.deviceType && m.share > 0 && m.networks.includes(n)));
    if (uncovered.length > 0 && !models.some((m) => m.name === generic.name)) models.push({ ...generic, networks: uncovered });
  }
  return {
    deviceModels: models,
    chPpmidFirmwareShare: f.chPpmidFirmwareShare,
    campaigns: f.campaigns.map((c) => ({
      name: c.name,
      deviceType: FIRMWARE_DEVICE_TYPE[c.deviceType] as number,
      firmwareVersion: c.firmwareVersion,
      startMs: startMs + ms(c.start),
      submitOverMs: ms(c.submitOver),
      targetShare: c.targetShare,
      networks: c.networks === undefined ? ALL_NETWORKS : c.networks.map((n) => NETWORK_NUMBER[n] as number),
      models: c.models ?? null,
      requestSize: c.requestSize,
      activateAfterMs: ms(c.activateAfter),
      futureDatedShare: c.futureDatedShare,
      futureDatedLeadMs: ms(c.futureDatedLead),
      readBackAfterMs: ms(c.readBackAfter),
    })),
    dspRejectShare: f.dspRejectShare,
    wanDelayMedianMs: ms(f.wanDelayMedian),
    hanDelayMedianMs: ms(f.hanDelayMedian),
    wanAttemptFailure: f.wanAttemptFailure,
    hanAttemptFailure: f.hanAttemptFailure,
    maxWanAttempts: f.maxWanAttempts,
    maxHanAttempts: f.maxHanAttempts,
    retryAfterMs: ms(f.retryAfter),
    offlineShare: f.offlineShare,
    offlineMeanMs: ms(f.offlineMean),
    verificationFailure: f.verificationFailure,
    ackLoss: f.ackLoss,
    hashMismatch: f.hashMismatch,
    activationFailure: f.activationFailure,
    outages: f.outages.map((o) => ({ network: NETWORK_NUMBER[o.network] as number, startMs: startMs + ms(o.start), endMs: startMs + ms(o.start) + ms(o.duration) })),
  };
}

/** Premises [first, first + count) of shard `index`. */
export function shardRange(scenario: ResolvedScenario, index: number): { first: number; count: number } {
  const per = scenario.estate.premisesPerShard;
  const first = index * per;
  return { first, count: Math.max(0, Math.min(per, scenario.estate.premises - first)) };
}

function resolveIncidents(s: Scenario, scale: number): ResolvedIncidents | null {
  const i = s.traffic.incidents;
  if (i === undefined) return null;
  const per = i.perMonth ?? {
    cat1: GB.incidentsPerMonth.cat1 * scale,
    cat2: GB.incidentsPerMonth.cat2 * scale,
    cat3: GB.incidentsPerMonth.cat3 * scale,
    cat4: GB.incidentsPerMonth.cat4 * scale,
    cat5: GB.incidentsPerMonth.cat5 * scale,
  };
  const w = i.withinTarget;
  return {
    perMonth: [0, per.cat1, per.cat2, per.cat3, per.cat4, per.cat5],
    targetText: i.targetResolution,
    withinTarget: [0, w.cat1, w.cat2, w.cat3, w.cat4, w.cat5],
    reopenShare: i.reopenShare,
    raisedByDcc: i.raisedByDcc,
    resolverWeights: i.resolverGroups,
    fixed: i.fixed.map((f) => ({
      category: f.category,
      network: NETWORK_BY_NAME[f.network] as number,
      resolver: f.resolver === undefined ? 0 : (RESOLVER_BY_NAME[f.resolver] as number),
      type: f.type,
      raisedMs: instantMs(f.raised),
      resolvedAfterMs: optionalMs(f.resolvedAfter),
      reopenedAfterMs: optionalMs(f.reopenedAfter),
      reclosedAfterMs: optionalMs(f.reclosedAfter),
    })),
  };
}

function resolveOutages(s: Scenario): ResolvedOutages | null {
  const o = s.traffic.outages;
  if (o === undefined) return null;
  return {
    networks: [...new Set(o.networks.map((n) => NETWORK_BY_NAME[n] as number))].sort((a, b) => a - b),
    plannedPerMonth: o.planned.perMonth,
    plannedDurationMs: parseDuration(o.planned.duration) as number,
    unplannedPerMonth: o.unplanned.perMonth,
    unplannedMeanDurationMs: parseDuration(o.unplanned.meanDuration) as number,
    fixed: o.fixed.map((f) => ({ network: NETWORK_BY_NAME[f.network] as number, startMs: instantMs(f.start), durationMs: parseDuration(f.duration) as number, planned: f.planned })),
  };
}

const msOr = (d: string | undefined, fallback: number): number => (d === undefined ? fallback : (parseDuration(d) as number));
const networkNumber = (label: string): number => Number(Object.entries(NETWORK_LABELS).find(([, l]) => l === label)?.[0] ?? 0);

function resolveServiceRequests(s: Scenario): ResolvedServiceRequests | null {
  const sr = s.traffic.serviceRequests;
  if (sr === undefined) return null;
  const mix = sr.mix ?? T.GB_SRV_MIX.map((m) => ({ ...m, dccScheduled: m.dccScheduled ?? false, futureDatedShare: m.futureDatedShare ?? 0 }));
  const lat = (group: 'north' | 'central' | 'south' | 'smets1'): LatencyProfile => {
    const l = sr.latency?.[group];
    return l === undefined ? T.GB_RESPONSE_LATENCY[group] : { median: parseDuration(l.median) as number, sigma: l.sigma };
  };
  return {
    mix: mix.map((m) => ({ srv: m.srv, perPremisesPerDay: m.perPremisesPerDay * sr.scale, dccScheduled: m.dccScheduled, futureDatedShare: m.futureDatedShare, profile: m.profile })),
    changeOfSupplierPerPremisesPerDay: (sr.changeOfSupplierPerPremisesPerDay ?? T.GB_CHANGE_OF_SUPPLIER_PER_PREMISES_PER_DAY) * sr.scale,
    latency: { north: lat('north'), central: lat('central'), south: lat('south'), smets1: lat('smets1') },
    failureShare: sr.failureShare ?? T.GB_FAILURE_SHARE,
    timeoutMs: msOr(sr.timeout, T.GB_RESPONSE_TIMEOUT_MS),
  };
}

function resolveAlerts(s: Scenario, scale: number): ResolvedAlerts | null {
  const a = s.traffic.alerts;
  if (a === undefined) return null;
  const codes = a.codes ?? T.GB_ALERT_CODE_WEIGHTS;
  return {
    perPremisesPerDay: a.perPremisesPerDay ?? T.GB_ALERTS_PER_PREMISES_PER_DAY,
    // Sorted: the order of a record's keys must not change the draws.
    codes: Object.keys(codes)
      .sort()
      .map((code) => ({ code, weight: codes[code] as number })),
    powerCuts: a.powerCuts.map((c) => ({
      network: networkNumber(c.region),
      startMs: Date.parse(c.start.length === 10 ? `${c.start}T00:00:00Z` : c.start),
      durationMs: parseDuration(c.duration) as number,
      affectedShare: c.affectedShare,
      restoreSpreadMs: parseDuration(c.restoreSpread) as number,
    })),
    stormProtectionPerMinute: a.stormProtection.perMinute ?? T.GB_STORM_PROTECTION_PER_MINUTE * scale,
    stormProtectionExempt: a.stormProtection.exempt ?? T.GB_STORM_PROTECTION_EXEMPT,
    cspCapacityPerSecond: a.cspCapacityPerSecond ?? T.GB_CSP_ALERT_CAPACITY_PER_SECOND * scale,
  };
}

function resolveMetricConfig(s: Scenario): MetricConfig {
  const t = s.measurement.targets;
  const userNumber = (name: string | undefined): number => (name === undefined ? 0 : s.serviceUsers.findIndex((u) => u.name === name) + 1);
  const instantMs = (x: string): number => Date.parse(x.length === 10 ? `${x}T00:00:00Z` : x);
  return {
    trt: {
      onDemand: msOr(t.onDemand, DEFAULT_TRT.onDemand),
      critical: msOr(t.critical, DEFAULT_TRT.critical),
      transform: msOr(t.transform, DEFAULT_TRT.transform),
      futureDated: msOr(t.futureDated, DEFAULT_TRT.futureDated),
      dccScheduled: msOr(t.dccScheduled, DEFAULT_TRT.dccScheduled),
      nonDevice: msOr(t.nonDevice, DEFAULT_TRT.nonDevice),
      alert: msOr(t.alert, DEFAULT_TRT.alert),
    },
    exclusions: s.measurement.exclusions.map((x) => ({
      measure: x.measure,
      user: userNumber(x.user),
      srv: x.srv ?? '',
      network: x.network === undefined ? 0 : networkNumber(x.network),
      device: x.device ?? 0,
      reason: x.reason,
      validFromMs: instantMs(x.validFrom),
      validToMs: instantMs(x.validTo),
    })),
  };
}
