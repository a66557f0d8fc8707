import type { IncidentTargets } from '../incident-targets.js';
import { DEFAULT_TRT, type TargetResponseTimes } from '../srv-catalogue.js';

/**
 * Why a request is left out of a measure. A closed list, so the simulator's truth (which knows
 * why each request failed) and the governed exclusion list (docs/domain.md §5.3) use the same words.
 */
export const EXCLUSION_REASONS = ['user-orchestration', 'allowed-exception', 'access-not-granted', 'other'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Measures an exclusion entry can apply to: every SRV measure, or only CPM1 / CPM2 classes. */
export const EXCLUSION_MEASURES = ['srv', 'cpm1', 'cpm2'] as const;
export type ExclusionMeasure = (typeof EXCLUSION_MEASURES)[number];

/**
 * One row of the DCC Exclusion List (MP122B R1; docs/domain.md §5.3 [ASSUMPTION] table keyed by
 * measure, key, reason, valid from / to). Key fields left at 0 / '' match anything. A Service
 * Response is excluded when its response time lies in [validFromMs, validToMs).
 */
export interface ExclusionEntry {
  readonly measure: ExclusionMeasure;
  /** Service User number (1-based), 0 = any. */
  readonly user: number;
  /** SRV, '' = any. */
  readonly srv: string;
  /** Network (proto enum), 0 = any. */
  readonly network: number;
  /** Device number, 0 = any. */
  readonly device: number;
  readonly reason: ExclusionReason;
  readonly validFromMs: number;
  readonly validToMs: number;
}

/**
 * Which Service Responses count as "within target" for R1 and CPM1 / CPM2 (docs/metrics.md):
 * - `successfulResponse`: a successful response delivered within the TRT (MP122B §7, design
 *   principle 4: a User-caused failure "shouldn't be reported as a DCC failure", so failures count
 *   against the measure);
 * - `responseDelivered`: any Service Response delivered within the TRT, failed or not (the SEC
 *   H13.1 words MP122B §2 quotes: "Percentage of On-Demand Service Responses delivered within the
 *   applicable Target Response Time").
 */
export const WITHIN_TARGET_RULES = ['successfulResponse', 'responseDelivered'] as const;
export type WithinTargetRule = (typeof WITHIN_TARGET_RULES)[number];

/**
 * Pipeline configuration: what a measurement pipeline must be told beside the traffic. The
 * simulator (observed) and the embedded pipeline (reported) are built from the same values.
 */
export interface MetricConfig {
  readonly trt: TargetResponseTimes;
  readonly exclusions: readonly ExclusionEntry[];
  /** Target Resolution Time per Incident Category (R5); default docs/domain.md §2.4. */
  readonly incidentTargets?: IncidentTargets;
  /** Target Initial Response Time per Incident Category (CR1420); default docs/domain.md §2.4. */
  readonly incidentResponseTargets?: IncidentTargets;
  /** How long after month end late events can still arrive (R7 watermark); default 48 h. */
  readonly latenessMs?: number;
  /**
   * Whether the SMETS1 Service Providers' per-device firmware data exists (CR1440; default true).
   * Without it, SMETS1 targets are not measurable by receipt: only 11.3 activation (R3 interim).
   */
  readonly smets1SpFirmwareData?: boolean;
  /** Which responses count as within target; default `successfulResponse`. */
  readonly withinTargetRule?: WithinTargetRule;
}

export const DEFAULT_METRIC_CONFIG: MetricConfig = { trt: DEFAULT_TRT, exclusions: [] };
