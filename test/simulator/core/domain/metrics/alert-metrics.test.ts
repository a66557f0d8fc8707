import { describe, expect, it } from 'vitest';
import { AlertMetric as M, createAlertMetrics, intervalLabel } from '../../../../../simulator/core/domain/metrics/alert-metrics.js';
import { DEFAULT_METRIC_CONFIG } from '../../../../../simulator/core/domain/metrics/metric-config.js';
import { MetricTable } from '../../../../../simulator/core/domain/metrics/metric-table.js';
import { DeviceType as D, EventKind as K, Network as N, type EventKind } from '../../../../../simulator/core/domain/vocabulary.js';
import { joinFigures } from '../../../../../harness/oracle/join-figures.js';
import { quantileTable } from '../../../../../harness/report/service-figures.js';
import { batchOf, iso } from '../../../../helpers/events.js';

const t0 = iso('2026-03-03T19:44:00Z');
const alert = (at: number, code: string, network: number, hops: [number, number, number, number], kind: EventKind = K.DEVICE_ALERT) => ({
  kind,
  at,
  code,
  requestId: at,
  device: 10,
  deviceType: D.ESME,
  network,
  user: 1,
  hops,
});

// MP122B, "Measuring Alerts": the Working Group asked the DCC to "measure all Alerts from the point
// they are received by the Communications Hub to when they are validated by all of the applicable
// Service Providers and to when the Service User has confirmed receipt of the Alert", and "Alert
// data for the CSP South and Central Regions is already visible to the DSP" (CR1438 covers CSP
// North and the SMETS1 SPs). Interim: "the DCC advised it could only measure Alerts from the point
// they enter and leave the DSP".
//
// Hand-built alerts (alert TRT 60 s). End to end (R4 / CPM3) = CH receipt (or DCC generation) →
// the User's confirmation (hop 4); interim = DSP validated (hop 2) → sent to the User (hop 3):
//  A central, all hops: CSP +1 000, DSP +1 300, User +59 000, confirm +60 000 → measured, within (exactly 60 s);
//                                                         interim 59 000 − 1 300 = 57 700 → within
//  B central: User +30 000 but confirmed +60 001                             → measured, outside (delivered at 30 s
//                                                         would have been inside under a delivery-timed rule);
//                                                         interim 30 000 − 1 300 = 28 700 → within
//  C north: CSP hop not visible (-1): DSP +5 000, User +5 400, confirm +6 000 → not end-to-end measurable
//                                                         (notMeasurable 1), still in the interim: 400 → within
//  D north, throttled: DSP validated +2 000, never delivered                → throttled, in no timing
//  E DCC alert N24 south, generated t0 + 59 999: no CH → CSP hop (-1), DSP +200, User +500, confirm +900
//                                                         → measured from generation: 900 ≤ 60 000, within
//  F central, delivered +61 500 but DSP validated at +1 000 (slow User link), never confirmed (-1)
//                                                         → not in the end-to-end measure (no confirmation);
//                                                         interim 60 500 → outside
function events() {
  return [
    alert(t0, '0x8F36', N.CSP_CENTRAL, [1000, 1300, 59_000, 60_000]),
    alert(t0 + 1, '0x8F36', N.CSP_CENTRAL, [1000, 1300, 30_000, 60_001]),
    alert(t0 + 2, '0x8F36', N.CSP_NORTH, [-1, 5000, 5400, 6000]),
    alert(t0 + 3, '0x8F36', N.CSP_NORTH, [-1, 2000, -1, -1]),
    alert(t0 + 59_999, 'N24', N.CSP_SOUTH, [-1, 200, 500, 900], K.DCC_ALERT),
    alert(t0 + 4, '0x8F36', N.CSP_CENTRAL, [500, 1000, 61_500, -1]),
  ];
}

function run(): MetricTable {
  const f = createAlertMetrics(DEFAULT_METRIC_CONFIG);
  f.apply(batchOf(events()));
  return new MetricTable().merge(f.report(0));
}

