import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../../harness/scenario/load-scenario.js';
import { FirmwareMetric as M } from '../../../../simulator/core/domain/metrics/firmware-figures.js';
import { MetricTable, type MetricSample } from '../../../../simulator/core/domain/metrics/metric-table.js';
import type { ResolvedScenario } from '../../../../simulator/core/scenario/resolve.js';
import { createShardSimulation } from '../../../../simulator/core/shard-simulation.js';

/** A small PPMID campaign over SMETS2 and SMETS1 (IOC PPMIDs are IOC/MDS by default). */
const SCENARIO = `
name: t
seed: 7
start: "2026-03-09T00:00:00Z"
duration: 6d
estate: { premises: 3000, premisesPerShard: 1000, smets1Share: 0.5, cohorts: { ioc: 0.5, moc: 0.25, foc: 0.25 }, ppmidShare: 0.4 }
serviceUsers: [{ name: A, share: 0.6 }, { name: B, share: 0.4 }]
traffic:
  firmware:
    campaigns:
      - { name: ppmid, deviceType: PPMID, firmwareVersion: 42, start: 6h, submitOver: 12h, requestSize: 100 }
      - { name: esme, deviceType: ESME, firmwareVersion: 51, start: 12h, targetShare: 0.3, futureDatedShare: 0.5 }
    outages: [{ network: north, start: 1d, duration: 6h }]
`;

function run(
  scenario: ResolvedScenario,
  shard: number,
): { digest: string; events: number; truth: MetricSample[]; observed: MetricSample[] } {
  const sim = createShardSimulation(scenario, shard);
  const hash = createHash('sha256');
  let events = 0;
  for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) {
    events += b.eventCount;
    hash.update(
      JSON.stringify([
        b.baseTimeMs,
        b.dictionary,
        Array.from(b.kind),
        Array.from(b.timeDeltaMs),
        Array.from(b.device),
        Array.from(b.code),
        Array.from(b.requestId),
        Array.from(b.outcome),
        Array.from(b.ref),
        Array.from(b.value),
        Array.from(b.hopDeltaMs),
      ]),
    );
  }
  return { digest: hash.digest('hex'), events, truth: sim.truth(), observed: sim.observed() };
}

