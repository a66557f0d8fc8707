import { type MetricSample, metricKey } from './metric-table.js';

/**
 * A blind spot is truth − observed: what the devices experienced that the traffic does not show.
 * For a count it is never negative, with one kind of exception: ids that count what the DCC
 * cannot tell, which the truth (knowing everything) never or more rarely counts. Each is listed
 * here with the reason; a test checks truth ≥ observed for every other count of every scenario.
 */
export const OBSERVED_MAY_EXCEED_TRUTH: Readonly<Record<string, string>> = {
  'firmware.notMeasurable': 'targets nobody can report on; the truth always knows, so its figure is 0',
  'firmware.awaitingAck': 'includes lost acknowledgements and untold failures, which the truth counts as received or failed',
  'firmware.naiveFailed': 'the "no acknowledgement = failure" reading counts received-but-unacknowledged targets',
  'alert.notMeasurable': 'CH receipt times the DSP cannot see (CR1438); the truth sees them all',
  'srv.excluded': "the governed exclusion list is coarser than the truth's exact User-caused failures",
  'srv.excludedWithinTarget': 'the governed list also leaves out responses that succeeded; the truth excludes only failures',
  'srv.excludedFailures': "the governed list may name failures the DCC caused; the truth excludes only the User's",
};

/** One count whose observed figure exceeds its truth: a negative blind spot. */
export interface NegativeBlindSpot {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly truth: number;
  readonly observed: number;
}

/**
 * Every count (not a distribution bucket, not an id of `OBSERVED_MAY_EXCEED_TRUTH`) whose observed
 * figure exceeds the truth's for the same id and labels; a row missing from the truth counts 0.
 */
export function negativeBlindSpots(truth: readonly MetricSample[], observed: readonly MetricSample[]): NegativeBlindSpot[] {
  const t = new Map(truth.map((s) => [metricKey(s.id, s.labels), s.value]));
  const out: NegativeBlindSpot[] = [];
  for (const s of observed) {
    if (s.id.endsWith('Ms') || s.labels.bucket !== undefined || OBSERVED_MAY_EXCEED_TRUTH[s.id] !== undefined) continue;
    const tv = t.get(metricKey(s.id, s.labels)) ?? 0;
    if (s.value > tv) out.push({ id: s.id, labels: s.labels, truth: tv, observed: s.value });
  }
  return out;
}
