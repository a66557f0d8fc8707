import { describe, expect, it } from 'vitest';
import { createAvailabilityMetrics, AvailabilityMetric as A } from '../../../simulator/core/domain/metrics/availability-metrics.js';
import { MetricTable } from '../../../simulator/core/domain/metrics/metric-table.js';
import { createReportingWindows, monthStatus, PmrMetric } from '../../../simulator/core/domain/metrics/reporting-windows.js';
import { EventKind as K, Network as N } from '../../../simulator/core/domain/vocabulary.js';
import { buildOutageSchedule, scheduleFrom } from '../../../simulator/core/outages.js';
import { resolveScenario } from '../../../simulator/core/scenario/resolve.js';
import { ScenarioSchema } from '../../../simulator/core/scenario/schema.js';
import { createShardSimulation } from '../../../simulator/core/shard-simulation.js';
import { batchOf, iso } from '../../helpers/events.js';

const HOUR = 3_600_000;

describe('reporting-month watermark (R7)', () => {
  // A response at 00:30 BST on 1 April belongs to April; one at 23:59 BST on 31 March to March.
  const windows = createReportingWindows(48 * HOUR);
  windows.apply(
    batchOf([
      { kind: K.SERVICE_REQUEST, at: '2026-03-31T10:00:00Z' },
      { kind: K.SERVICE_RESPONSE, at: '2026-03-31T22:59:00Z' },
      { kind: K.SERVICE_RESPONSE, at: '2026-03-31T23:30:00Z' },
      { kind: K.SERVICE_RESPONSE, at: '2026-04-02T22:00:00Z' },
    ]),
  );

  it('assigns late events by event time and finalises a month only after month end + 48 h', () => {
    const at = (asOf: string) => new MetricTable().merge(windows.report(iso(asOf)));
    const before = at('2026-04-02T22:59:59Z');
    expect(before.get(PmrMetric.MONTH_EVENTS, { month: '2026-03', status: 'provisional' })).toBe(2);
    expect(before.get(PmrMetric.MONTH_EVENTS, { month: '2026-04', status: 'provisional' })).toBe(2);
    const after = at('2026-04-02T23:00:00Z'); // 31 Mar 23:00Z (1 April 00:00 BST) + 48 h
    expect(after.get(PmrMetric.MONTH_EVENTS, { month: '2026-03', status: 'final' })).toBe(2);
    expect(after.get(PmrMetric.MONTH_EVENTS, { month: '2026-03', status: 'provisional' })).toBe(0);
    expect(monthStatus('2026-04', iso('2026-05-02T22:59:59Z'), 48 * HOUR)).toBe('provisional');
  });
});

