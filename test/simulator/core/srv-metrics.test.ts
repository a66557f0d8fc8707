import { describe, expect, it } from 'vitest';
import { DEFAULT_METRIC_CONFIG, type MetricConfig } from '../../../simulator/core/domain/metrics/metric-config.js';
import { MetricTable } from '../../../simulator/core/domain/metrics/metric-table.js';
import { createSrvMetrics, SrvMetric as M } from '../../../simulator/core/domain/metrics/srv-metrics.js';
import { DeviceType as D, EventKind as K, Network as N, Outcome as O } from '../../../simulator/core/domain/vocabulary.js';
import { joinFigures } from '../../../harness/report/oracle.js';
import { cpmFigures } from '../../../harness/report/service-figures.js';
import { batchOf, iso } from '../../helpers/events.js';

const t0 = iso('2026-03-10T10:00:00Z');
const HOUR = 3_600_000;
const req = (at: number, srv: string, id: number, device: number, network: number, extra: { ref?: number; value?: number; user?: number } = {}) => ({
  kind: K.SERVICE_REQUEST, at, code: srv, requestId: id, device, deviceType: D.ESME, network, user: extra.user ?? 1, ref: extra.ref ?? 0, value: extra.value ?? 0,
});
const resp = (at: number, srv: string, id: number, device: number, network: number, outcome: number, user = 1) => ({
  kind: K.SERVICE_RESPONSE, at, code: srv, requestId: id, device, deviceType: D.ESME, network, user, outcome,
});

// Hand-built traffic (TRTs: on-demand 30 s, critical 60 s, transform 3 s, future-dated 30 s after execution):
//  A 4.1.1 central, answered exactly 30 000 ms later           → within target (the boundary is inside)
//  B 4.1.1 central, answered 30 001 ms later                    → outside
//  C 1.2.1 north: transform (3 000 ms, within), signed pre-command future-dated +1 h, answered
//    execution + 30 000 ms                                      → future-dated, within
//  D 1.1.1 south by user 2: transform, signed, FAILURE          → critical failure, excluded (user-orchestration)
//  E 4.8.1 foc DCC-scheduled (ref = schedule), answered 31 s    → dcc-scheduled, outside
//  F 4.1.1 central, request id 1 again from another stream (device 900), answered in 1 s → matched to its own request
//  G 4.1.1 central, request at 22:59:59 UTC on 31 March (23:59:59 BST: March), answered at
//    23:00:01 UTC (00:00:01 BST on 1 April)                      → request in March, response in April
function events() {
  return [
    req(t0, '4.1.1', 1, 100, N.CSP_CENTRAL),
    req(t0, '4.1.1', 1, 900, N.CSP_CENTRAL),
    req(t0 + 1, '4.1.1', 2, 101, N.CSP_CENTRAL),
    req(t0 + 2, '1.2.1', 3, 102, N.CSP_NORTH),
    resp(t0 + 1000, '4.1.1', 1, 900, N.CSP_CENTRAL, O.SUCCESS),
    resp(t0 + 3002, '1.2.1', 3, 102, N.CSP_NORTH, O.SUCCESS),
    req(t0 + 5000, '1.2.1', 4, 102, N.CSP_NORTH, { ref: 3, value: HOUR }),
    req(t0 + 6000, '1.1.1', 5, 103, N.CSP_SOUTH, { user: 2 }),
    resp(t0 + 7000, '1.1.1', 5, 103, N.CSP_SOUTH, O.SUCCESS, 2),
    req(t0 + 9000, '1.1.1', 6, 103, N.CSP_SOUTH, { user: 2, ref: 5 }),
    req(t0 + 9500, '4.8.1', 7, 104, N.SMETS1_FOC, { ref: 77 }),
    resp(t0 + 20_000, '1.1.1', 6, 103, N.CSP_SOUTH, O.FAILURE, 2),
    resp(t0 + 30_000, '4.1.1', 1, 100, N.CSP_CENTRAL, O.SUCCESS),
    resp(t0 + 30_002, '4.1.1', 2, 101, N.CSP_CENTRAL, O.SUCCESS),
    resp(t0 + 40_500, '4.8.1', 7, 104, N.SMETS1_FOC, O.SUCCESS),
    resp(t0 + 5000 + HOUR + 30_000, '1.2.1', 4, 102, N.CSP_NORTH, O.SUCCESS),
    req(iso('2026-03-31T22:59:59Z'), '4.1.1', 8, 105, N.CSP_CENTRAL),
    resp(iso('2026-03-31T23:00:01Z'), '4.1.1', 8, 105, N.CSP_CENTRAL, O.SUCCESS),
  ];
}

