import { describe, expect, it } from 'vitest';
import { DEFAULT_METRIC_CONFIG, type MetricConfig } from '../../../../../simulator/core/domain/metrics/metric-config.js';
import { MetricTable } from '../../../../../simulator/core/domain/metrics/metric-table.js';
import { createSrvMetrics, SrvMetric as M } from '../../../../../simulator/core/domain/metrics/srv-metrics.js';
import { DeviceType as D, EventKind as K, Network as N, Outcome as O } from '../../../../../simulator/core/domain/vocabulary.js';
import { joinFigures } from '../../../../../harness/oracle/join-figures.js';
import { cpmFigures } from '../../../../../harness/report/service-figures.js';
import { batchOf, iso } from '../../../../helpers/events.js';

const t0 = iso('2026-03-10T10:00:00Z');
const HOUR = 3_600_000;
const req = (
  at: number,
  srv: string,
  id: number,
  device: number,
  network: number,
  extra: { ref?: number; value?: number; user?: number } = {},
) => ({
  kind: K.SERVICE_REQUEST,
  at,
  code: srv,
  requestId: id,
  device,
  deviceType: D.ESME,
  network,
  user: extra.user ?? 1,
  ref: extra.ref ?? 0,
  value: extra.value ?? 0,
});
const resp = (at: number, srv: string, id: number, device: number, network: number, outcome: number, user = 1) => ({
  kind: K.SERVICE_RESPONSE,
  at,
  code: srv,
  requestId: id,
  device,
  deviceType: D.ESME,
  network,
  user,
  outcome,
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
  exclusions: [
    {
      measure: 'cpm1',
      user: 2,
      srv: '1.1.1',
      network: 0,
      device: 0,
      reason: 'user-orchestration',
      validFromMs: iso('2026-03-01'),
      validToMs: iso('2026-04-01'),
    },
  ],
};

function run(config: MetricConfig): MetricTable {
  const f = createSrvMetrics(config);
  f.apply(batchOf(events()));
  return new MetricTable().merge(f.report(0));
}

const L = (srv: string, process: string, cls: string, network: string, month = '2026-03') => ({
  srv,
  process,
  class: cls,
  network,
  smets: network === 'foc' ? 'smets1' : 'smets2',
  month,
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
    expect(t.get(M.REQUESTS, L('1.1.1', 'billing', 'critical', 'south'))).toBe(1);
    expect(t.get(M.RESPONSES, L('4.8.1', 'billing', 'dcc-scheduled', 'foc'))).toBe(1);
    expect(t.get(M.WITHIN_TARGET, L('4.8.1', 'billing', 'dcc-scheduled', 'foc'))).toBe(0); // 31 000 ms
  });

  it('applies the exclusion list to an excluded failure, counting it and its reason', () => {
    const crit = L('1.1.1', 'billing', 'critical', 'south');
    expect(t.get(M.FAILURES, crit)).toBe(1);
    expect(t.get(M.EXCLUDED, { ...crit, reason: 'user-orchestration' })).toBe(1);
    expect(t.get(M.EXCLUDED_FAILURES, { ...crit, reason: 'user-orchestration' })).toBe(1);
    // measure cpm1: the transform step (not a CPM1 class) is not excluded.
    expect(t.get(M.EXCLUDED, { ...L('1.1.1', 'billing', 'transform', 'south'), reason: 'user-orchestration' })).toBe(0);
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

describe('firmware SRVs (11.x) in the SRV family', () => {
  // 11.3's ref is the FirmwareVersion, never a Transform link: an immediate 11.3 with ref 7 is
  // critical (a 1.1.1 with ref 0 would be a transform), a future-dated one is future-dated and its
  // "Command Accepted" response before execution counts within target. 11.1 / 11.4 are Non-Device
  // (device 0, no network): 11.1 answered in 8 s (≤ 10 s) within, 11.4 REJECTED a failure.
  //  H 11.3 ioc, ref 7, SUCCESS after 20 s               → critical, within (60 s)
  //  I 11.3 ioc, ref 7, +2 h, ACCEPTED after 20 s        → future-dated, within
  //  J 11.3 ioc, ref 0, HASH_MISMATCH after 70 s         → critical, neither within nor a failure
  //  K 1.1.1 north, ref 0 (transform), SUCCESS 2 s       → transform, within (3 s)
  //  L 11.1 no device, ref 7, SUCCESS 8 s                 → non-device, within
  //  M 11.4 no device, ref 7, REJECTED 1 s                → non-device, failure
  const f = createSrvMetrics(DEFAULT_METRIC_CONFIG);
  f.apply(
    batchOf([
      req(t0, '11.3', 11, 200, N.SMETS1_IOC, { ref: 7 }),
      req(t0, '11.3', 12, 201, N.SMETS1_IOC, { ref: 7, value: 2 * HOUR }),
      req(t0, '11.3', 13, 202, N.SMETS1_IOC),
      req(t0, '1.1.1', 14, 203, N.CSP_NORTH),
      req(t0, '11.1', 15, 0, 0, { ref: 7 }),
      req(t0, '11.4', 16, 0, 0, { ref: 7 }),
      resp(t0 + 1000, '11.4', 16, 0, 0, O.REJECTED),
      resp(t0 + 2000, '1.1.1', 14, 203, N.CSP_NORTH, O.SUCCESS),
      resp(t0 + 8000, '11.1', 15, 0, 0, O.SUCCESS),
      resp(t0 + 20_000, '11.3', 11, 200, N.SMETS1_IOC, O.SUCCESS),
      resp(t0 + 20_000, '11.3', 12, 201, N.SMETS1_IOC, O.ACCEPTED),
      resp(t0 + 70_000, '11.3', 13, 202, N.SMETS1_IOC, O.HASH_MISMATCH),
    ]),
  );
  const rows = f.report(t0 + HOUR);
  const by = (id: string, srv: string) =>
    rows
      .filter((r) => r.id === id && r.labels.srv === srv)
      .map((r) => `${r.labels.class}/${r.labels.network}/${r.labels.process}=${r.value}`)
      .sort();

  it('classes 11.3 by its execution time only, never reading its ref as a transform link', () => {
    expect(by(M.RESPONSES, '11.3')).toEqual(['critical/ioc/firmware=2', 'future-dated/ioc/firmware=1']);
    expect(by(M.WITHIN_TARGET, '11.3')).toEqual(['critical/ioc/firmware=1', 'future-dated/ioc/firmware=1']);
    expect(by(M.FAILURES, '11.3')).toEqual([]);
    expect(by(M.RESPONSES, '1.1.1')).toEqual(['transform/north/billing=1']);
  });

  it('counts 11.1 / 11.4 as Non-Device responses under the Firmware business process', () => {
    expect(by(M.WITHIN_TARGET, '11.1')).toEqual(['non-device/unknown/firmware=1']);
    expect(by(M.FAILURES, '11.4')).toEqual(['non-device/unknown/firmware=1']);
    expect(by(M.WITHIN_TARGET, '11.4')).toEqual([]);
  });
});
