import { HOPS_PER_ALERT, isAlertKind, type EventBatchView } from '../event-batch.js';
import { EventKind, NETWORK_LABELS, NETWORK_MAX, smetsLabel } from '../vocabulary.js';
import type { Accumulator } from './accumulator.js';
import { bucketIndex, bucketLowerBound } from './histogram.js';
import type { MetricConfig } from './metric-config.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';
import { MonthIndex } from './month-index.js';

/** Metric ids of R4, alerts from the Communications Hub to the Service User (docs/metrics.md). */
export const AlertMetric = {
  /** Alerts by {code, kind (device/dcc), network, smets, month} (event time = CH receipt / DCC generation). */
  VOLUME: 'alert.volume',
  /** Latency per hop as a distribution: {hop, network, bucket} bucket counts (histogram.ts). */
  HOP_LATENCY: 'alert.hopLatency',
  /**
   * R4 / CPM3, end to end: alerts the Service User confirmed whose whole time is visible, from
   * CH receipt (Device Alert, CSP hop visible) or DCC generation (DCC Alert) to the User's
   * confirmation, {network, smets, month}.
   */
  MEASURED: 'alert.measured',
  /** Of those, confirmed by the User within the alert TRT (≤) of CH receipt / generation, {network, smets, month}. */
  WITHIN_TARGET: 'alert.withinTarget',
  /**
   * Confirmed Device Alerts whose CH receipt time the DCC cannot see (CSP North, SMETS1 SP:
   * CR1438), {network, smets, month}: not in the end-to-end measure, timed DSP-only below.
   */
  NOT_MEASURABLE: 'alert.notMeasurable',
  /** The interim DSP-only timing: every alert delivered to the User, DSP validated → sent to the User, {network, smets, month}. */
  INTERIM_MEASURED: 'alert.interimMeasured',
  /** Of those, sent to the User within the alert TRT (≤) of the DSP's validation, {network, smets, month}. */
  INTERIM_WITHIN_TARGET: 'alert.interimWithinTarget',
  /** Alerts validated by the DSP and held back by Alert Storm Protection, {code, network, month}. */
  THROTTLED: 'alert.throttled',
  /** Alerts delivered to Service Users per 15-minute interval (CR1418), {interval}: UTC start "2026-03-02T10:15Z". */
  THROUGHPUT: 'alert.throughput',
} as const;

/**
 * Hops between the 5 timestamps of an alert; `ch-user` is CH receipt → sent to the User, and
 * `ch-confirm` CH receipt → confirmed by the User, the R4 / CPM3 measure. DCC Alerts start in the
 * DCC: they have no CH → CSP hop, so only `dsp-user` and `user-confirm`.
 */
export const ALERT_HOPS = ['ch-csp', 'csp-dsp', 'dsp-user', 'user-confirm', 'ch-user', 'ch-confirm'] as const;
const HOPS = ALERT_HOPS.length;
const NETS = NETWORK_MAX + 1;
const MAX_BUCKET = 1100; // ≈ 2^38 ms: any latency a run can produce
export const THROUGHPUT_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Additive alert counters, written by the metric family (observed) and by the alert process
 * (truth, with every hop), so both share ids and labels.
 */
export class AlertCounters implements Accumulator {
  private readonly months = new MonthIndex();
  private readonly codes: string[] = [];
  private readonly codeIndex = new Map<string, number>();
  private readonly volume = new Map<number, number>();
  private readonly throttled = new Map<number, number>();
  private readonly measured = new Map<number, number>();
  private readonly within = new Map<number, number>();
  private readonly notMeasurable = new Map<number, number>();
  private readonly interimMeasured = new Map<number, number>();
  private readonly interimWithin = new Map<number, number>();
  private readonly throughput = new Map<number, number>();
  private readonly latency = new Float64Array(HOPS * NETS * MAX_BUCKET);

  code(code: string): number {
    let i = this.codeIndex.get(code);
    if (i === undefined) {
      i = this.codes.length;
      this.codes.push(code);
      this.codeIndex.set(code, i);
    }
    return i;
  }

  /**
   * One alert: `h0…h3` are the hop offsets in ms after `timeMs` (-1 = not visible / did not happen).
   * `code` is an index from `code()`.
   */
  add(
    kind: number,
    code: number,
    network: number,
    timeMs: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
    alertTrtMs: number,
  ): void {
    const m = this.months.of(timeMs);
    const mn = m * NETS + network;
    const dcc = kind === EventKind.DCC_ALERT ? 1 : 0;
    inc(this.volume, (mn * 2 + dcc) * 65536 + code);
    // A DCC Alert is generated inside the DCC: no CH → CSP hop, whatever h0 says.
    const ch = dcc === 1 ? -1 : h0;
    if (ch >= 0) this.hop(0, network, ch);
    if (ch >= 0 && h1 >= 0) this.hop(1, network, h1 - ch);
    if (h1 >= 0 && h2 >= 0) this.hop(2, network, h2 - h1);
    if (h2 >= 0 && h3 >= 0) this.hop(3, network, h3 - h2);
    if (h1 >= 0 && h2 < 0) inc(this.throttled, mn * 65536 + code);
    if (h2 < 0) return;
    inc(this.throughput, Math.floor((timeMs + h2) / THROUGHPUT_INTERVAL_MS));
    // MP122B: "the DCC advised it could only measure Alerts from the point they enter and leave
    // the DSP": the interim timing, for every alert delivered.
    if (h1 >= 0) {
      inc(this.interimMeasured, mn);
      if (h2 - h1 <= alertTrtMs) inc(this.interimWithin, mn);
    }
    if (ch >= 0) this.hop(4, network, h2);
    // R4 ends "when the Service User has confirmed receipt of the Alert".
    if (h3 < 0) return;
    if (dcc === 0 && ch < 0) {
      inc(this.notMeasurable, mn);
      return;
    }
    if (ch >= 0) this.hop(5, network, h3);
    inc(this.measured, mn);
    if (h3 <= alertTrtMs) inc(this.within, mn);
  }

