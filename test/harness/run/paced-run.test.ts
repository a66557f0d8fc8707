import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../harness/run/run-scenario.js';
import { loadScenario } from '../../../harness/scenario/load-scenario.js';

describe('paced (open-model) runs', () => {
  it('sends at the asked rate until --duration, and loses nothing it sent', async () => {
    const { scenario } = await loadScenario('test/fixtures/scenarios/small.yaml');
    const report = await runScenario({
      scenario,
      scenarioFile: 'small.yaml',
      workers: 2,
      pacing: { mode: 'rate', eventsPerSecond: 20_000, maxWallMs: 1000 },
    });
    const pacing = report.run.pacing;
    expect(pacing).toMatchObject({ mode: 'rate', target: 20_000, maxWallSeconds: 1, truncated: true });
    // 1 s at 20 k/s, shared by 3 shards by premises; each shard may start one batch at its last slot.
    expect(report.run.sent).toBeGreaterThanOrEqual(19_000);
    expect(report.run.sent).toBeLessThanOrEqual(20_000 + 3 * 2 * scenario.batchSize);
    expect(pacing?.scheduleLagMs.count).toBe(report.run.batches);
    expect(pacing?.ackLatencyMs.count).toBe(report.run.batches);
    expect(report.run.lost).toBe(0);
    expect(report.run.duplicates).toBe(0);
    for (const m of report.metrics) expect(m.reported).toBe(m.observed);
  });

  it('plays virtual time at the asked speed to the end of the window', async () => {
    const { scenario } = await loadScenario('test/fixtures/scenarios/small.yaml');
    // 10 simulated days at 10 days per second: about a second of sending.
    const report = await runScenario({ scenario, scenarioFile: 'small.yaml', workers: 2, pacing: { mode: 'speed', speed: 864_000_000 } });
    expect(report.run.pacing).toMatchObject({ mode: 'speed', truncated: false });
    expect(report.run.lost).toBe(0);
    const unpaced = await runScenario({ scenario, scenarioFile: 'small.yaml', workers: 2 });
    expect(report.fingerprint).toBe(unpaced.fingerprint);
  });
});
