import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { createAlertMetrics } from '../simulator/core/domain/metrics/alert-metrics.js';
import { DEFAULT_METRIC_CONFIG } from '../simulator/core/domain/metrics/metric-config.js';
import type { MetricFamily } from '../simulator/core/domain/metrics/metric-family.js';
import { createSrvMetrics } from '../simulator/core/domain/metrics/srv-metrics.js';
import type { EventBatchView } from '../simulator/core/domain/event-batch.js';
import { createShardSimulation } from '../simulator/core/shard-simulation.js';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';
import { loadScenario } from '../harness/scenario/load-scenario.js';
import { findPackageRoot } from '../wire/proto-root.js';

/*
 * `node dist/bench/service-traffic.js`: events/s of the service-request + alert generator on one
 * shard of the default scenario (one core, no wire), and of the SRV and alert metric families on
 * the batches it produced. Never run by the tests.
 */

function copy(b: EventBatchView): EventBatchView {
  return {
    ...b,
    dictionary: [...b.dictionary],
    kind: Uint8Array.from(b.kind),
    timeDeltaMs: Float64Array.from(b.timeDeltaMs),
    device: Float64Array.from(b.device),
    deviceType: Uint8Array.from(b.deviceType),
    network: Uint8Array.from(b.network),
    code: Uint32Array.from(b.code),
    requestId: Float64Array.from(b.requestId),
    user: Uint32Array.from(b.user),
    outcome: Uint8Array.from(b.outcome),
    ref: Float64Array.from(b.ref),
    value: Float64Array.from(b.value),
    hopDeltaMs: Float64Array.from(b.hopDeltaMs),
    resolverGroup: Uint8Array.from(b.resolverGroup),
  };
}

const root = findPackageRoot(import.meta.url);
const { scenario: base } = await loadScenario(join(root, 'scenarios', 'default.yaml'));
const scenario: ResolvedScenario = { ...base, installs: null };
// Generator alone: the shard's observed engine runs too (it always does), so time it apart below.
let t = performance.now();
const sim = createShardSimulation(scenario, 0);
let events = 0;
const batches: EventBatchView[] = [];
for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) {
  events += b.eventCount;
  batches.push(copy(b));
}
const genWithObserved = (performance.now() - t) / 1000;
const time = (make: () => MetricFamily): number => {
  const f = make();
  const t0 = performance.now();
  for (const b of batches) f.apply(b);
  f.report(scenario.endMs);
  return (performance.now() - t0) / 1000;
};
const srv = time(() => createSrvMetrics(DEFAULT_METRIC_CONFIG));
const alerts = time(() => createAlertMetrics(DEFAULT_METRIC_CONFIG));
t = performance.now();
const again = createShardSimulation(scenario, 0);
while (again.nextBatch() !== null);
const gen2 = (performance.now() - t) / 1000;
const generatorOnly = gen2 - srv - alerts;
console.log(`shard 0 of default (${scenario.estate.premisesPerShard} premises, 7 days): ${events.toLocaleString('en-GB')} events`);
console.log(
  `generator + observed metrics  ${Math.round(events / gen2).toLocaleString('en-GB')} events/s (${gen2.toFixed(2)} s; first run ${genWithObserved.toFixed(2)} s)`,
);
console.log(`generator alone (estimated)   ${Math.round(events / generatorOnly).toLocaleString('en-GB')} events/s`);
console.log(`srv metric family             ${Math.round(events / srv).toLocaleString('en-GB')} events/s`);
console.log(`alert metric family           ${Math.round(events / alerts).toLocaleString('en-GB')} events/s`);

// The same shard with the default outage schedule (`traffic.outages: {}`) on every network: the
// cost of the processes' outage checks (service requests, alerts), generator + observed.
const withOutages: ResolvedScenario = {
  ...scenario,
  outages: {
    networks: [1, 2, 3, 4, 5, 6],
    plannedPerMonth: 1,
    plannedDurationMs: 2 * 3_600_000,
    unplannedPerMonth: 0.5,
    unplannedMeanDurationMs: 40 * 60_000,
    fixed: [],
  },
};
t = performance.now();
const out = createShardSimulation(withOutages, 0);
let outEvents = 0;
for (let b = out.nextBatch(); b !== null; b = out.nextBatch()) outEvents += b.eventCount;
const outSeconds = (performance.now() - t) / 1000;
console.log(
  `with default outages           ${Math.round(outEvents / outSeconds).toLocaleString('en-GB')} events/s (${outSeconds.toFixed(2)} s, ${outEvents.toLocaleString('en-GB')} events)`,
);
