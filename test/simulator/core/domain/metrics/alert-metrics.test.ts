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

// Hand-built alerts (alert TRT 60 s, CH receipt → delivered to the User):
//  A central, all hops visible: CSP +1 000, DSP +1 300, User +60 000, confirm +61 000 → within (exactly 60 s)
//  B central, delivered at +60 001                                                    → outside
//  C north: CSP hop not visible (-1): DSP +5 000, User +5 400, confirm +6 000  → delivered, not measurable
//  D north, throttled: DSP validated +2 000, never delivered                   → throttled
//  E DCC alert N24 south, delivered at +500 (next 15-minute interval: 19:45)
function events() {
  return [
    alert(t0, '0x8F36', N.CSP_CENTRAL, [1000, 1300, 60_000, 61_000]),
    alert(t0 + 1, '0x8F36', N.CSP_CENTRAL, [1000, 1300, 60_001, -1]),
    alert(t0 + 2, '0x8F36', N.CSP_NORTH, [-1, 5000, 5400, 6000]),
    alert(t0 + 3, '0x8F36', N.CSP_NORTH, [-1, 2000, -1, -1]),
    alert(t0 + 59_999, 'N24', N.CSP_SOUTH, [100, 200, 500, 900], K.DCC_ALERT),
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
    expect(t.get(M.VOLUME, { code: '0x8F36', kind: 'device', ...nm('central') })).toBe(2);
    expect(t.get(M.VOLUME, { code: '0x8F36', kind: 'device', ...nm('north') })).toBe(2);
    expect(t.get(M.VOLUME, { code: 'N24', kind: 'dcc', ...nm('south') })).toBe(1);
  });

  it('puts a delivery exactly at the target inside it and one ms over outside', () => {
    expect(t.get(M.MEASURED, nm('central'))).toBe(2);
    expect(t.get(M.WITHIN_TARGET, nm('central'))).toBe(1);
  });

  it('measures only the visible hops of an alert missing its CSP hop', () => {
    expect(t.get(M.MEASURED, nm('north'))).toBe(0);
    expect(t.get(M.NOT_MEASURABLE, nm('north'))).toBe(1);
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
    // A at 19:45:00.000, B at 19:45:00.002, C at 19:44:05.402, E at 19:45:00.499.
    expect(t.get(M.THROUGHPUT, { interval: '2026-03-03T19:30Z' })).toBe(1);
    expect(t.get(M.THROUGHPUT, { interval: '2026-03-03T19:45Z' })).toBe(3);
    expect(intervalLabel(Math.floor(t0 / 900_000))).toBe('2026-03-03T19:30Z');
  });

  it('gives quantiles of the hop distributions', () => {
    const rows = joinFigures(t.samples(), t.samples(), []);
    const central = quantileTable(rows, M.HOP_LATENCY).find((q) => q.labels.hop === 'ch-user' && q.labels.network === 'central');
    expect(central?.figures.truth.count).toBe(2);
    // 60 000 and 60 001 share the bucket [59 392, 60 415] (32 sub-buckets per power of two).
    expect(central?.figures.truth.p50).toBe(60_415);
    expect(central?.figures.reported?.count).toBe(0);
    expect(Number.isNaN(central?.figures.reported?.p99)).toBe(true);
  });
});
