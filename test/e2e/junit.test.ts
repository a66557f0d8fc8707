import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from 'linkedom';
import { afterEach, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { SMALL, freePort, killChildren, smsim, smsimProcess } from '../helpers/cli.js';

/**
 * --junit with real CLI processes: the file validates against the JUnit schema Jenkins' xUnit
 * plugin reads (test/fixtures/junit/junit-10.xsd, as published), for a passing run, a failing
 * one, a shard of a run (its expectations skipped, left to merge) and that run's merge; the exit
 * codes are those of a run without --junit.
 */

afterEach(killChildren);

const FAILING = 'test/fixtures/scenarios/small-failing.yaml';
const XSD = readFileSync('test/fixtures/junit/junit-10.xsd', 'utf8');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'smsim-junit-'));

interface Expectation {
  expect: string;
  passed: boolean;
  left: number;
  right: number;
}
interface Report {
  runId: string;
  fingerprint: string;
  seed: string;
  expectations: Expectation[];
}

async function validate(xml: string): Promise<void> {
  const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [XSD] });
  expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
  expect(result.valid).toBe(true);
}

function parse(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const suite = doc.querySelector('testsuite');
  if (suite === null) throw new Error(`no testsuite in ${xml}`);
  const properties = Object.fromEntries(
    [...suite.querySelectorAll('property')].map((p) => [p.getAttribute('name'), p.getAttribute('value')]),
  );
  const cases = [...suite.querySelectorAll('testcase')].map((c) => ({
    name: c.getAttribute('name'),
    classname: c.getAttribute('classname'),
    failure: c.querySelector('failure')?.getAttribute('message') ?? null,
    skipped: c.querySelector('skipped')?.getAttribute('message') ?? null,
    out: c.querySelector('system-out')?.textContent ?? null,
  }));
  const attr = (n: string): string | null => suite.getAttribute(n);
  return { suite: attr, properties, cases };
}

const report = (dir: string): Report => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;

