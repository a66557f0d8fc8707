import { describe, expect, it } from 'vitest';
import { FirmwareMetric as M } from '../../../../../simulator/core/domain/metrics/firmware-figures.js';
import { createFirmwareMetrics } from '../../../../../simulator/core/domain/metrics/firmware-metrics.js';
import { bucketLabel } from '../../../../../simulator/core/domain/metrics/histogram.js';
import type { MetricSample } from '../../../../../simulator/core/domain/metrics/metric-table.js';
import {
  DeviceType as D,
  EventKind as K,
  ModelCapability,
  Network as N,
  Outcome as O,
} from '../../../../../simulator/core/domain/vocabulary.js';
import { batchOf, iso } from '../../../../helpers/events.js';

const HOUR = 3_600_000;
// Hand-built campaign. Devices: ESMEs 10.., GSME 20, PPMIDs 30.., CH 40.
const E1 = 10; // north: N60, 0x8F72, future-dated 11.3 executing across the month end, 11.2 confirms
const E2 = 11; // central: N60 then 0x8F1C (negative acknowledgement)
const E3 = 12; // north: in a request the DSP rejects
const E4 = 13; // south: 0x8F1C, then 0x8F72 after a retry: received wins
const G1 = 20; // south: N61 (never reached the CH); 11.3 answered "no image held"
const P1 = 30; // ioc, model PPMID-IOC-MDS: cannot acknowledge; only N60
const P2 = 31; // south: CCS08 0x8F8A, then CS09 success
const P3 = 32; // north: listed, nothing since
const C1 = 40; // central CH: no acknowledgement possible; immediate 11.3 succeeds
const R1 = 4_294_967_297; // 11.1, version 5 (ids above 2^32, as the simulator's firmware requests are)
const R2 = 4_294_967_298; // 11.4, version 7
const R3 = 4_294_967_299; // 11.1, version 9 (CH)
const R4 = 4_294_967_300; // 11.1, version 5: rejected
const R5 = 4_294_967_301; // 11.1, version 5: lists E1 a second time
const tR1 = iso('2026-01-30T10:00:00Z');

