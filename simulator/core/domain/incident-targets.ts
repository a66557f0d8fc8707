import { addWorkingDays } from '../calendar/working-days.js';
import { parseDuration } from '../time.js';
import { Network, ResolverGroup } from './vocabulary.js';

/**
 * A Target Resolution Time: clock time (Category 1–2, hours) or Working Days (Category 3–5).
 * docs/domain.md §2.4 / U6: the values are [UNVERIFIED]; they are scenario configuration.
 */
export type ResolutionTarget = { readonly kind: 'clock'; readonly ms: number } | { readonly kind: 'workingDays'; readonly days: number };

/** Target Resolution Time per Incident Category, index 1–5 (index 0 unused). */
export type IncidentTargets = readonly [null, ResolutionTarget, ResolutionTarget, ResolutionTarget, ResolutionTarget, ResolutionTarget];

/** docs/domain.md U6 [UNVERIFIED]: Cat 1 4 h, Cat 2 8 h, Cat 3 2 WD, Cat 4 5 WD, Cat 5 10 WD. */
export const DEFAULT_TARGET_TEXT = { cat1: '4h', cat2: '8h', cat3: '2wd', cat4: '5wd', cat5: '10wd' } as const;

const WORKING_DAYS = /^(\d{1,3})\s*wd$/;

/** "4h", "90m" (clock) or "5wd" (Working Days); undefined when malformed. */
export function parseTarget(text: string): ResolutionTarget | undefined {
  const wd = WORKING_DAYS.exec(text.trim());
  if (wd !== null) return Number(wd[1]) >= 1 ? { kind: 'workingDays', days: Number(wd[1]) } : undefined;
  const ms = parseDuration(text);
  return ms !== undefined && ms > 0 ? { kind: 'clock', ms } : undefined;
}

export function targetsFrom(text: { cat1: string; cat2: string; cat3: string; cat4: string; cat5: string }): IncidentTargets {
  const p = (s: string): ResolutionTarget => {
    const t = parseTarget(s);
    if (t === undefined) throw new RangeError(`bad Target Resolution Time: ${s}`);
    return t;
  };
  return [null, p(text.cat1), p(text.cat2), p(text.cat3), p(text.cat4), p(text.cat5)];
}

/** The incident targets of a scenario's `incidents` block, or the defaults when it has none. */
export function incidentTargetsOf(incidents: { readonly targetText: Parameters<typeof targetsFrom>[0] } | null): IncidentTargets {
  return incidents === null ? DEFAULT_INCIDENT_TARGETS : targetsFrom(incidents.targetText);
}

export const DEFAULT_INCIDENT_TARGETS: IncidentTargets = targetsFrom(DEFAULT_TARGET_TEXT);

/**
 * Target Initial Response Time per category (CR1420), docs/domain.md §2.4 / U6: not published;
 * "minutes for Category 1–2" is the only hint, so these are [ASSUMPTION] defaults a scenario
 * overrides with `traffic.incidents.targetInitialResponse`.
 */
export const DEFAULT_RESPONSE_TARGET_TEXT = { cat1: '15m', cat2: '30m', cat3: '4h', cat4: '8h', cat5: '1wd' } as const;

export const DEFAULT_RESPONSE_TARGETS: IncidentTargets = targetsFrom(DEFAULT_RESPONSE_TARGET_TEXT);

/** Shares of incidents resolved within the Target Resolution Time, per category [ASSUMPTION]. */
export const DEFAULT_RESOLVED_WITHIN_TARGET = { cat1: 0.95, cat2: 0.92, cat3: 0.9, cat4: 0.88, cat5: 0.92 } as const;
/** Shares given their initial response within the Target Initial Response Time, per category [ASSUMPTION]. */
export const DEFAULT_RESPONDED_WITHIN_TARGET = { cat1: 0.98, cat2: 0.97, cat3: 0.95, cat4: 0.95, cat5: 0.95 } as const;

/** The initial-response targets of a scenario's `incidents` block, or the defaults when it has none. */
export function responseTargetsOf(incidents: { readonly responseTargetText: Parameters<typeof targetsFrom>[0] } | null): IncidentTargets {
  return incidents === null ? DEFAULT_RESPONSE_TARGETS : targetsFrom(incidents.responseTargetText);
}

/** When an incident raised at `raisedAt` must be resolved (or, with response targets, responded to) by, inclusive. */
export function resolutionDeadline(targets: IncidentTargets, category: number, raisedAt: number): number {
  const t = targets[category];
  if (t === undefined || t === null) return Number.POSITIVE_INFINITY;
  return t.kind === 'clock' ? raisedAt + t.ms : addWorkingDays(raisedAt, t.days);
}

/** Label values for resolver groups (CR1420 breakdown, docs/domain.md R5). */
export const RESOLVER_LABELS: Readonly<Record<number, string>> = {
  0: 'unknown',
  [ResolverGroup.DCC]: 'dcc',
  [ResolverGroup.DSP]: 'dsp',
  [ResolverGroup.CSP_NORTH]: 'csp-north',
  [ResolverGroup.CSP_CENTRAL]: 'csp-central',
  [ResolverGroup.CSP_SOUTH]: 'csp-south',
  [ResolverGroup.SMETS1_SP]: 'smets1-sp',
  [ResolverGroup.DCO]: 'dco',
  [ResolverGroup.OTHER]: 'other',
};

/** The CSP resolver group of a SMETS2 region network, or the SMETS1 SP for a SMETS1 cohort. */
export function networkResolver(network: number): number {
  if (network === Network.CSP_NORTH) return ResolverGroup.CSP_NORTH;
  if (network === Network.CSP_CENTRAL) return ResolverGroup.CSP_CENTRAL;
  if (network === Network.CSP_SOUTH) return ResolverGroup.CSP_SOUTH;
  return ResolverGroup.SMETS1_SP;
}
