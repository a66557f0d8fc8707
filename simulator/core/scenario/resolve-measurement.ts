import { incidentTargetsOf, responseTargetsOf } from '../domain/incident-targets.js';
import type { MetricConfig } from '../domain/metrics/metric-config.js';
import { DEFAULT_TRT } from '../domain/srv-catalogue.js';
import { parseDuration } from '../time.js';
import type { ResolvedIncidents } from './resolve-incidents.js';
import { msOr, networkNumber } from './resolve-primitives.js';
import type { Scenario } from './schema.js';

/** A MetricConfig with every optional setting filled in from the scenario or its defaults. */
export type ResolvedMetricConfig = Required<MetricConfig>;

/**
 * The pipeline configuration a scenario implies, resolved once: Target Response Times, the
 * governed exclusion list, the incidents' Target Resolution Times and the month watermark. The
 * simulator's observed figures, the embedded pipeline and `serve --scenario` are all built from
 * this one value, so observed and reported are computed under the same rules.
 */
export function resolveMetricConfig(s: Scenario, incidents: ResolvedIncidents | null): ResolvedMetricConfig {
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
    incidentTargets: incidentTargetsOf(incidents),
    incidentResponseTargets: responseTargetsOf(incidents),
    latenessMs: parseDuration(s.reporting.lateness) as number,
    smets1SpFirmwareData: s.traffic.firmware?.smets1SpData ?? true,
    withinTargetRule: s.measurement.withinTarget,
  };
}
