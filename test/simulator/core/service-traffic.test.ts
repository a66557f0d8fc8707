import { describe, expect, it } from 'vitest';
import { eventsOf, type EventFields } from '../../../simulator/core/domain/event-batch.js';
import type { MetricSample } from '../../../simulator/core/domain/metrics/metric-table.js';
import { EventKind as K, Network as N } from '../../../simulator/core/domain/vocabulary.js';
import { createShardSimulation } from '../../../simulator/core/shard-simulation.js';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';

const scenario = (extra: string) =>
  parseScenarioText(
    `
name: t
seed: 42
start: "2026-03-02"
duration: 1d
estate: { premises: 3000, premisesPerShard: 3000 }
serviceUsers:
  - { name: Careful, share: 0.5 }
  - { name: Hasty, share: 0.5, orchestration: { ignoresDependencies: 1 } }
  - { name: DNO, share: 0, role: networkOperator }
${extra}`,
    't.yaml',
  );

const TRAFFIC = `traffic:
  serviceRequests: { changeOfSupplierPerPremisesPerDay: 0.2 }
  alerts:
    powerCuts: [{ region: north, start: "2026-03-02T18:00:00Z", duration: 1h, affectedShare: 0.8, restoreSpread: 5m }]
    stormProtection: { perMinute: 60 }
    cspCapacityPerSecond: 2
`;

function run(extra: string): { events: EventFields[]; truth: MetricSample[]; observed: MetricSample[] } {
  const sim = createShardSimulation(scenario(extra), 0);
  const events: EventFields[] = [];
  for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) events.push(...eventsOf(b));
  return { events, truth: sim.truth(), observed: sim.observed() };
}

const total = (samples: readonly MetricSample[], id: string, where: Record<string, string> = {}): number =>
  samples.filter((s) => s.id === id && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

describe('service requests and alerts, simulated', () => {
  const a = run(TRAFFIC);

  it('is deterministic: the same scenario and seed give the same events', () => {
    const b = run(TRAFFIC);
    expect(b.events.length).toBe(a.events.length);
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
  });

  it('emits events in time order, each response after its request', () => {
    for (let i = 1; i < a.events.length; i++)
      expect((a.events[i] as EventFields).timeMs).toBeGreaterThanOrEqual((a.events[i - 1] as EventFields).timeMs);
    expect(a.events.filter((e) => e.kind === K.SERVICE_REQUEST).length).toBeGreaterThan(5000);
  });

  it('sends most requests as DCC-scheduled overnight reads, with critical requests preceded by their transform', () => {
    // ~58 % in the GB mix; this scenario's frequent Change of Supplier chains dilute it a little.
    expect(total(a.truth, 'srv.requests', { class: 'dcc-scheduled' }) / total(a.truth, 'srv.requests')).toBeGreaterThan(0.45);
    const critical = new Set(['2.1', '1.1.1', '1.2.1', '6.15.1']);
    const transformAnswered = new Map<number, number>();
    let signed = 0;
    for (const e of a.events) {
      if (e.kind === K.SERVICE_RESPONSE && critical.has(e.code ?? '') && e.ref === 0) transformAnswered.set(e.requestId ?? 0, e.timeMs);
      if (e.kind === K.SERVICE_REQUEST && critical.has(e.code ?? '') && (e.ref ?? 0) !== 0) {
        signed++;
        expect(transformAnswered.get(e.ref ?? 0)).toBeLessThan(e.timeMs);
      }
    }
    expect(signed).toBeGreaterThan(100);
  });

  it('observes every SRV figure as the Users experienced it, except exclusions, which only the truth knows without a list', () => {
    for (const id of ['srv.requests', 'srv.responses', 'srv.withinTarget', 'srv.failures'])
      expect(total(a.observed, id)).toBe(total(a.truth, id));
    expect(total(a.truth, 'srv.excluded', { reason: 'user-orchestration' })).toBeGreaterThan(0);
    expect(total(a.truth, 'srv.excludedFailures')).toBe(total(a.truth, 'srv.excluded'));
    expect(total(a.observed, 'srv.excluded')).toBe(0);
  });

  it('applies a governed exclusion list to observed exactly like the pipeline would', () => {
    const listed = run(`${TRAFFIC}measurement:
  exclusions: [{ measure: cpm1, user: Hasty, srv: "1.1.1", reason: user-orchestration, validFrom: "2026-03-01", validTo: "2026-04-01" }]
`);
    expect(total(listed.observed, 'srv.excludedFailures')).toBeGreaterThanOrEqual(total(listed.truth, 'srv.excludedFailures'));
    expect(total(listed.observed, 'srv.excluded', { srv: '1.1.1', class: 'critical' })).toBe(total(listed.observed, 'srv.excluded'));
  });

  it('hides the CSP hop of North and SMETS1 alerts from the wire; truth keeps it', () => {
    const alerts = a.events.filter((e) => e.kind === K.DEVICE_ALERT || e.kind === K.DCC_ALERT);
    const north = alerts.filter((e) => e.network === N.CSP_NORTH);
    const central = alerts.filter((e) => e.network === N.CSP_CENTRAL);
    expect(north.length).toBeGreaterThan(0);
    expect(north.every((e) => e.hops?.[0] === -1)).toBe(true);
    // ...and the interim DSP-only timing keeps every delivered alert in view.
    expect(total(a.observed, 'alert.interimMeasured', { network: 'north' })).toBe(north.filter((e) => (e.hops?.[2] ?? -1) >= 0).length);
    // A Device Alert in Central has a visible CSP hop; a DCC Alert (N24) has none at all.
    expect(central.every((e) => (e.hops?.[0] ?? -1) >= 0 === (e.kind === K.DEVICE_ALERT))).toBe(true);
    expect(central.some((e) => e.kind === K.DCC_ALERT)).toBe(true);
    // Only DCC Alerts (generated in the DCC, no CH hop) are timed end to end in the North.
    const northDccConfirmed = north.filter((e) => e.kind === K.DCC_ALERT && (e.hops?.[3] ?? -1) >= 0).length;
    expect(northDccConfirmed).toBeGreaterThan(0);
    expect(total(a.observed, 'alert.measured', { network: 'north' })).toBe(northDccConfirmed);
    expect(total(a.observed, 'alert.notMeasurable', { network: 'north' })).toBeGreaterThan(0);
    expect(total(a.truth, 'alert.measured', { network: 'north' })).toBeGreaterThan(0);
    expect(total(a.observed, 'alert.volume')).toBe(total(a.truth, 'alert.volume'));
  });

  it('turns the power cut into a storm of restore alerts, some throttled, sent to the network operator', () => {
    const restores = a.events.filter(
      (e) =>
        e.code === '0x8F36' &&
        e.network === N.CSP_NORTH &&
        e.timeMs >= Date.parse('2026-03-02T19:00:00Z') &&
        e.timeMs < Date.parse('2026-03-02T19:05:00Z'),
    );
    expect(restores.length).toBeGreaterThan(300);
    expect(restores.every((e) => e.user === 3)).toBe(true);
    expect(total(a.observed, 'alert.throttled', { network: 'north' })).toBeGreaterThan(0);
    expect(total(a.observed, 'alert.throttled')).toBe(total(a.truth, 'alert.throttled'));
  });
});