function events() {
  const inv = (device: number, deviceType: number, network: number, model: string, caps = 0) => ({
    kind: K.INVENTORY,
    at: '2026-01-29T09:00:00Z',
    device,
    deviceType,
    network,
    code: model,
    value: caps,
  });
  const req = (srv: string, requestId: number, version: number, at: string | number) => ({
    kind: K.SERVICE_REQUEST,
    at,
    code: srv,
    requestId,
    ref: version,
  });
  const list = (
    srv: string,
    requestId: number,
    version: number,
    device: number,
    deviceType: number,
    network: number,
    at: string | number,
  ) => ({ kind: K.DEVICE_LIST_ENTRY, at, code: srv, requestId, ref: version, device, deviceType, network });
  const resp = (srv: string, requestId: number, outcome: number, at: string | number, device = 0, value = 0) => ({
    kind: K.SERVICE_RESPONSE,
    at,
    code: srv,
    requestId,
    outcome,
    device,
    value,
  });
  const alert = (
    kind: typeof K.DEVICE_ALERT | typeof K.DCC_ALERT,
    code: string,
    device: number,
    ref: number,
    at: string | number,
    outcome = 0,
  ) => ({ kind, at, code, device, ref, outcome, requestId: 1, hops: [-1, 1, 2, 3] as const });
  const dev = K.DEVICE_ALERT;
  const dcc = K.DCC_ALERT;
  return [
    inv(E1, D.ESME, N.CSP_NORTH, 'ESME-A'),
    inv(E2, D.ESME, N.CSP_CENTRAL, 'ESME-A'),
    inv(E3, D.ESME, N.CSP_NORTH, 'ESME-A'),
    inv(E4, D.ESME, N.CSP_SOUTH, 'ESME-A'),
    inv(G1, D.GSME, N.CSP_SOUTH, 'GSME-B'),
    inv(P1, D.PPMID, N.SMETS1_IOC, 'PPMID-IOC-MDS', ModelCapability.NO_IMAGE_ACK | ModelCapability.NO_FUTURE_DATED_ACTIVATION),
    inv(P2, D.PPMID, N.CSP_SOUTH, 'PPMID-P'),
    inv(P3, D.PPMID, N.CSP_NORTH, 'PPMID-P'),
    inv(C1, D.CH, N.CSP_CENTRAL, 'CHF-T'),
    req('11.1', R1, 5, tR1),
    list('11.1', R1, 5, E1, D.ESME, N.CSP_NORTH, tR1),
    list('11.1', R1, 5, E2, D.ESME, N.CSP_CENTRAL, tR1),
    list('11.1', R1, 5, E4, D.ESME, N.CSP_SOUTH, tR1),
    list('11.1', R1, 5, G1, D.GSME, N.CSP_SOUTH, tR1),
    resp('11.1', R1, O.SUCCESS, tR1 + 5000),
    req('11.4', R2, 7, tR1 + HOUR),
    list('11.4', R2, 7, P1, D.PPMID, N.SMETS1_IOC, tR1 + HOUR),
    list('11.4', R2, 7, P2, D.PPMID, N.CSP_SOUTH, tR1 + HOUR),
    list('11.4', R2, 7, P3, D.PPMID, N.CSP_NORTH, tR1 + HOUR),
    resp('11.4', R2, O.SUCCESS, tR1 + HOUR + 5000),
    req('11.1', R3, 9, tR1 + 2 * HOUR),
    list('11.1', R3, 9, C1, D.CH, N.CSP_CENTRAL, tR1 + 2 * HOUR),
    resp('11.1', R3, O.SUCCESS, tR1 + 2 * HOUR + 5000),
    req('11.1', R4, 5, tR1 + 3 * HOUR),
    list('11.1', R4, 5, E3, D.ESME, N.CSP_NORTH, tR1 + 3 * HOUR),
    resp('11.1', R4, O.REJECTED, tR1 + 3 * HOUR + 5000),
    req('11.1', R5, 5, tR1 + 4 * HOUR),
    list('11.1', R5, 5, E1, D.ESME, N.CSP_NORTH, tR1 + 4 * HOUR),
    resp('11.1', R5, O.SUCCESS, tR1 + 4 * HOUR + 5000),
    alert(dcc, 'N60', E1, R1, '2026-01-31T06:00:00Z'),
    alert(dcc, 'N60', E2, R1, '2026-01-31T06:00:00Z'),
    alert(dcc, 'N60', E4, R1, '2026-01-31T06:00:00Z'),
    alert(dcc, 'N61', G1, R1, '2026-01-31T07:00:00Z'),
    alert(dcc, 'N60', P1, R2, '2026-01-31T08:00:00Z'),
    alert(dcc, 'N60', P2, R2, '2026-01-31T08:00:00Z'),
    alert(dev, '0x8F72', E1, R1, '2026-01-31T12:00:00Z', O.SUCCESS), // 26 h after R1
    alert(dev, '0x8F1C', E2, R1, '2026-01-31T12:00:00Z', O.FAILURE),
    alert(dev, '0x8F1C', E4, R1, '2026-01-31T12:00:00Z', O.FAILURE),
    alert(dev, '0x8F8A', P2, R2, '2026-01-31T13:00:00Z', O.SUCCESS),
    alert(dev, 'CS09', P2, R2, '2026-01-31T13:30:00Z', O.SUCCESS),
    { kind: K.SERVICE_REQUEST, at: '2026-01-31T14:00:00Z', code: '11.3', requestId: 900, device: C1, ref: 9 },
    resp('11.3', 900, O.SUCCESS, '2026-01-31T14:00:20Z', C1),
    { kind: K.SERVICE_REQUEST, at: '2026-01-31T15:00:00Z', code: '11.3', requestId: 901, device: G1, ref: 5 },
    resp('11.3', 901, O.NO_IMAGE_HELD, '2026-01-31T15:00:20Z', G1),
    alert(dev, '0x8F72', E4, R1, '2026-01-31T18:00:00Z', O.SUCCESS),
    // Future-dated 11.3 on 31 January, executed on 1 February: the activation belongs to February.
    { kind: K.SERVICE_REQUEST, at: '2026-01-31T20:00:00Z', code: '11.3', requestId: 902, device: E1, ref: 5, value: 5 * HOUR },
    resp('11.3', 902, O.ACCEPTED, '2026-01-31T20:00:20Z', E1),
    alert(dev, '0x8F66', E1, 902, '2026-02-01T01:00:00Z', O.SUCCESS),
    resp('11.2', 903, O.SUCCESS, '2026-02-01T03:00:00Z', E1, 5),
  ].sort((x, y) => (typeof x.at === 'number' ? x.at : iso(x.at)) - (typeof y.at === 'number' ? y.at : iso(y.at)));
}

function reportAt(asOf: number): MetricSample[] {
  const family = createFirmwareMetrics();
  family.apply(batchOf(events()));
  return family.report(asOf);
}

