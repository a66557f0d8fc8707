import { GB } from '../domain/gb-figures.js';
import { NETWORK_BY_LABEL } from '../domain/vocabulary.js';
import { parseDuration } from '../time.js';
import type { Scenario } from './schema.js';

export interface ResolvedFixedIncident {
  readonly category: number;
  readonly network: number;
  /** ResolverGroup, or 0 = drawn like the others. */
  readonly resolver: number;
  readonly type: string;
  readonly raisedMs: number;
  /** NaN when absent. */
  readonly respondedAfterMs: number;
  /** NaN when absent. */
  readonly resolvedAfterMs: number;
  readonly reopenedAfterMs: number;
  readonly reclosedAfterMs: number;
}

export interface ResolvedIncidents {
  /** Per category 1–5 (index 0 unused), over the whole estate. */
  readonly perMonth: readonly number[];
  readonly targetText: {
    readonly cat1: string;
    readonly cat2: string;
    readonly cat3: string;
    readonly cat4: string;
    readonly cat5: string;
  };
  readonly responseTargetText: ResolvedIncidents['targetText'];
  /** Per category 1–5 (index 0 unused). */
  readonly withinTarget: readonly number[];
  /** Per category 1–5 (index 0 unused): initial response within the Target Initial Response Time. */
  readonly respondedWithinTarget: readonly number[];
  readonly reopenShare: number;
  readonly raisedByDcc: number;
  readonly resolverWeights: {
    readonly dcc: number;
    readonly dsp: number;
    readonly network: number;
    readonly dco: number;
    readonly other: number;
  };
  readonly fixed: readonly ResolvedFixedIncident[];
}

export interface ResolvedOutages {
  readonly networks: readonly number[];
  readonly plannedPerMonth: number;
  readonly plannedDurationMs: number;
  readonly unplannedPerMonth: number;
  readonly unplannedMeanDurationMs: number;
  readonly fixed: ReadonlyArray<{
    readonly network: number;
    readonly startMs: number;
    readonly durationMs: number;
    readonly planned: boolean;
  }>;
}

const RESOLVER_BY_NAME: Readonly<Record<string, number>> = {
  dcc: 1,
  dsp: 2,
  'csp-north': 3,
  'csp-central': 4,
  'csp-south': 5,
  'smets1-sp': 6,
  dco: 7,
  other: 8,
};
const instantMs = (s: string): number => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
const optionalMs = (s: string | undefined): number => (s === undefined ? Number.NaN : (parseDuration(s) as number));

export function resolveIncidents(s: Scenario, scale: number): ResolvedIncidents | null {
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
  const rw = i.respondedWithinTarget;
  return {
    perMonth: [0, per.cat1, per.cat2, per.cat3, per.cat4, per.cat5],
    targetText: i.targetResolution,
    responseTargetText: i.targetInitialResponse,
    withinTarget: [0, w.cat1, w.cat2, w.cat3, w.cat4, w.cat5],
    respondedWithinTarget: [0, rw.cat1, rw.cat2, rw.cat3, rw.cat4, rw.cat5],
    reopenShare: i.reopenShare,
    raisedByDcc: i.raisedByDcc,
    resolverWeights: i.resolverGroups,
    fixed: i.fixed.map((f) => ({
      category: f.category,
      network: NETWORK_BY_LABEL[f.network] as number,
      resolver: f.resolver === undefined ? 0 : (RESOLVER_BY_NAME[f.resolver] as number),
      type: f.type,
      raisedMs: instantMs(f.raised),
      respondedAfterMs: optionalMs(f.respondedAfter),
      resolvedAfterMs: optionalMs(f.resolvedAfter),
      reopenedAfterMs: optionalMs(f.reopenedAfter),
      reclosedAfterMs: optionalMs(f.reclosedAfter),
    })),
  };
}

export function resolveOutages(s: Scenario): ResolvedOutages | null {
  const o = s.traffic.outages;
  if (o === undefined) return null;
  return {
    networks: [...new Set(o.networks.map((n) => NETWORK_BY_LABEL[n] as number))].sort((a, b) => a - b),
    plannedPerMonth: o.planned.perMonth,
    plannedDurationMs: parseDuration(o.planned.duration) as number,
    unplannedPerMonth: o.unplanned.perMonth,
    unplannedMeanDurationMs: parseDuration(o.unplanned.meanDuration) as number,
    fixed: o.fixed.map((f) => ({
      network: NETWORK_BY_LABEL[f.network] as number,
      startMs: instantMs(f.start),
      durationMs: parseDuration(f.duration) as number,
      planned: f.planned,
    })),
  };
}
