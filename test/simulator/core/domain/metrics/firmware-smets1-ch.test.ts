import { describe, expect, it } from 'vitest';
import { FirmwareMetric as M } from '../../../../../simulator/core/domain/metrics/firmware-figures.js';
import { createFirmwareMetrics } from '../../../../../simulator/core/domain/metrics/firmware-metrics.js';
import { MetricTable } from '../../../../../simulator/core/domain/metrics/metric-table.js';
import {
  DeviceType as D,
  EventKind as K,
  FirmwareAlert as FA,
  INVENTORY_FIRMWARE_SHIFT,
  ModelCapability,
  Network as N,
  Outcome as O,
} from '../../../../../simulator/core/domain/vocabulary.js';
import { batchOf, iso } from '../../../../helpers/events.js';

// MP122B, "Measuring SRV 11.1 'Distribute Firmware' for SMETS1 Devices": CR1440 asks "for the
// SMETS1 Service Providers to report the success or failure and Round Trip Time of both the upload
// and activation of Firmware Images to individual Devices (including Communications Hubs)", and
// "CR1440 is not covered by SECMP0007. This is because SECMP0007 is only applicable to SMETS2
// Devices". "IOC/MDS PPMIDs do not support the capability of returning an acknowledgement upon
// receipt of a firmware Image [...] the proposed reporting mechanism for PPMIDs will only report the
// distribution status to the Communications Hub."
// "Communications Hub Metrics": "Communications Hub Firmware Images are sent directly on the CSP
// and SMETS1 Service Provider networks [...] the DCC would instead measure only the activation of
// the Image."
//
// Hand-built set, one 11.1 (version 8) to SMETS1 devices, and CH images activated by their CSP:
//  S1 ESME foc:   SMETS1 SP "delivered"           → received (the SP reports the device's upload)
//  S2 GSME moc:   SMETS1 SP "not delivered"       → failed
//  S3 PPMID ioc, PPMID-IOC-MDS (cannot ack): SMETS1 SP "delivered" → the CH only: chDistributed,
//                 not received; notMeasurable (modelCannotAck)
//  S4 ESME foc:   nothing yet                     → awaitingAck
//  S1 then activated by 11.3                      → activated
//  C1 CH central: inventory shows version 74 running → chActivated{v74}; never a target
//  C2 CH north:   inventory record without a version (an install) → nothing
const S1 = 100;
const S2 = 101;
const S3 = 102;
const S4 = 103;
const C1 = 200;
const C2 = 201;
const R = 2 ** 32 + 7;
const t0 = iso('2026-03-10T10:00:00Z');

function events() {
  const inv = (device: number, deviceType: number, network: number, model: string, value = 0, at = t0 - 1000) => ({
    kind: K.INVENTORY,
    at,
    device,
    deviceType,
    network,
    code: model,
    value,
  });
  const list = (device: number, deviceType: number, network: number) => ({
    kind: K.DEVICE_LIST_ENTRY,
    at: t0,
    code: '11.1',
    requestId: R,
    ref: 8,
    device,
    deviceType,
    network,
  });
  const s1sp = (code: string, device: number, at: number) => ({
    kind: K.DCC_ALERT,
    at,
    code,
    device,
    ref: R,
    requestId: at,
    hops: [-1, 1, 2, 3] as const,
  });
  return [
    inv(S1, D.ESME, N.SMETS1_FOC, 'ESME-S1'),
    inv(S2, D.GSME, N.SMETS1_MOC, 'GSME-S1'),
    inv(S3, D.PPMID, N.SMETS1_IOC, 'PPMID-IOC-MDS', ModelCapability.NO_IMAGE_ACK),
    inv(S4, D.ESME, N.SMETS1_FOC, 'ESME-S1'),
    inv(C2, D.CH, N.CSP_NORTH, 'CHF-T'),
    { kind: K.SERVICE_REQUEST, at: t0, code: '11.1', requestId: R, ref: 8 },
    list(S1, D.ESME, N.SMETS1_FOC),
    list(S2, D.GSME, N.SMETS1_MOC),
    list(S3, D.PPMID, N.SMETS1_IOC),
    list(S4, D.ESME, N.SMETS1_FOC),
    { kind: K.SERVICE_RESPONSE, at: t0 + 2000, code: '11.1', requestId: R, outcome: O.SUCCESS },
    s1sp(FA.S1SP_DISTRIBUTED, S1, t0 + 3_600_000),
    s1sp(FA.S1SP_DISTRIBUTION_FAILED, S2, t0 + 3_600_000),
    s1sp(FA.S1SP_DISTRIBUTED, S3, t0 + 3_600_000),
    inv(C1, D.CH, N.CSP_CENTRAL, 'CHF-T', 74 << INVENTORY_FIRMWARE_SHIFT, t0 + 4_000_000),
    { kind: K.SERVICE_REQUEST, at: t0 + 5_000_000, code: '11.3', requestId: 900, device: S1, ref: 8 },
    { kind: K.SERVICE_RESPONSE, at: t0 + 5_020_000, code: '11.3', requestId: 900, device: S1, outcome: O.SUCCESS },
  ];
}

