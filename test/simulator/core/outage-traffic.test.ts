import { describe, expect, it } from 'vitest';
import { eventsOf, type EventFields } from '../../../simulator/core/domain/event-batch.js';
import type { MetricSample } from '../../../simulator/core/domain/metrics/metric-table.js';
import { SRV_CATALOGUE } from '../../../simulator/core/domain/srv-catalogue.js';
import { EventKind as K, Network as N, Outcome } from '../../../simulator/core/domain/vocabulary.js';
import { NO_OUTAGES, OutageCursor, scheduleFrom } from '../../../simulator/core/outages.js';
import { createShardSimulation } from '../../../simulator/core/shard-simulation.js';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { iso } from '../../helpers/events.js';

describe('OutageCursor', () => {
  const o = (id: number, network: number, startMs: number, endMs: number) => ({ id, network, planned: false, startMs, endMs });

  it('answers upAt past back-to-back outages, and only searches near an outage', () => {
    const c = new OutageCursor(scheduleFrom([o(1, N.CSP_NORTH, 10, 20), o(2, N.CSP_NORTH, 20, 30), o(3, N.CSP_NORTH, 50, 60)]));
    expect(c.any).toBe(true);
    c.advance(0);
    expect([
      c.upAt(N.CSP_NORTH, 5),
      c.upAt(N.CSP_NORTH, 10),
      c.upAt(N.CSP_NORTH, 15),
      c.upAt(N.CSP_NORTH, 30),
      c.upAt(N.CSP_NORTH, 55),
      c.upAt(N.CSP_SOUTH, 15),
    ]).toEqual([5, 30, 30, 30, 60, 15]);
    c.advance(35);
    expect([c.upAt(N.CSP_NORTH, 40), c.upAt(N.CSP_NORTH, 50), c.upAt(N.CSP_NORTH, 60)]).toEqual([40, 60, 60]);
    c.advance(100);
    expect(c.upAt(N.CSP_NORTH, 100)).toBe(100);
    expect(new OutageCursor(NO_OUTAGES).any).toBe(false);
  });
});

const WINDOW = [iso('2026-03-02T10:00:00Z'), iso('2026-03-02T12:00:00Z')] as const;
const inWindow = (t: number): boolean => t >= WINDOW[0] && t < WINDOW[1];
const TIMEOUT = 30 * 60_000;

function run(withOutage: boolean): { events: EventFields[]; truth: MetricSample[]; observed: MetricSample[] } {
  const outage = withOutage
    ? `  outages: { planned: { perMonth: 0 }, unplanned: { perMonth: 0 }, fixed: [{ network: central, start: "2026-03-02T10:00:00Z", duration: 2h }] }\n`
    : '';
  const scenario = parseScenarioText(
    `
name: t
seed: 5
start: "2026-03-02"
duration: 1d
estate: { premises: 6000, premisesPerShard: 6000, regions: { north: 0, central: 1, south: 0 }, smets1Share: 0 }
serviceUsers: [{ name: A, share: 1 }]
traffic:
  serviceRequests: { timeout: 30m }
  alerts: { perPremisesPerDay: 0.5 }
${outage}`,
    't.yaml',
  );
  const sim = createShardSimulation(scenario, 0);
  const events: EventFields[] = [];
  for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) events.push(...eventsOf(b));
  return { events, truth: sim.truth(), observed: sim.observed() };
}

const total = (samples: readonly MetricSample[], id: string): number => samples.filter((s) => s.id === id).reduce((a, s) => a + s.value, 0);
const CRITICAL = new Set(SRV_CATALOGUE.filter((e) => e.critical).map((e) => e.srv));

describe('service requests and alerts during an outage of their network', () => {
  const up = run(false);
  const down = run(true);

  it('sends the same requests until the outage (the draws then follow the responses) and answers none over the WAN while the network is down', () => {
    const reqs = (r: typeof up) =>
      r.events
        .filter((e) => e.kind === K.SERVICE_REQUEST && e.timeMs < WINDOW[0])
        .map((e) => `${e.timeMs}/${e.device}/${e.code}/${e.value}`);
    expect(reqs(down).length).toBeGreaterThan(1000);
    expect(reqs(down)).toEqual(reqs(up));
    const requests = new Map<string, EventFields>();
    let held = 0;
    let timedOut = 0;
    for (const e of down.events) {
      const key = `${e.requestId}/${e.device}`;
      if (e.kind === K.SERVICE_REQUEST) requests.set(key, e);
      if (e.kind !== K.SERVICE_RESPONSE) continue;
      const req = requests.get(key);
      if (req === undefined) throw new Error(`response ${key} without a request`);
      // Transforms are the DSP's alone.
      if (CRITICAL.has(req.code ?? '') && (req.ref ?? 0) === 0) continue;
      const clock = req.timeMs + (req.value ?? 0);
      if (inWindow(e.timeMs)) {
        // Only the DSP's timeout response comes back while the network is down.
        expect(e.outcome).toBe(Outcome.TIMEOUT);
        expect(e.timeMs).toBe(clock + TIMEOUT);
        timedOut++;
      } else if (inWindow(clock)) {
        expect(e.timeMs).toBeGreaterThanOrEqual(WINDOW[1]);
        held++;
      }
    }
    expect(timedOut).toBeGreaterThan(50);
    expect(held).toBeGreaterThan(50);
  });

  it('is deterministic: the outage schedule comes from the seed alone', () => {
    const again = run(true);
    expect(again.events.length).toBe(down.events.length);
    expect(JSON.stringify(again.events)).toBe(JSON.stringify(down.events));
  });

  it('keeps truth and observed equal, and the outage costs responses within target', () => {
    for (const id of [
      'srv.requests',
      'srv.responses',
      'srv.withinTarget',
      'srv.failures',
      'alert.measured',
      'alert.withinTarget',
      'alert.volume',
    ])
      expect([id, total(down.observed, id)]).toEqual([id, total(down.truth, id)]);
    expect(total(down.truth, 'srv.withinTarget')).toBeLessThan(total(up.truth, 'srv.withinTarget') - 50);
    expect(total(down.truth, 'srv.failures')).toBeGreaterThan(total(up.truth, 'srv.failures') + 50);
    expect(total(down.truth, 'alert.withinTarget')).toBeLessThan(total(up.truth, 'alert.withinTarget'));
  });

  it('holds alerts at the CH until the network is back; the CSP validates none during the outage', () => {
    let held = 0;
    for (const e of down.events) {
      // A DCC Alert is generated in the DCC: no CH → CSP hop, and nothing for the SM WAN to hold.
      if (e.kind === K.DCC_ALERT) expect(e.hops?.[0]).toBe(-1);
      if (e.kind !== K.DEVICE_ALERT) continue;
      const h0 = e.hops?.[0] ?? -1;
      expect(h0).toBeGreaterThanOrEqual(0);
      expect(inWindow(e.timeMs + h0)).toBe(false);
      if (inWindow(e.timeMs)) {
        expect(e.timeMs + h0).toBeGreaterThanOrEqual(WINDOW[1]);
        held++;
      }
    }
    expect(held).toBeGreaterThan(10);
  });
});
