import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../../harness/scenario/load-scenario.js';
import { eventsOf, type EventFields } from '../../../../simulator/core/domain/event-batch.js';
import { FirmwareMetric as M } from '../../../../simulator/core/domain/metrics/firmware-figures.js';
import type { MetricSample } from '../../../../simulator/core/domain/metrics/metric-table.js';
import {
  DeviceType as D,
  EventKind as K,
  FirmwareAlert as FA,
  isSmets1,
  Network as N,
} from '../../../../simulator/core/domain/vocabulary.js';
import { createShardSimulation } from '../../../../simulator/core/shard-simulation.js';

/** Every route of R3 in one small estate: SMETS2 and SMETS1 meters and PPMIDs, and CH images. */
const SCENARIO = (smets1SpData: boolean) => `
name: t
seed: 11
start: "2026-03-09T00:00:00Z"
duration: 6d
estate: { premises: 3000, premisesPerShard: 3000, smets1Share: 0.5, cohorts: { ioc: 0.4, moc: 0.3, foc: 0.3 }, ppmidShare: 0.4 }
serviceUsers: [{ name: A, share: 1 }]
traffic:
  firmware:
    smets1SpData: ${smets1SpData}
    campaigns:
      - { name: ppmid, deviceType: PPMID, firmwareVersion: 42, start: 6h, submitOver: 12h, requestSize: 100 }
      - { name: esme, deviceType: ESME, firmwareVersion: 51, start: 12h, targetShare: 0.3 }
      - { name: gsme, deviceType: GSME, firmwareVersion: 30, start: 12h, targetShare: 0.3 }
      - { name: ch, deviceType: CH, firmwareVersion: 74, start: 1d, submitOver: 12h, targetShare: 0.5, activateAfter: 6h }
`;

function run(smets1SpData: boolean): { events: EventFields[]; truth: MetricSample[]; observed: MetricSample[] } {
  const sim = createShardSimulation(parseScenarioText(SCENARIO(smets1SpData), 't.yaml'), 0);
  const events: EventFields[] = [];
  for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) events.push(...eventsOf(b));
  return { events, truth: sim.truth(), observed: sim.observed() };
}

