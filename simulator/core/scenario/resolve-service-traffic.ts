import * as T from '../domain/traffic-defaults.js';
import { msOr, networkNumber } from './resolve-primitives.js';
import { parseDuration } from '../time.js';
import type { Scenario } from './schema.js';

export interface LatencyProfile {
  readonly median: number;
  readonly sigma: number;
}

export interface ResolvedServiceRequests {
  readonly mix: ReadonlyArray<{
    readonly srv: string;
    readonly perPremisesPerDay: number;
    readonly dccScheduled: boolean;
    readonly futureDatedShare: number;
    readonly profile: T.MixProfile;
  }>;
  readonly changeOfSupplierPerPremisesPerDay: number;
  /** By network group: north, central, south, smets1. */
  readonly latency: {
    readonly north: LatencyProfile;
    readonly central: LatencyProfile;
    readonly south: LatencyProfile;
    readonly smets1: LatencyProfile;
  };
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

export function resolveServiceRequests(s: Scenario): ResolvedServiceRequests | null {
  const sr = s.traffic.serviceRequests;
  if (sr === undefined) return null;
  const mix =
    sr.mix ?? T.GB_SRV_MIX.map((m) => ({ ...m, dccScheduled: m.dccScheduled ?? false, futureDatedShare: m.futureDatedShare ?? 0 }));
  const lat = (group: 'north' | 'central' | 'south' | 'smets1'): LatencyProfile => {
    const l = sr.latency?.[group];
    return l === undefined ? T.GB_RESPONSE_LATENCY[group] : { median: parseDuration(l.median) as number, sigma: l.sigma };
  };
  return {
    mix: mix.map((m) => ({
      srv: m.srv,
      perPremisesPerDay: m.perPremisesPerDay * sr.scale,
      dccScheduled: m.dccScheduled,
      futureDatedShare: m.futureDatedShare,
      profile: m.profile,
    })),
    changeOfSupplierPerPremisesPerDay: (sr.changeOfSupplierPerPremisesPerDay ?? T.GB_CHANGE_OF_SUPPLIER_PER_PREMISES_PER_DAY) * sr.scale,
    latency: { north: lat('north'), central: lat('central'), south: lat('south'), smets1: lat('smets1') },
    failureShare: sr.failureShare ?? T.GB_FAILURE_SHARE,
    timeoutMs: msOr(sr.timeout, T.GB_RESPONSE_TIMEOUT_MS),
  };
}

export function resolveAlerts(s: Scenario, scale: number): ResolvedAlerts | null {
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
