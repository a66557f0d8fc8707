import { describe, expect, it } from 'vitest';
import { estimateRun } from '../../../harness/scenario/estimate-run.js';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { MINIMAL_SCENARIO } from '../../helpers/scenario-issues.js';

describe('estimateRun', () => {
  it('multiplies the resolved traffic volumes by the events per unit', () => {
    const scenario = parseScenarioText(
      `${MINIMAL_SCENARIO}traffic:
  installs: { perDay: 10 }
  serviceRequests:
    mix: [{ srv: "1.1.1", perPremisesPerDay: 0.1, futureDatedShare: 0.5 }]
    changeOfSupplierPerPremisesPerDay: 0
  alerts:
    perPremisesPerDay: 0.5
    powerCuts: [{ region: north, start: "2026-03-02T06:00:00Z", duration: 1h, affectedShare: 0.5 }]
`,
      'x.yaml',
    );
    // By hand, 1 000 premises for 1 day:
    //   installs: 10/day × 1 day × (5 weekdays + 2 × 0.3 weekend) / 7 = 8 installs × 17 = 136
    //   service requests: 1 000 × 0.1 × (2.05 + 1.9 × 0.5) = 300
    //   alerts: 1 000 × 0.5 = 500, plus the power cut: 1 000 × 0.22 (north) × (1 − 0.375 SMETS1) × 0.5 × 0.7 = 48.125
    const e = estimateRun(scenario);
    expect(e.eventsByTraffic).toEqual({ installs: 136, serviceRequests: 300, alerts: 548 });
    expect(e.events).toBe(984);
    expect(e.batches).toBe(1);
    // 0.5 s start-up + 984 events at 500 000 events/s, to a tenth of a second.
    expect(e.seconds).toBe(0.5);
  });

  it('estimates nothing for a scenario without traffic', () => {
    expect(estimateRun(parseScenarioText(MINIMAL_SCENARIO, 'x.yaml'))).toMatchObject({ events: 0, eventsByTraffic: {}, batches: 0 });
  });
});
