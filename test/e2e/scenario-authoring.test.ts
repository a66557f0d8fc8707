import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, SMALL, smsim } from '../helpers/cli.js';

afterEach(killChildren);

/** Five different mistakes: a duplicate key (YAML), an unknown key with a near miss, a wrong type, an unknown metric id, a bad label. */
const BROKEN = [
  '# yaml-language-server: $schema=../schema/scenario.schema.json',
  'name: broken',
  'seed: 1',
  'seed: 2',
  'start: "2026-03-02"',
  'duration: 1d',
  'estate:',
  '  premises: 1000',
  '  premisesPerShrad: 500',
  'serviceUsers:',
  '  - name: A',
  '    share: all',
  'traffic: { installs: { perDay: 10 } }',
  'expect:',
  '  - run.lost == 0',
  '  - install.instalAndLeave.reported == 0',
  '  - "install.installAndLeave{regoin=north}.reported >= 0"',
  '',
].join('\n');

function brokenFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'smsim-authoring-')), 'broken.yaml');
  writeFileSync(file, BROKEN);
  return file;
}

describe('scenario authoring, as a user meets it on the command line', () => {
  it.each([['validate'], ['run']])('smsim %s lists five mistakes with their lines in one go and exits 2', async (command) => {
    const file = brokenFile();
    const r = await smsim([command, file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        `smsim: 5 problems in ${file}:`,
        `  ${file}:4:1: key "seed" is set twice in this mapping (keys must be unique)`,
        `  ${file}:9:3: estate.premisesPerShrad: unknown key (did you mean "premisesPerShard"?)`,
        `  ${file}:12:12: serviceUsers[0].share: must be a number (got string)`,
        `  ${file}:16:5: expect[1]: expectation 2 "install.instalAndLeave.reported == 0": unknown metric "install.instalAndLeave" (did you mean "install.installAndLeave"?) (see docs/metrics.md)`,
        `  ${file}:17:30: expect[2]: expectation 3 "install.installAndLeave{regoin=north}.reported >= 0": "install.installAndLeave" has no label "regoin" (did you mean "region"?) (its labels: region, day, month, category)`,
        '  [SMSIM_ERR_SCENARIO_PARSE]',
        '',
      ].join('\n'),
    );
  });

  it('validate --json lists the problems as data for an editor or CI, and exits 2', async () => {
    const file = brokenFile();
    const r = await smsim(['validate', '--json', file]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file, valid: false, code: 'SMSIM_ERR_SCENARIO_PARSE' });
    expect(out.problems.map((p: { line: number; column: number; path?: string }) => [p.line, p.column, p.path])).toEqual([
      [4, 1, undefined],
      [9, 3, 'estate.premisesPerShrad'],
      [12, 12, 'serviceUsers[0].share'],
      [16, 5, 'expect[1]'],
      [17, 30, 'expect[2]'],
    ]);
  });

  it('validate --json prints the resolved scenario with its defaults, and an estimate close to what the run sends', async () => {
    const v = await smsim(['validate', '--json', SMALL]);
    expect(v.code).toBe(0);
    const out = JSON.parse(v.stdout);
    expect(out).toMatchObject({ file: SMALL, valid: true, start: '2026-03-02T00:00:00.000Z' });
    // Defaults the file leaves out, filled in.
    expect(out.scenario.batchSize).toBe(1000);
    expect(out.scenario.serviceUsers[0].role).toBe('supplier');
    expect(out.scenario.installs.weekendFactor).toBe(0.3);
    expect(out.scenario.metrics).toBeDefined();
    expect(Object.keys(out.estimate.eventsByTraffic)).toEqual(['installs']);
    expect(out.estimate.method).toContain('events = resolved traffic volumes × events per unit');
    const run = JSON.parse((await smsim(['run', SMALL, '--json', '--workers', '1'])).stdout);
    expect(Math.abs(out.estimate.events / run.run.sent - 1)).toBeLessThan(0.15);
    expect(out.estimate.batches).toBe(Math.ceil(out.estimate.events / 1000));
  });

  it('a usage error in a subcommand points at that subcommand help', async () => {
    const run = await smsim(['run', SMALL, '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: unknown option '--bogus'\n(see smsim run --help)\n");
    const repair = await smsim(['journal', 'repair']);
    expect(repair.code).toBe(2);
    expect(repair.stderr).toContain('(see smsim journal repair --help)');
    const top = await smsim(['bogus']);
    expect(top.stderr).toContain('(see smsim --help)');
  });

  it('help says what --out writes and how validate estimates', async () => {
    const help = await smsim(['run', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('write report.json, report.md, report.html and pmr.json into this directory');
    const validate = await smsim(['validate', '--help']);
    expect(validate.stdout.replace(/\s+/g, ' ')).toContain('The estimate: events = resolved traffic volumes × events per unit');
  });
});
