import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { issuesOf, MINIMAL_SCENARIO } from '../../helpers/scenario-issues.js';

const BASE = MINIMAL_SCENARIO;

describe('service request, alert and measurement blocks', () => {
  it('fills in the GB mix, latency model, alert defaults and the §2.3 target response times', () => {
    const s = parseScenarioText(`${BASE}traffic: { serviceRequests: { scale: 0.5 }, alerts: {} }\n`, 'x.yaml');
    expect(s.serviceRequests?.mix.find((m) => m.srv === '4.8.1')).toMatchObject({
      perPremisesPerDay: 0.25,
      dccScheduled: true,
      profile: 'overnight',
    });
    expect(s.serviceRequests?.timeoutMs).toBe(120_000);
    expect(s.alerts?.codes.map((c) => c.code)).toContain('0x8F36');
    expect(s.metrics.trt).toEqual({
      onDemand: 30_000,
      critical: 60_000,
      transform: 3_000,
      futureDated: 30_000,
      dccScheduled: 30_000,
      nonDevice: 10_000,
      alert: 60_000,
    });
    expect(s.metrics.exclusions).toEqual([]);
  });

  it('resolves overridden targets and the exclusion list', () => {
    const s = parseScenarioText(
      `${BASE}measurement:\n  targets: { onDemand: 20s }\n  exclusions:\n    - { measure: cpm1, user: A, srv: "1.1.1", network: north, reason: user-orchestration, validFrom: "2026-03-01", validTo: "2026-04-01T00:00:00Z" }\n`,
      'x.yaml',
    );
    expect(s.metrics.trt.onDemand).toBe(20_000);
    expect(s.metrics.exclusions).toEqual([
      {
        measure: 'cpm1',
        user: 1,
        srv: '1.1.1',
        network: 1,
        device: 0,
        reason: 'user-orchestration',
        validFromMs: Date.parse('2026-03-01T00:00:00Z'),
        validToMs: Date.parse('2026-04-01T00:00:00Z'),
      },
    ]);
  });

  it('checks the mix against the DUIS request matrix and the exclusion list against the scenario, with paths', () => {
    const issues = issuesOf(`${BASE}traffic:
  serviceRequests:
    mix:
      - { srv: "9.9.9", perPremisesPerDay: 1 }
      - { srv: "4.1.1", perPremisesPerDay: 1, dccScheduled: true }
      - { srv: "2.2", perPremisesPerDay: 1, futureDatedShare: 0.5 }
measurement:
  exclusions:
    - { user: Nobody, reason: other, validFrom: "2026-03-02", validTo: "2026-03-01" }
`);
    expect(issues).toEqual(
      expect.arrayContaining([
        "x.yaml: traffic.serviceRequests.mix[0].srv: SRV 9.9.9 is not in smsim's SRV catalogue (docs/metrics.md)",
        'x.yaml: traffic.serviceRequests.mix[1].dccScheduled: SRV 4.1.1 cannot be DCC-scheduled (DUIS request matrix)',
        'x.yaml: traffic.serviceRequests.mix[2].futureDatedShare: SRV 2.2 cannot be future-dated (DUIS request matrix)',
        'x.yaml: measurement.exclusions[0].user: no Service User named "Nobody"',
        'x.yaml: measurement.exclusions[0].validTo: must be after validFrom',
      ]),
    );
  });

  it('refuses an unknown exclusion reason and a power cut in an unknown region', () => {
    const issues =
      issuesOf(`${BASE}traffic: { alerts: { powerCuts: [{ region: east, start: "2026-03-02T18:00:00Z", duration: 1h, affectedShare: 0.5 }] } }
measurement: { exclusions: [{ reason: because, validFrom: "2026-03-01", validTo: "2026-04-01" }] }
`);
    expect(issues.some((i) => i.startsWith('x.yaml: traffic.alerts.powerCuts[0].region:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('x.yaml: measurement.exclusions[0].reason:'))).toBe(true);
  });
});
