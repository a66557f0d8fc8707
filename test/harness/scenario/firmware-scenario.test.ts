import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { DeviceType, Network } from '../../../simulator/core/domain/vocabulary.js';
import { issuesOf } from '../../helpers/scenario-issues.js';

const BASE = `
name: t
seed: 1
start: "2026-03-02"
duration: 7d
estate: { premises: 1000 }
serviceUsers: [{ name: A, share: 1 }]
`;

describe('traffic.firmware', () => {
  it('resolves defaults: IOC PPMIDs are IOC/MDS and cannot acknowledge; times in ms from the start', () => {
    const s = parseScenarioText(
      `${BASE}traffic: { firmware: { campaigns: [{ name: c, deviceType: PPMID, firmwareVersion: 3, start: 1d }] } }\n`,
      'x.yaml',
    );
    const f = s.firmware;
    expect(f?.campaigns[0]?.startMs).toBe(s.startMs + 86_400_000);
    expect(f?.campaigns[0]?.deviceType).toBe(DeviceType.PPMID);
    expect(f?.campaigns[0]?.networks).toEqual([1, 2, 3, 4, 5, 6]);
    const ioc = f?.deviceModels.filter((m) => m.deviceType === DeviceType.PPMID && m.networks.includes(Network.SMETS1_IOC));
    expect(ioc?.map((m) => [m.name, m.acksImage])).toEqual([['PPMID-IOC-MDS', false]]);
    expect(f?.wanDelayMedianMs).toBe(8 * 3_600_000);
  });

  it('fills networks a scenario model list leaves uncovered with the generic model', () => {
    const s = parseScenarioText(
      `${BASE}traffic: { firmware: { deviceModels: [{ name: X, deviceType: ESME, networks: [north] }], campaigns: [{ name: c, deviceType: ESME, firmwareVersion: 3 }] } }\n`,
      'x.yaml',
    );
    const esme = s.firmware?.deviceModels.filter((m) => m.deviceType === DeviceType.ESME);
    expect(esme?.map((m) => [m.name, m.networks])).toEqual([
      ['X', [1]],
      ['ESME-generic', [2, 3, 4, 5, 6]],
    ]);
  });

  it('names the path of every problem', () => {
    const issues = issuesOf(`${BASE}traffic:
  firmware:
    ackLoss: 2
    campaigns:
      - { name: a, deviceType: ESME, firmwareVersion: 5, start: soon }
      - { name: b, deviceType: IHD, firmwareVersion: 5 }
`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'x.yaml: traffic.firmware.ackLoss: must be between 0 and 1',
        'x.yaml: traffic.firmware.campaigns[0].start: must be a duration such as "0s", "12h" or "2d" (at most 400d)',
      ]),
    );
    expect(issues.some((i) => i.startsWith('x.yaml: traffic.firmware.campaigns[1].deviceType'))).toBe(true);
  });

  it('refuses two campaigns with the same firmware version (the pipeline tells campaigns apart by it)', () => {
    const issues = issuesOf(`${BASE}traffic:
  firmware:
    campaigns:
      - { name: a, deviceType: ESME, firmwareVersion: 5 }
      - { name: b, deviceType: GSME, firmwareVersion: 5 }
`);
    expect(issues).toEqual(["x.yaml: traffic.firmware.campaigns[1].firmwareVersion: must differ from every other campaign's"]);
  });
});
