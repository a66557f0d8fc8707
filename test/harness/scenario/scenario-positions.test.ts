import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { ALERT_HOPS } from '../../../simulator/core/domain/metrics/alert-metrics.js';
import { issuesOf, locatedIssuesOf, MINIMAL_SCENARIO } from '../../helpers/scenario-issues.js';

// MINIMAL_SCENARIO starts with a newline: its keys are on lines 2–7, so a block appended to it starts on line 8.

describe('scenario problems are located: file:line:column', () => {
  it('points at an unknown key, not at its value, and suggests the key meant', () => {
    expect(locatedIssuesOf(`${MINIMAL_SCENARIO}traffic:\n  instals: { perDay: 3 }\n`)).toEqual([
      'x.yaml:9:3: traffic.instals: unknown key (did you mean "installs"?)',
    ]);
  });

  it('points at a wrong value where it is written, in flow and block style', () => {
    expect(locatedIssuesOf(MINIMAL_SCENARIO.replace('{ premises: 1000 }', '{ premises: "many" }'))).toEqual([
      'x.yaml:6:21: estate.premises: must be a number (got string)',
    ]);
    expect(locatedIssuesOf(`${MINIMAL_SCENARIO}traffic:\n  installs:\n    perDay: -3\n`)).toEqual([
      'x.yaml:10:13: traffic.installs.perDay: must be ≥ 0',
    ]);
  });

  it('lists the values a closed field takes, with the one meant', () => {
    expect(
      locatedIssuesOf(
        `${MINIMAL_SCENARIO}traffic:\n  alerts:\n    powerCuts:\n      - { region: nort, start: "2026-03-02", duration: 1h, affectedShare: 0.5 }\n`,
      ),
    ).toEqual(['x.yaml:11:19: traffic.alerts.powerCuts[0].region: must be one of north, central, south (did you mean "north"?)']);
  });

  it('puts a missing key where its mapping starts', () => {
    expect(locatedIssuesOf(MINIMAL_SCENARIO.replace('seed: 1\n', ''))).toEqual(['x.yaml:2:1: seed: is required']);
    expect(locatedIssuesOf(`${MINIMAL_SCENARIO}measurement:\n  exclusions:\n    - { reason: other, validFrom: "2026-03-02" }\n`)).toEqual([
      'x.yaml:10:7: measurement.exclusions[0].validTo: is required',
    ]);
  });

  it('gives a YAML syntax error its line and column, and says which key is set twice', () => {
    expect(locatedIssuesOf(`${MINIMAL_SCENARIO}seed: 2\n`)).toEqual([
      'x.yaml:8:1: key "seed" is set twice in this mapping (keys must be unique)',
    ]);
    const badIndent = locatedIssuesOf(
      MINIMAL_SCENARIO.replace('estate: { premises: 1000 }', 'estate:\n  premises: 1000\n   gasShare: 0.5'),
    );
    // The mis-indented key read as part of premises' value is one mistake: its schema echo is not listed.
    expect(badIndent).toHaveLength(1);
    expect(badIndent[0]).toMatch(/^x\.yaml:7:13: .*\(check the indentation here and on the next line\)$/);
  });

  it('points at the column of the bad part of an expectation, and numbers expectations from 1', () => {
    const text = `${MINIMAL_SCENARIO}expect:\n  - run.lost == 0\n  - "alert.hopLatency{hop=ch-usr}.truth.p(99) <= 60s"\n  - 'run.sent == run.acked'\n  - run.lots == 0\n`;
    expect(locatedIssuesOf(text)).toEqual([
      `x.yaml:10:23: expect[1]: expectation 2 "alert.hopLatency{hop=ch-usr}.truth.p(99) <= 60s": label hop has no value "ch-usr" (did you mean "ch-user"?) (one of: ${ALERT_HOPS.join(', ')})`,
      'x.yaml:12:9: expect[3]: expectation 4 "run.lots == 0": unknown run field "lots" (did you mean "lost"?) (known: sent, acked, lost, duplicates, resent, rejected, batches, wallSeconds, eventsPerSecond, peakRssBytes, scheduleLagP99, ackLatencyP99)',
    ]);
  });

  it('lists YAML, schema and expectation problems together: five mistakes, five located messages', () => {
    const text = [
      'name: broken',
      'seed: 1',
      'seed: 2',
      'start: "2026-03-02"',
      'duration: 1d',
      'estate: { premises: 1000, premisesPerShrad: 500 }',
      'serviceUsers: [{ name: A, share: "all" }]',
      'expect:',
      '  - install.installAndLeav.reported == 0',
      '  - "install.installAndLeave{regoin=north}.reported >= 0"',
      '',
    ].join('\n');
    let err: unknown;
    try {
      parseScenarioText(text, 'b.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'SMSIM_ERR_SCENARIO_PARSE' });
    expect((err as { details: { issues: string[] } }).details.issues).toEqual([
      'b.yaml:3:1: key "seed" is set twice in this mapping (keys must be unique)',
      'b.yaml:6:27: estate.premisesPerShrad: unknown key (did you mean "premisesPerShard"?)',
      'b.yaml:7:34: serviceUsers[0].share: must be a number (got string)',
      'b.yaml:9:5: expect[0]: expectation 1 "install.installAndLeav.reported == 0": unknown metric "install.installAndLeav" (did you mean "install.installAndLeave"?) (see docs/metrics.md)',
      'b.yaml:10:30: expect[1]: expectation 2 "install.installAndLeave{regoin=north}.reported >= 0": "install.installAndLeave" has no label "regoin" (did you mean "region"?) (its labels: region, day, month, category)',
    ]);
    expect((err as Error).message).toMatch(/^5 problems in b\.yaml:\n {2}b\.yaml:3:1: /);
  });

  it('keeps the position-free form for message tests', () => {
    expect(issuesOf(`${MINIMAL_SCENARIO}colour: blue\n`)).toEqual(['x.yaml: colour: unknown key']);
  });
});