const EXCLUDE_USER_2: MetricConfig = {
  ...DEFAULT_METRIC_CONFIG,
  exclusions: [{ measure: 'cpm1', user: 2, srv: '1.1.1', network: 0, device: 0, reason: 'user-orchestration', validFromMs: iso('2026-03-01'), validToMs: iso('2026-04-01') }],
};

function run(config: MetricConfig): MetricTable {
  const f = createSrvMetrics(config);
  f.apply(batchOf(events()));
  return new MetricTable().merge(f.report(0));
}

const L = (srv: string, process: string, cls: string, network: string, month = '2026-03') => ({
  srv, process, class: cls, network, smets: network === 'foc' ? 'smets1' : 'smets2', month,
});

describe('SRV metrics (R1) on a hand-built event set', () => {
  const t = run(EXCLUDE_USER_2);

  it('puts a response exactly at the target inside it and one ms over outside', () => {
    const od = L('4.1.1', 'billing', 'on-demand', 'central');
    expect(t.get(M.REQUESTS, od)).toBe(4); // A, B, F, G
    expect(t.get(M.RESPONSES, od)).toBe(3); // G's response is April's
    expect(t.get(M.WITHIN_TARGET, od)).toBe(2); // A (30 000 ms) and F (1 s); not B (30 001 ms)
    expect(t.get(M.FAILURES, od)).toBe(0);
  });

  it('classifies transform, future-dated, critical and DCC-scheduled requests and times each from its clock start', () => {
    expect(t.get(M.WITHIN_TARGET, L('1.2.1', 'billing', 'transform', 'north'))).toBe(1); // 3 000 ms
    expect(t.get(M.REQUESTS, L('1.2.1', 'billing', 'future-dated', 'north'))).toBe(1);
    expect(t.get(M.WITHIN_TARGET, L('1.2.1', 'billing', 'future-dated', 'north'))).toBe(1); // execution + 30 000 ms
    expect(t.get(M.REQUESTS, L('1.1.1', 'change-of-supplier', 'critical', 'south'))).toBe(1);
    expect(t.get(M.RESPONSES, L('4.8.1', 'billing', 'dcc-scheduled', 'foc'))).toBe(1);
    expect(t.get(M.WITHIN_TARGET, L('4.8.1', 'billing', 'dcc-scheduled', 'foc'))).toBe(0); // 31 000 ms
  });

  it('applies the exclusion list to an excluded failure, counting it and its reason', () => {
    const crit = L('1.1.1', 'change-of-supplier', 'critical', 'south');
    expect(t.get(M.FAILURES, crit)).toBe(1);
    expect(t.get(M.EXCLUDED, { ...crit, reason: 'user-orchestration' })).toBe(1);
    expect(t.get(M.EXCLUDED_FAILURES, { ...crit, reason: 'user-orchestration' })).toBe(1);
    // measure cpm1: the transform step (not a CPM1 class) is not excluded.
    expect(t.get(M.EXCLUDED, { ...L('1.1.1', 'change-of-supplier', 'transform', 'south'), reason: 'user-orchestration' })).toBe(0);
    const none = run(DEFAULT_METRIC_CONFIG);
    expect(none.get(M.EXCLUDED, { ...crit, reason: 'user-orchestration' })).toBe(0);
    expect(none.get(M.FAILURES, crit)).toBe(1);
  });

  it('reports by UK month: 23:00:01 UTC on 31 March is April in BST', () => {
    expect(t.get(M.REQUESTS, L('4.1.1', 'billing', 'on-demand', 'central', '2026-04'))).toBe(0);
    expect(t.get(M.RESPONSES, L('4.1.1', 'billing', 'on-demand', 'central', '2026-04'))).toBe(1);
    expect(t.get(M.WITHIN_TARGET, L('4.1.1', 'billing', 'on-demand', 'central', '2026-04'))).toBe(1);
  });

  it('computes CPM1 and CPM2 the old way and the MP122 way', () => {
    const rows = joinFigures(t.samples(), t.samples(), t.samples());
    const [cpm1, cpm2] = cpmFigures(rows);
    // CPM1 (on-demand + critical): central 3 of 4 within (A, F, G; not B); south 0 of 1 (D failed).
    // MP122 way: D excluded → 3 / 4 = 75 %. No exclusions: 3 / 5 = 60 %.
    expect(cpm1?.mp122.observed).toBe(75);
    expect(cpm1?.withoutExclusions.observed).toBe(60);
    // Old way: mean of DSP (3/5 = 60 %), CSP Central (75 %), CSP South (0 %) = 45 %.
    expect(cpm1?.oldWay.observed).toBe(45);
    // CPM2 (future-dated + dcc-scheduled): north 1/1, foc 0/1. MP122: 50 %; old: mean(DSP 50, North 100, S1SP 0) = 50 %.
    expect(cpm2?.mp122.observed).toBe(50);
    expect(cpm2?.oldWay.observed).toBe(50);
  });
});