describe('outages and availability (R6)', () => {
  const schedule = scheduleFrom([
    { id: 1, network: N.CSP_NORTH, planned: false, startMs: iso('2026-03-31T22:00:00Z'), endMs: iso('2026-04-01T01:00:00Z') },
    { id: 2, network: N.CSP_NORTH, planned: true, startMs: iso('2026-04-02T01:00:00Z'), endMs: iso('2026-04-02T03:00:00Z') },
  ]);

  it('answers isUp / nextUpTime', () => {
    expect(schedule.isUp(N.CSP_NORTH, iso('2026-03-31T21:59:59Z'))).toBe(true);
    expect(schedule.isUp(N.CSP_NORTH, iso('2026-03-31T22:00:00Z'))).toBe(false);
    expect(schedule.nextUpTime(N.CSP_NORTH, iso('2026-03-31T23:00:00Z'))).toBe(iso('2026-04-01T01:00:00Z'));
    expect(schedule.isUp(N.CSP_NORTH, iso('2026-04-01T01:00:00Z'))).toBe(true);
    expect(schedule.isUp(N.CSP_SOUTH, iso('2026-03-31T23:00:00Z'))).toBe(true);
    expect(schedule.nextUpTime(N.CSP_SOUTH, 5)).toBe(5);
  });

  it('splits downtime at UK midnight, planned apart from unplanned', () => {
    const f = createAvailabilityMetrics();
    f.apply(
      batchOf([
        { kind: K.OUTAGE_START, at: '2026-03-31T22:00:00Z', requestId: 1, network: N.CSP_NORTH, code: 'UNPLANNED' },
        { kind: K.OUTAGE_END, at: '2026-04-01T01:00:00Z', requestId: 1, network: N.CSP_NORTH, code: 'UNPLANNED' },
        { kind: K.OUTAGE_START, at: '2026-04-02T01:00:00Z', requestId: 2, network: N.CSP_NORTH, code: 'PLANNED' },
      ]),
    );
    const t = new MetricTable().merge(f.report(iso('2026-04-02T02:30:00Z')));
    // Midnight BST on 1 April is 23:00Z: 60 min on 31 March, 120 min on 1 April.
    expect(t.get(A.DOWNTIME_MINUTES, { network: 'north', kind: 'unplanned', day: '2026-03-31' })).toBe(60);
    expect(t.get(A.DOWNTIME_MINUTES, { network: 'north', kind: 'unplanned', day: '2026-04-01' })).toBe(120);
    expect(t.get(A.DOWNTIME_MINUTES, { network: 'north', kind: 'planned', day: '2026-04-02' })).toBe(90); // still open at as-of
    expect(t.get(A.OUTAGES, { network: 'north', kind: 'unplanned', day: '2026-03-31' })).toBe(1);
  });

  it('derives one schedule from the seed alone, emitted and counted in shard 0 only', () => {
    const scenario = resolveScenario(
      ScenarioSchema.parse({
        name: 't',
        seed: 7,
        start: '2026-03-01',
        duration: '20d',
        estate: { premises: 200, premisesPerShard: 100 },
        serviceUsers: [{ name: 'A', share: 1 }],
        traffic: { installs: { perDay: 10 }, outages: { unplanned: { perMonth: 6, meanDuration: '2h' } } },
      }),
    );
    expect(buildOutageSchedule(scenario).outages).toEqual(buildOutageSchedule(scenario).outages);
    expect(buildOutageSchedule(scenario).outages.length).toBeGreaterThan(0);
    const outageEvents = (shard: number): number => {
      const sim = createShardSimulation(scenario, shard);
      let n = 0;
      for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch())
        for (let i = 0; i < b.eventCount; i++) if (b.kind[i] === K.OUTAGE_START) n++;
      return n;
    };
    expect(outageEvents(0)).toBe(buildOutageSchedule(scenario).outages.length);
    expect(outageEvents(1)).toBe(0);
  });

  it('defers commissioning over the WAN while the region is down', () => {
    const scenario = resolveScenario(
      ScenarioSchema.parse({
        name: 't',
        seed: 11,
        start: '2026-03-02',
        duration: '3d',
        estate: { premises: 100, regions: { north: 1, central: 0, south: 0 } },
        serviceUsers: [{ name: 'A', share: 1 }],
        traffic: {
          installs: { perDay: 200, weekendFactor: 1 },
          outages: {
            planned: { perMonth: 0 },
            unplanned: { perMonth: 0 },
            fixed: [{ network: 'north', start: '2026-03-02T00:00:00Z', duration: '2d' }],
          },
        },
      }),
    );
    const sim = createShardSimulation(scenario, 0);
    const end = iso('2026-03-04T00:00:00Z');
    let commissions = 0;
    let during = 0;
    for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch())
      for (let i = 0; i < b.eventCount; i++) {
        if (b.kind[i] !== K.SERVICE_REQUEST || b.dictionary[b.code[i] as number] !== '8.1.1') continue;
        commissions++;
        if (b.baseTimeMs + (b.timeDeltaMs[i] as number) < end) during++;
      }
    expect(commissions).toBeGreaterThan(0);
    expect(during).toBe(0);
  });
});