describe('alert metrics (R4) on a hand-built event set', () => {
  const t = run();
  const nm = (network: string) => ({ network, smets: 'smets2', month: '2026-03' });

  it('counts volume per code and kind', () => {
    expect(t.get(M.VOLUME, { code: '0x8F36', kind: 'device', ...nm('central') })).toBe(3);
    expect(t.get(M.VOLUME, { code: '0x8F36', kind: 'device', ...nm('north') })).toBe(2);
    expect(t.get(M.VOLUME, { code: 'N24', kind: 'dcc', ...nm('south') })).toBe(1);
  });

  it('times R4 / CPM3 to the User confirmation: exactly at the target is inside, one ms over outside', () => {
    // A (60 000) and B (60 001) are confirmed; F never is.
    expect(t.get(M.MEASURED, nm('central'))).toBe(2);
    expect(t.get(M.WITHIN_TARGET, nm('central'))).toBe(1);
  });

  it('keeps an alert whose CH receipt is not visible in the interim DSP-only timing', () => {
    expect(t.get(M.MEASURED, nm('north'))).toBe(0);
    expect(t.get(M.NOT_MEASURABLE, nm('north'))).toBe(1);
    // C: DSP validated → sent 400 ms; D was never sent.
    expect(t.get(M.INTERIM_MEASURED, nm('north'))).toBe(1);
    expect(t.get(M.INTERIM_WITHIN_TARGET, nm('north'))).toBe(1);
    // Central: A, B within (57 700, 28 700), F outside (60 500).
    expect(t.get(M.INTERIM_MEASURED, nm('central'))).toBe(3);
    expect(t.get(M.INTERIM_WITHIN_TARGET, nm('central'))).toBe(2);
  });

  it('times a DCC Alert from its generation: it has no CH → CSP hop', () => {
    expect(t.get(M.MEASURED, nm('south'))).toBe(1);
    expect(t.get(M.WITHIN_TARGET, nm('south'))).toBe(1);
    expect(t.get(M.NOT_MEASURABLE, nm('south'))).toBe(0);
    const southHops = t
      .samples()
      .filter((s) => s.id === M.HOP_LATENCY && s.labels.network === 'south')
      .map((s) => s.labels.hop);
    expect(southHops.sort()).toEqual(['dsp-user', 'user-confirm']);
    // A DCC Alert with a CSP offset set by mistake still has no CH → CSP hop.
    const f = createAlertMetrics(DEFAULT_METRIC_CONFIG);
    f.apply(batchOf([alert(t0, 'N24', N.CSP_SOUTH, [100, 200, 500, 900], K.DCC_ALERT)]));
    expect(f.report(0).filter((s) => s.id === M.HOP_LATENCY && s.labels.hop === 'ch-csp')).toEqual([]);
  });

  it('measures only the visible hops of an alert missing its CSP hop', () => {
    const hop = (h: string, bucket: string) => t.get(M.HOP_LATENCY, { hop: h, network: 'north', bucket });
    expect(hop('dsp-user', '400')).toBe(1); // 5 400 − 5 000
    expect(hop('user-confirm', '592')).toBe(1); // 6 000 − 5 400 = 600, in the bucket from 592
    const northHops = t
      .samples()
      .filter((s) => s.id === M.HOP_LATENCY && s.labels.network === 'north')
      .map((s) => s.labels.hop);
    expect(northHops.sort()).toEqual(['dsp-user', 'user-confirm']);
  });

  it('counts a DSP-validated alert that was never delivered as throttled', () => {
    expect(t.get(M.THROTTLED, { code: '0x8F36', ...nm('north') })).toBe(1);
  });

  it('counts deliveries per 15-minute interval of the delivery time', () => {
    // A at 19:44:59.000, B at 19:44:30.001, C at 19:44:05.402, F at 19:45:01.504, E at 19:45:00.499.
    expect(t.get(M.THROUGHPUT, { interval: '2026-03-03T19:30Z' })).toBe(3);
    expect(t.get(M.THROUGHPUT, { interval: '2026-03-03T19:45Z' })).toBe(2);
    expect(intervalLabel(Math.floor(t0 / 900_000))).toBe('2026-03-03T19:30Z');
  });

  it('gives quantiles of the hop distributions', () => {
    const rows = joinFigures(t.samples(), t.samples(), []);
    const central = quantileTable(rows, M.HOP_LATENCY).find((q) => q.labels.hop === 'ch-confirm' && q.labels.network === 'central');
    expect(central?.figures.truth.count).toBe(2);
    // 60 000 and 60 001 share the bucket [59 392, 60 415] (32 sub-buckets per power of two).
    expect(central?.figures.truth.p50).toBe(60_415);
    expect(central?.figures.reported?.count).toBe(0);
    expect(Number.isNaN(central?.figures.reported?.p99)).toBe(true);
  });
});
