import { GB } from '../domain/gb-figures.js';
import { parseDuration } from '../time.js';
import type { Scenario } from './schema.js';
import { resolveFirmware, type ResolvedFirmware } from './resolve-firmware.js';
import { resolveIncidents, resolveOutages, type ResolvedIncidents, type ResolvedOutages } from './resolve-incidents.js';
import { resolveMetricConfig, type ResolvedMetricConfig } from './resolve-measurement.js';
import { resolveAlerts, resolveServiceRequests, type ResolvedAlerts, type ResolvedServiceRequests } from './resolve-service-traffic.js';

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
  readonly noWanIncidentClosure: 'incidentProcess' | 'wanConnected';
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
  readonly firmware: ResolvedFirmware | null;
  readonly serviceRequests: ResolvedServiceRequests | null;
  readonly alerts: ResolvedAlerts | null;
  /**
   * Pipeline configuration (TRTs, exclusion list, incident targets, the month watermark): the
   * same for observed and the embedded pipeline (resolve-measurement.ts).
   */
  readonly metrics: ResolvedMetricConfig;
  readonly expect: readonly string[];
}

export function resolveScenario(s: Scenario): ResolvedScenario {
  const startMs = Date.parse(s.start.length === 10 ? `${s.start}T00:00:00Z` : s.start);
  const durationMs = parseDuration(s.duration) as number;
  const premises = s.estate.premises;
  const scale = premises / GB.premises;
  const inst = s.traffic.installs;
  const incidents = resolveIncidents(s, scale);
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
    metrics: resolveMetricConfig(s, incidents),
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
            noWanIncidentClosure: inst.noWanIncidentClosure,
          },
    incidents,
    outages: resolveOutages(s),
    firmware: s.traffic.firmware === undefined ? null : resolveFirmware(s.traffic.firmware, startMs),
    expect: s.expect,
  };
}

/** Premises [first, first + count) of shard `index`. */
export function shardRange(scenario: ResolvedScenario, index: number): { first: number; count: number } {
  const per = scenario.estate.premisesPerShard;
  const first = index * per;
  return { first, count: Math.max(0, Math.min(per, scenario.estate.premises - first)) };
}