  private hop(hop: number, network: number, ms: number): void {
    const b = Math.min(bucketIndex(ms), MAX_BUCKET - 1);
    (this.latency[(hop * NETS + network) * MAX_BUCKET + b] as number) += 1;
  }

  report(out: MetricTable): void {
    const netMonth = (mn: number): { network: string; smets: string; month: string } => {
      const network = mn % NETS;
      return {
        network: NETWORK_LABELS[network] as string,
        smets: smetsLabel(network),
        month: this.months.labels[(mn - network) / NETS] as string,
      };
    };
    for (const [k, v] of this.volume) {
      const code = k % 65536;
      const rest = (k - code) / 65536;
      const dcc = rest % 2;
      out.add(
        AlertMetric.VOLUME,
        { code: this.codes[code] as string, kind: dcc === 1 ? 'dcc' : 'device', ...netMonth((rest - dcc) / 2) },
        v,
      );
    }
    for (const [k, v] of this.throttled) {
      const code = k % 65536;
      out.add(AlertMetric.THROTTLED, { code: this.codes[code] as string, ...netMonth((k - code) / 65536) }, v);
    }
    for (const [k, v] of this.measured) out.add(AlertMetric.MEASURED, netMonth(k), v);
    for (const [k, v] of this.within) out.add(AlertMetric.WITHIN_TARGET, netMonth(k), v);
    for (const [k, v] of this.notMeasurable) out.add(AlertMetric.NOT_MEASURABLE, netMonth(k), v);
    for (const [k, v] of this.interimMeasured) out.add(AlertMetric.INTERIM_MEASURED, netMonth(k), v);
    for (const [k, v] of this.interimWithin) out.add(AlertMetric.INTERIM_WITHIN_TARGET, netMonth(k), v);
    for (const [k, v] of this.throughput) out.add(AlertMetric.THROUGHPUT, { interval: intervalLabel(k) }, v);
    for (let hop = 0; hop < HOPS; hop++)
      for (let net = 0; net < NETS; net++) {
        const o = (hop * NETS + net) * MAX_BUCKET;
        for (let bkt = 0; bkt < MAX_BUCKET; bkt++) {
          const c = this.latency[o + bkt] as number;
          if (c > 0)
            out.add(
              AlertMetric.HOP_LATENCY,
              { hop: ALERT_HOPS[hop] as string, network: NETWORK_LABELS[net] as string, bucket: String(bucketLowerBound(bkt)) },
              c,
            );
        }
      }
  }
}

function inc(m: Map<number, number>, key: number): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/** "2026-03-02T10:15Z": the UTC start of a 15-minute interval. */
export function intervalLabel(index: number): string {
  return `${new Date(index * THROUGHPUT_INTERVAL_MS).toISOString().slice(0, 16)}Z`;
}

/** R4 from observed traffic: only the hops the DCC can see (offset ≥ 0) are measured. */
export function createAlertMetrics(config: MetricConfig): MetricFamily {
  const counters = new AlertCounters();
  const trt = config.trt.alert;
  let codeOf = new Int32Array(64);
  return {
    apply(b: EventBatchView) {
      const dict = b.dictionary;
      if (codeOf.length < dict.length) codeOf = new Int32Array(dict.length * 2);
      codeOf.fill(-1, 0, dict.length);
      const n = b.eventCount;
      const h = b.hopDeltaMs;
      let hop = 0;
      for (let i = 0; i < n; i++) {
        const kind = b.kind[i] as number;
        if (!isAlertKind(kind)) continue;
        const ci = b.code[i] as number;
        let code = codeOf[ci] as number;
        if (code < 0) {
          code = counters.code(dict[ci] as string);
          codeOf[ci] = code;
        }
        const time = b.baseTimeMs + (b.timeDeltaMs[i] as number);
        counters.add(
          kind,
          code,
          b.network[i] as number,
          time,
          h[hop] as number,
          h[hop + 1] as number,
          h[hop + 2] as number,
          h[hop + 3] as number,
          trt,
        );
        hop += HOPS_PER_ALERT;
      }
    },
    report(): MetricSample[] {
      const out = new MetricTable();
      counters.report(out);
      return out.samples();
    },
  };
}