const total = (samples: readonly MetricSample[], id: string, where: Record<string, string> = {}): number =>
  samples.filter((s) => s.id === id && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

const FIRMWARE_ALERTS = new Set<string>(Object.values(FA));

describe('firmware routes (R3): SMETS2, SMETS1 SPs, Communications Hubs', () => {
  const a = run(true);
  const listed = a.events.filter((e) => e.kind === K.DEVICE_LIST_ENTRY);
  const fwAlerts = a.events.filter((e) => (e.kind === K.DEVICE_ALERT || e.kind === K.DCC_ALERT) && FIRMWARE_ALERTS.has(e.code ?? ''));

  it('lists SMETS1 PPMIDs in 11.1: 11.4 is SECMP0007, "only applicable to SMETS2 Devices"', () => {
    const s1Ppmid = listed.filter((e) => e.deviceType === D.PPMID && isSmets1(e.network ?? 0));
    const s2Ppmid = listed.filter((e) => e.deviceType === D.PPMID && !isSmets1(e.network ?? 0));
    expect(s1Ppmid.length).toBeGreaterThan(50);
    expect(s2Ppmid.length).toBeGreaterThan(50);
    expect(s1Ppmid.every((e) => e.code === '11.1')).toBe(true);
    expect(s2Ppmid.every((e) => e.code === '11.4')).toBe(true);
  });

  it('sends N60 / N61 for SMETS2 ESME and GSME only, no GBCS firmware alerts from SMETS1, SMETS1 SP statuses instead', () => {
    const n6x = fwAlerts.filter((e) => e.code === FA.DELIVERED || e.code === FA.DELIVERY_FAILED);
    expect(n6x.length).toBeGreaterThan(0);
    expect(n6x.every((e) => (e.deviceType === D.ESME || e.deviceType === D.GSME) && !isSmets1(e.network ?? 0))).toBe(true);
    // Receipt and transfer acknowledgements are SMETS2's (GBCS 0x8F72 / 0x8F1C, CCS08, CS09).
    const receipts = new Set<string>([
      FA.RECEIPT_VERIFIED,
      FA.RECEIPT_VERIFICATION_FAILED,
      FA.TRANSFER_SUCCESS,
      FA.TRANSFER_FAIL,
      FA.PPMID_ACTIVATION,
    ]);
    const gbcs = fwAlerts.filter((e) => receipts.has(e.code ?? ''));
    expect(gbcs.length).toBeGreaterThan(0);
    expect(gbcs.some((e) => isSmets1(e.network ?? 0))).toBe(false);
    const s1sp = fwAlerts.filter((e) => e.code === FA.S1SP_DISTRIBUTED || e.code === FA.S1SP_DISTRIBUTION_FAILED);
    expect(s1sp.length).toBeGreaterThan(50);
    expect(s1sp.every((e) => isSmets1(e.network ?? 0) && e.kind === K.DCC_ALERT)).toBe(true);
    // IOC/MDS PPMIDs: the status is distribution to the comms hub, so received stays unobserved.
    const ioc = { deviceType: 'PPMID', network: 'ioc' };
    expect(total(a.observed, M.RECEIVED, ioc)).toBe(0);
    expect(total(a.observed, M.CH_DISTRIBUTED, ioc)).toBe(total(a.truth, M.CH_DISTRIBUTED, ioc));
    expect(total(a.truth, M.RECEIVED, ioc)).toBeGreaterThan(0);
    // Capable SMETS1 devices: the SP's status is the receipt, lossless.
    expect(total(a.observed, M.RECEIVED, { deviceType: 'ESME', smets: 'smets1' })).toBe(
      total(a.truth, M.RECEIVED, { deviceType: 'ESME', smets: 'smets1' }),
    );
  });

  it('sends CH images without 11.1 or 11.3 and measures them by activation only', () => {
    expect(listed.some((e) => e.deviceType === D.CH)).toBe(false);
    expect(a.events.some((e) => e.kind === K.SERVICE_REQUEST && e.deviceType === D.CH)).toBe(false);
    const activations = a.events.filter((e) => e.kind === K.INVENTORY && e.deviceType === D.CH && (e.value ?? 0) >> 8 === 74);
    expect(activations.length).toBeGreaterThan(100);
    expect(total(a.observed, M.CH_ACTIVATED)).toBe(activations.length);
    expect(total(a.observed, M.CH_ACTIVATED)).toBe(total(a.truth, M.CH_ACTIVATED));
    expect(total(a.observed, M.CH_ACTIVATED, { smets: 'smets1' })).toBeGreaterThan(0);
    expect(total(a.truth, M.TARGETS, { deviceType: 'CH' })).toBe(0);
  });

  it('keeps every firmware alert on the wire in the alert truth (R4), code by code', () => {
    for (const code of FIRMWARE_ALERTS) {
      const onWire = fwAlerts.filter((e) => e.code === code).length;
      expect([code, total(a.truth, 'alert.volume', { code })]).toEqual([code, onWire]);
      expect([code, total(a.observed, 'alert.volume', { code })]).toEqual([code, onWire]);
    }
    expect(fwAlerts.length).toBeGreaterThan(100);
  });

  it('without SMETS1 SP data, reports SMETS1 receipt as not measurable and still measures 11.3', () => {
    const b = run(false);
    expect(b.events.some((e) => (e.code ?? '').startsWith('S1SP-'))).toBe(false);
    expect(total(b.observed, M.RECEIVED, { smets: 'smets1' })).toBe(0);
    expect(total(b.observed, M.NOT_MEASURABLE, { smets: 'smets1', reason: 'noSmets1SpData' })).toBe(
      total(b.observed, M.TARGETS, { smets: 'smets1' }) - total(b.observed, M.REJECTED, { smets: 'smets1' }),
    );
    expect(total(b.observed, M.ACTIVATED, { smets: 'smets1' })).toBeGreaterThan(0);
    expect(total(b.observed, M.ACTIVATED, { smets: 'smets1' })).toBe(total(b.truth, M.ACTIVATED, { smets: 'smets1' }));
  });
});

describe('SMETS1 gas meters', () => {
  it('receive Service Requests like any DCC-enrolled meter', () => {
    const sim = createShardSimulation(
      parseScenarioText(
        'name: g\nseed: 3\nstart: "2026-03-02"\nduration: 1d\nestate: { premises: 2000, premisesPerShard: 2000, smets1Share: 0.5 }\nserviceUsers: [{ name: A, share: 1 }]\ntraffic: { serviceRequests: {} }\n',
        'g.yaml',
      ),
      0,
    );
    let s1Gas = 0;
    for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch())
      for (const e of eventsOf(b)) if (e.kind === K.SERVICE_REQUEST && e.deviceType === D.GSME && isSmets1(e.network ?? 0)) s1Gas++;
    expect(s1Gas).toBeGreaterThan(100);
    expect(N.SMETS1_IOC).toBe(4);
  });
});