/** Sum of a metric over the rows whose labels include `labels`. */
function sum(samples: readonly MetricSample[], id: string, labels: Readonly<Record<string, string>> = {}): number {
  return samples.filter((s) => s.id === id && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

describe('firmware metrics (R3) on a hand-built event set', () => {
  const s = reportAt(iso('2026-02-10T00:00:00Z'));

  it('counts each listed device once per campaign, even when listed twice, by UK month', () => {
    expect(sum(s, M.TARGETS)).toBe(9);
    expect(sum(s, M.TARGETS, { campaign: 'v5', deviceType: 'ESME', network: 'north', month: '2026-01', smets: 'smets2' })).toBe(2); // E1 once, E3
    expect(sum(s, M.TARGETS, { campaign: 'v7' })).toBe(3);
    expect(sum(s, M.TARGETS, { campaign: 'v7', network: 'ioc', smets: 'smets1', model: 'PPMID-IOC-MDS' })).toBe(1);
    expect(sum(s, M.TARGETS, { campaign: 'v9', deviceType: 'CH' })).toBe(1);
  });

  it('keeps a rejected request out of every delivery figure', () => {
    expect(sum(s, M.REJECTED)).toBe(1);
    expect(sum(s, M.REJECTED, { deviceType: 'ESME', network: 'north' })).toBe(1);
    expect(sum(s, M.NAIVE_FAILED, { network: 'north', deviceType: 'ESME' })).toBe(0);
  });

  it('counts received from acknowledgements only; a later positive one wins over a negative one', () => {
    expect(sum(s, M.RECEIVED)).toBe(3); // E1, E4, P2
    expect(sum(s, M.RECEIVED, { deviceType: 'ESME', network: 'south', month: '2026-01' })).toBe(1); // E4
    expect(sum(s, M.RECEIVED, { deviceType: 'PPMID', network: 'south' })).toBe(1);
  });

  it('counts a negative acknowledgement and an N61 as failed', () => {
    expect(sum(s, M.FAILED)).toBe(2);
    expect(sum(s, M.FAILED, { deviceType: 'ESME', network: 'central' })).toBe(1); // E2, 0x8F1C
    expect(sum(s, M.FAILED, { deviceType: 'GSME', network: 'south' })).toBe(1); // G1, N61
    expect(sum(s, M.CH_DISTRIBUTED)).toBe(5); // E1, E2, E4, P1, P2
    expect(sum(s, M.CH_DISTRIBUTION_FAILED, { deviceType: 'GSME' })).toBe(1);
  });

  it('counts a device that can never acknowledge as not measurable, never as failed', () => {
    expect(sum(s, M.NOT_MEASURABLE)).toBe(2);
    expect(sum(s, M.NOT_MEASURABLE, { deviceType: 'PPMID', network: 'ioc', reason: 'modelCannotAck' })).toBe(1);
    expect(sum(s, M.NOT_MEASURABLE, { deviceType: 'CH', reason: 'chImage' })).toBe(1);
    expect(sum(s, M.FAILED, { network: 'ioc' })).toBe(0);
    expect(sum(s, M.AWAITING_ACK)).toBe(1); // P3
    expect(sum(s, M.AWAITING_ACK, { deviceType: 'PPMID', network: 'north' })).toBe(1);
  });

  it('gives the naive "no ack = failure" reading beside the correct one', () => {
    // Every accepted target without a positive acknowledgement: E2, G1, P1, P3, C1.
    expect(sum(s, M.NAIVE_FAILED)).toBe(5);
    expect(sum(s, M.NAIVE_FAILED, { network: 'ioc' })).toBe(1);
  });

  it('puts a future-dated activation in the month it executed, not the month it was requested', () => {
    expect(sum(s, M.ACTIVATED, { deviceType: 'ESME', month: '2026-02' })).toBe(1);
    expect(sum(s, M.ACTIVATED, { deviceType: 'ESME', month: '2026-01' })).toBe(0);
    expect(sum(s, M.ACTIVATED)).toBe(3); // E1 (0x8F66), C1 (11.3 immediate), P2 (CS09)
    expect(sum(s, M.CH_ACTIVATED, { network: 'central', month: '2026-01' })).toBe(1);
    expect(sum(s, M.ACTIVATION_FAILED, { deviceType: 'GSME', outcome: 'noImageHeld' })).toBe(1);
    expect(sum(s, M.VERSION_CONFIRMED, { deviceType: 'ESME', month: '2026-02' })).toBe(1);
    // Before the execution time, the accepted future-dated 11.3 is not an activation yet.
    const before = reportAt(iso('2026-02-01T00:59:59Z'));
    expect(sum(before, M.ACTIVATED, { deviceType: 'ESME' })).toBe(0);
    expect(sum(before, M.ACTIVATION_FAILED, { deviceType: 'ESME' })).toBe(0);
  });

  it('records times from the 11.1 to receipt and to activation as histogram buckets', () => {
    expect(sum(s, M.TIME_TO_RECEIPT_MS, { deviceType: 'ESME', network: 'north', bucket: bucketLabel(26 * HOUR) })).toBe(1);
    expect(sum(s, M.TIME_TO_RECEIPT_MS)).toBe(3);
    // E1: 10:00 on 30 January to 01:00 on 1 February = 39 h.
    expect(sum(s, M.TIME_TO_ACTIVATION_MS, { deviceType: 'ESME', bucket: bucketLabel(39 * HOUR) })).toBe(1);
  });

  it('counts nothing listed after the as-of time', () => {
    const early = reportAt(tR1 + HOUR - 1);
    expect(sum(early, M.TARGETS)).toBe(4);
    expect(sum(early, M.RECEIVED)).toBe(0);
    expect(sum(early, M.AWAITING_ACK)).toBe(4);
  });
});
