import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { issuesOf, MINIMAL_SCENARIO } from '../../helpers/scenario-issues.js';

const VALID =
  MINIMAL_SCENARIO +
  `traffic: { installs: { perDay: 10 } }
`;

describe('scenario validation', () => {
  it('accepts a minimal scenario and fills in GB defaults scaled to the estate', () => {
    const s = parseScenarioText(VALID, 'x.yaml');
    expect(s.estate.shardCount).toBe(1);
    expect(s.estate.smets1Share).toBe(0.375);
    expect(s.installs?.perDay).toBe(10);
    expect(s.endMs - s.startMs).toBe(86_400_000);
    const gbRate = parseScenarioText(VALID.replace('perDay: 10', ''), 'x.yaml');
    expect(gbRate.installs?.perDay).toBeCloseTo((6580 * 1000) / 17_800_000, 10);
  });

  it('lists every problem with its path, not just the first', () => {
    const issues = issuesOf(`
name: t
seed: 1
start: "2026-03-02"
duration: 1d
colour: blue
estate: { premises: "many", gasShare: 1.5 }
serviceUsers: [{ name: A, share: 0.5 }]
traffic: { installs: { perDay: -3, wanLater: { within90Days: 0.8, after90Days: 0.5 } } }
`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'x.yaml: colour: unknown key',
        'x.yaml: estate.premises: must be a number (got string)',
        'x.yaml: estate.gasShare: must be between 0 and 1',
        'x.yaml: traffic.installs.perDay: must be ≥ 0',
        'x.yaml: traffic.installs.wanLater: within90Days + after90Days must be ≤ 1',
        'x.yaml: serviceUsers: shares must add up to 1 (they add up to 0.5)',
      ]),
    );
  });

  it('names missing fields, bad dates and bad durations', () => {
    const issues = issuesOf(
      'name: t\nstart: "2026-02-30T25:00:00Z"\nduration: 7 days\nestate: { premises: 10 }\nserviceUsers: [{ name: A, share: 1 }]\n',
    );
    expect(issues).toContain('x.yaml: seed: is required');
    expect(issues.some((i) => i.startsWith('x.yaml: start: "2026-02-30T25:00:00Z" is not a calendar date'))).toBe(true);
    expect(issues.some((i) => i.startsWith('x.yaml: duration: must be a duration'))).toBe(true);
  });

  it('refuses region shares that do not add up to 1', () => {
    expect(
      issuesOf(VALID.replace('{ premises: 1000 }', '{ premises: 1000, regions: { north: 0.5, central: 0.5, south: 0.5 } }')),
    ).toContain('x.yaml: estate.regions: shares must add up to 1 (they add up to 1.5)');
  });

  it('refuses a YAML alias bomb quickly', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      );
    expect(() => parseScenarioText(bomb.join('\n'), 'bomb.yaml')).toThrow(expect.objectContaining({ code: 'SMSIM_ERR_SCENARIO_PARSE' }));
  });

  it('refuses malformed YAML with the line number', () => {
    expect(() => parseScenarioText('name: [unclosed\n', 'bad.yaml')).toThrow(expect.objectContaining({ code: 'SMSIM_ERR_SCENARIO_PARSE' }));
  });

  it('refuses a bad expectation before anything runs', () => {
    expect(issuesOf(`${VALID}expect: ["install.installAndLeav.reported == 1", "run.lost = 0"]\n`)).toEqual([
      'x.yaml: expect[0]: expectation 1 "install.installAndLeav.reported == 1": unknown metric "install.installAndLeav" (did you mean "install.installAndLeave"?) (see docs/metrics.md)',
      'x.yaml: expect[1]: expectation 2 "run.lost = 0": unexpected "= 0" at column 10',
    ]);
  });

  it('says when the file is missing', async () => {
    await expect(loadScenario('scenarios/nope.yaml')).rejects.toMatchObject({
      code: 'SMSIM_ERR_SCENARIO_NOT_FOUND',
      message: 'scenarios/nope.yaml: cannot read scenario (no such file)',
    });
  });
});

describe('every scenario in scenarios/', () => {
  const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
  it('has some', () => expect(files).toContain('default.yaml'));
  it.each(files)('%s is valid', async (f) => {
    const { scenario } = await loadScenario(join('scenarios', f));
    expect(scenario.name).toBe(f.replace(/\.yaml$/, ''));
  });
});