describe('--junit', () => {
  it('a passing run: one testcase per expectation with both values and their units; exit 0', async () => {
    const dir = tmp();
    const file = join(dir, 'ci', 'junit.xml');
    const r = await smsim(['run', SMALL, '--no-progress', '--out', dir, '--junit', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const xml = readFileSync(file, 'utf8');
    await validate(xml);
    const { suite, properties, cases } = parse(xml);
    const rep = report(dir);
    expect([suite('name'), suite('tests'), suite('failures'), suite('errors'), suite('skipped')]).toEqual(['small', '3', '0', '0', '0']);
    expect(suite('timestamp')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(Number(suite('time'))).toBeGreaterThan(0);
    expect(properties['run.id']).toBe(rep.runId);
    expect(properties['run.fingerprint']).toBe(rep.fingerprint);
    expect(properties['run.seed']).toBe(rep.seed);
    expect(properties.result).toBe('PASS');
    expect(cases.map((c) => c.name)).toEqual(rep.expectations.map((e) => e.expect));
    expect(cases.every((c) => c.classname === 'small' && c.failure === null && c.skipped === null)).toBe(true);
    // run.lost == 0, run.duplicates == 0: events; two reported / observed figures of a count.
    expect(cases.map((c) => c.out)).toEqual([
      'value 0 events, expected 0 events',
      'value 0 events, expected 0 events',
      `reported ${rep.expectations[2]?.left.toLocaleString('en-GB')}, observed ${rep.expectations[2]?.right.toLocaleString('en-GB')}`,
    ]);
  });

  it('a failing run: the failed expectation is a <failure> naming both figures; exit 1 as without --junit', async () => {
    const dir = tmp();
    const file = join(dir, 'junit.xml');
    const r = await smsim(['run', FAILING, '--no-progress', '--out', dir, '--junit', file]);
    expect(r.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    await validate(xml);
    const { suite, properties, cases } = parse(xml);
    const failed = report(dir).expectations.filter((e) => !e.passed);
    expect(failed.length).toBe(1);
    const f = failed[0] as Expectation;
    expect(f.left).not.toBe(f.right);
    expect([suite('tests'), suite('failures'), properties.result]).toEqual(['3', '1', 'FAIL']);
    expect(cases.map((c) => c.failure)).toEqual([
      `reported ${f.left.toLocaleString('en-GB')}, truth ${f.right.toLocaleString('en-GB')}`,
      null,
      null,
    ]);
  });

  it('a shard of a run lists its expectations as skipped, with the reason; smsim merge --junit checks them', async () => {
    const dirs = [tmp(), tmp(), tmp()];
    for (const [i, dir] of dirs.entries()) {
      const file = join(dir, 'junit.xml');
      const r = await smsim(['run', SMALL, '--no-progress', '--shard', `${i}/3`, '--out', dir, '--junit', file]);
      expect(r.code).toBe(0);
      const xml = readFileSync(file, 'utf8');
      await validate(xml);
      const { suite, properties, cases } = parse(xml);
      expect([suite('tests'), suite('failures'), suite('skipped'), properties.result]).toEqual(['3', '0', '3', 'DEFERRED']);
      expect(cases.map((c) => c.skipped)).toEqual(Array(3).fill("deferred to smsim merge (this run covers 1 of the scenario's 3 shards)"));
    }
    const merged = join(tmp(), 'merged.xml');
    const m = await smsim(['merge', ...dirs, '--junit', merged]);
    expect(m.code).toBe(0);
    const xml = readFileSync(merged, 'utf8');
    await validate(xml);
    const { suite, cases } = parse(xml);
    expect([suite('tests'), suite('failures'), suite('skipped')]).toEqual(['3', '0', '0']);
    expect(cases.map((c) => c.out?.startsWith('value 0 events'))).toEqual([true, true, false]);
  });

  it('an interrupted run (SIGINT) lists its expectations as skipped, not evaluated; exit 130 as without --junit', async () => {
    const file = join(tmp(), 'junit.xml');
    // Paced: some 12 s of sending, so the signal lands mid-run.
    const { child, done } = smsimProcess(['run', SMALL, '--no-progress', '--rate', '2000', '--junit', file]);
    await new Promise((r) => setTimeout(r, 3000));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    const xml = readFileSync(file, 'utf8');
    await validate(xml);
    const { suite, properties, cases } = parse(xml);
    expect([suite('tests'), suite('failures'), suite('skipped'), properties.result]).toEqual(['3', '0', '3', 'INTERRUPTED']);
    for (const c of cases) expect(c.skipped).toMatch(/^not evaluated: the run was interrupted \(SIGINT\) with \d+ of 3 shards complete/);
  });

  it('a run that fails (no pipeline at the target) writes each expectation as an <error> with the cause; exit code unchanged', async () => {
    const file = join(tmp(), 'junit.xml');
    const port = await freePort();
    const args = ['emit', SMALL, '--no-progress', '-t', `127.0.0.1:${port}`, '--reconnect-timeout', '1s'];
    const without = await smsim(args);
    const r = await smsim([...args, '--junit', file]);
    expect(r.code).toBe(without.code);
    expect(r.stderr).toContain('SMSIM_ERR_TARGET_UNREACHABLE');
    const xml = readFileSync(file, 'utf8');
    await validate(xml);
    const { suite, properties, cases } = parse(xml);
    expect([suite('tests'), suite('failures'), suite('errors'), properties.result, properties['error.code']]).toEqual([
      '3',
      '0',
      '3',
      'ERROR',
      'SMSIM_ERR_TARGET_UNREACHABLE',
    ]);
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const errors = [...doc.querySelectorAll('error')].map((e) => [e.getAttribute('type'), e.getAttribute('message')]);
    expect(errors.length).toBe(3);
    for (const [type, message] of errors) {
      expect(type).toBe('SMSIM_ERR_TARGET_UNREACHABLE');
      expect(message).toMatch(/^the run failed before its expectations could be checked: .*127\.0\.0\.1:\d+/);
    }
    expect(cases.map((c) => c.name)).toEqual([
      'run.lost == 0',
      'run.duplicates == 0',
      'install.installAndLeave.reported == install.installAndLeave.observed',
    ]);
  });

  it('a --junit file that cannot be written is refused before the run (exit 2)', async () => {
    const r = await smsim(['run', SMALL, '--no-progress', '--junit', '/proc/self/junit.xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--junit /proc/self/junit.xml');
    expect(r.stderr).toContain('SMSIM_ERR_OUT_INVALID');
  });
});
