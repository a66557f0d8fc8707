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
    expect: s.expect,
  };
}

/** Premises [first, first + count) of shard `index`. */
export function shardRange(scenario: ResolvedScenario, index: number): { first: number; count: number } {
  const per = scenario.estate.premisesPerShard;
  const first = index * per;
  return { first, count: Math.max(0, Math.min(per, scenario.estate.premises - first)) };
}

const ms = (d: string | undefined, fallback: number): number => (d === undefined ? fallback : (parseDuration(d) as number));
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
    timeoutMs: ms(sr.timeout, T.GB_RESPONSE_TIMEOUT_MS),
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
      onDemand: ms(t.onDemand, DEFAULT_TRT.onDemand),
      critical: ms(t.critical, DEFAULT_TRT.critical),
      transform: ms(t.transform, DEFAULT_TRT.transform),
      futureDated: ms(t.futureDated, DEFAULT_TRT.futureDated),
      dccScheduled: ms(t.dccScheduled, DEFAULT_TRT.dccScheduled),
      nonDevice: ms(t.nonDevice, DEFAULT_TRT.nonDevice),
      alert: ms(t.alert, DEFAULT_TRT.alert),
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