function report(smets1SpData: boolean): MetricTable {
  const f = createFirmwareMetrics(smets1SpData);
  // Without the data, no SMETS1 SP status reaches the pipeline.
  f.apply(batchOf(events().filter((e) => smets1SpData || !e.code.startsWith('S1SP-'))));
  return new MetricTable().merge(f.report(t0 + 86_400_000));
}

const sum = (t: MetricTable, id: string, where: Record<string, string> = {}): number =>
  t
    .samples()
    .filter((s) => s.id === id && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);

describe('R3 for SMETS1 devices and Communications Hubs (hand-built)', () => {
  const t = report(true);

  it('counts SMETS1 targets apart from SMETS2, from the SMETS1 SP distribution status', () => {
    expect(sum(t, M.TARGETS, { smets: 'smets1' })).toBe(4);
    expect(sum(t, M.TARGETS, { smets: 'smets2' })).toBe(0);
    expect(sum(t, M.RECEIVED, { smets: 'smets1' })).toBe(1); // S1
    expect(sum(t, M.FAILED, { network: 'moc' })).toBe(1); // S2
    expect(sum(t, M.AWAITING_ACK, { network: 'foc' })).toBe(1); // S4
    expect(sum(t, M.ACTIVATED, { network: 'foc' })).toBe(1); // S1 by 11.3
  });

  it('reads an IOC/MDS PPMID status as distribution to the CH only', () => {
    const ioc = { deviceType: 'PPMID', network: 'ioc' };
    expect(sum(t, M.CH_DISTRIBUTED, ioc)).toBe(1);
    expect(sum(t, M.RECEIVED, ioc)).toBe(0);
    expect(sum(t, M.NOT_MEASURABLE, { ...ioc, reason: 'modelCannotAck' })).toBe(1);
  });

  it('measures CH firmware by activation only: never a listed target', () => {
    expect(sum(t, M.CH_ACTIVATED, { campaign: 'v74', network: 'central', model: 'CHF-T', month: '2026-03' })).toBe(1);
    expect(sum(t, M.CH_ACTIVATED)).toBe(1); // C2's install record states no version
    expect(sum(t, M.TARGETS, { deviceType: 'CH' })).toBe(0);
    expect(sum(t, M.ACTIVATED, { deviceType: 'CH' })).toBe(0);
  });

  it('without SMETS1 SP data (before CR1440), SMETS1 receipt is not measurable; activation still is', () => {
    const interim = report(false);
    expect(sum(interim, M.TARGETS, { smets: 'smets1' })).toBe(4);
    // MP122B: "In the interim, the DCC will report on SRV 11.3 'Activate Firmware' only for both
    // SMETS1 and SMETS2": all four targets are "not measurable" for want of SP data, none failed.
    expect(sum(interim, M.NOT_MEASURABLE, { smets: 'smets1', reason: 'noSmets1SpData' })).toBe(4);
    expect(sum(interim, M.RECEIVED, { smets: 'smets1' })).toBe(0);
    expect(sum(interim, M.FAILED, { smets: 'smets1' })).toBe(0);
    expect(sum(interim, M.AWAITING_ACK, { smets: 'smets1' })).toBe(0);
    expect(sum(interim, M.ACTIVATED, { smets: 'smets1' })).toBe(1);
  });
});