function total(samples: readonly MetricSample[], id: string, labels: Readonly<Record<string, string>> = {}): number {
  return samples.filter((s) => s.id === id && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

describe('firmware process', () => {
  const scenario = parseScenarioText(SCENARIO, 't.yaml');
  const shards = [0, 1, 2].map((i) => run(scenario, i));
  const truth = new MetricTable();
  const observed = new MetricTable();
  for (const s of shards) {
    truth.merge(s.truth);
    observed.merge(s.observed);
  }
  const T = truth.samples();
  const O = observed.samples();

  it('feeds the SRV measures (R1, Firmware process) with truth == observed, label by label', () => {
    const srvRows = (samples: readonly MetricSample[]) =>
      samples
        .filter((r) => r.id.startsWith('srv.'))
        .map((r) => `${r.id}${JSON.stringify(r.labels)}=${r.value}`)
        .sort();
    expect(srvRows(T)).toEqual(srvRows(O));
    for (const srv of ['11.1', '11.2', '11.3', '11.4'])
      expect([srv, total(T, 'srv.responses', { srv, process: 'firmware' }) > 0]).toEqual([srv, true]);
    // The ESME campaign future-dates half its activations: Command Accepted, future-dated class.
    expect(total(T, 'srv.withinTarget', { srv: '11.3', class: 'future-dated' })).toBeGreaterThan(0);
    expect(total(T, 'srv.requests', { srv: '11.3', class: 'transform' })).toBe(0);
  });

  it('honours the network-wide outage schedule exactly like its own outages list (kept for back-compat)', () => {
    const viaSchedule = SCENARIO.replace(
      '    outages: [{ network: north, start: 1d, duration: 6h }]',
      '  outages: { planned: { perMonth: 0 }, unplanned: { perMonth: 0 }, fixed: [{ network: north, start: "2026-03-10T00:00:00Z", duration: 6h }] }',
    );
    expect(viaSchedule).not.toBe(SCENARIO);
    // Shard 1 emits no outage events (shard 0 does), so its traffic is byte-identical.
    expect(run(parseScenarioText(viaSchedule, 't.yaml'), 1).digest).toBe(shards[1]?.digest);
    const noOutage = SCENARIO.replace('    outages: [{ network: north, start: 1d, duration: 6h }]\n', '');
    expect(run(parseScenarioText(noOutage, 't.yaml'), 1).digest).not.toBe(shards[1]?.digest);
  });

  it('is deterministic: same scenario and seed give byte-identical traffic and truth', () => {
    const again = run(scenario, 1);
    expect(again.digest).toBe(shards[1]?.digest);
    expect(again.truth).toEqual(shards[1]?.truth);
    expect(shards[0]?.digest).not.toBe(shards[1]?.digest);
    const reseeded = run(parseScenarioText(SCENARIO.replace('seed: 7', 'seed: 8'), 't.yaml'), 1);
    expect(reseeded.digest).not.toBe(shards[1]?.digest);
  });

  it('lists the same targets in truth and in the traffic', () => {
    expect(total(O, M.TARGETS)).toBeGreaterThan(500);
    expect(total(O, M.TARGETS)).toBe(total(T, M.TARGETS));
    expect(total(O, M.REJECTED)).toBe(total(T, M.REJECTED));
  });

  it('shows IOC/MDS PPMIDs receiving the image with no acknowledgement, the gap counted as not measurable', () => {
    const ioc = { deviceType: 'PPMID', network: 'ioc' };
    expect(total(T, M.RECEIVED, ioc)).toBeGreaterThan(0.8 * total(T, M.TARGETS, ioc));
    expect(total(O, M.RECEIVED, ioc)).toBe(0);
    expect(total(O, M.NOT_MEASURABLE, { ...ioc, reason: 'modelCannotAck' })).toBeGreaterThanOrEqual(total(T, M.RECEIVED, ioc));
    expect(total(O, M.FAILED, ioc)).toBeLessThanOrEqual(total(T, M.FAILED, ioc));
    expect(total(T, M.NOT_MEASURABLE)).toBe(0);
  });

  it('agrees with the truth elsewhere, apart from lost acknowledgements and deliveries in flight', () => {
    for (const network of ['north', 'central', 'south', 'moc', 'foc']) {
      const f = { network };
      // N60 / N61 tell of ESME / GSME images only: a SMETS2 PPMID image the CSP could not get to
      // the CH is told of by nobody (no CCS08 either), so it waits for an acknowledgement.
      const untold = ['moc', 'foc'].includes(network) ? 0 : total(T, M.CH_DISTRIBUTION_FAILED, { ...f, deviceType: 'PPMID' });
      // Every other failure the truth knows of is told (negative acknowledgement, N61, SMETS1 SP status)...
      expect(total(O, M.FAILED, f)).toBe(total(T, M.FAILED, f) - untold);
      // ...and an acknowledgement is never invented.
      expect(total(O, M.RECEIVED, f)).toBeLessThanOrEqual(total(T, M.RECEIVED, f));
      expect(total(O, M.RECEIVED, f) + total(O, M.AWAITING_ACK, f)).toBe(total(T, M.RECEIVED, f) + total(T, M.AWAITING_ACK, f) + untold);
      expect(total(O, M.NOT_MEASURABLE, f)).toBe(0);
    }
  });

  it('measures activations the Service User is told of exactly', () => {
    const esme = { deviceType: 'ESME' };
    expect(total(O, M.ACTIVATED, esme)).toBeGreaterThan(0);
    expect(total(O, M.ACTIVATED, esme)).toBe(total(T, M.ACTIVATED, esme));
    expect(total(O, M.ACTIVATION_FAILED, esme)).toBe(total(T, M.ACTIVATION_FAILED, esme));
  });
});
