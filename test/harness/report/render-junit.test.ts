import { readFileSync } from 'node:fs';
import { DOMParser } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { expectationSides } from '../../../harness/expect/expectation-sides.js';
import { renderJunit } from '../../../harness/report/render-junit.js';
import { expectationValues } from '../../../harness/report/run-phrases.js';
import { runReport } from './run-report-fixture.js';

const XSD = readFileSync('test/fixtures/junit/junit-10.xsd', 'utf8');
const startedAt = new Date('2026-03-08T10:11:12.345Z');

async function valid(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: 'j.xml', contents: xml }], schema: [XSD] });
  return r.errors.map((e) => e.rawMessage);
}

describe('expectation sides', () => {
  it('names each side from what it refers to', () => {
    expect(expectationSides('run.ackLatencyP99 <= 1s')).toEqual({ left: 'value', right: 'limit' });
    expect(expectationSides('alert.hopLatency{hop=ch-user}.truth.p(99) <= 60s')?.left).toBe('truth');
    expect(expectationSides('run.peakRssBytes < 2 * 1000')?.right).toBe('limit');
    expect(expectationSides('run.lost == 0')).toEqual({ left: 'value', right: 'expected' });
    // Same label both sides: left and right.
    expect(expectationSides('run.resent <= run.batches / 10')).toEqual({ left: 'left', right: 'right' });
    expect(expectationSides('install.installAndLeave.reported >= install.installAndLeave.reported')?.left).toBe('left');
    expect(expectationSides('not an expectation')).toBeUndefined();
  });

  it('words a failure with both figures and their unit', () => {
    expect(expectationValues({ expect: 'run.ackLatencyP99 <= 1s', passed: false, left: 4735, right: 1000, unit: 'ms' })).toBe(
      'value 4,735 ms, limit 1,000 ms',
    );
    expect(
      expectationValues({
        expect: 'install.installAndLeave.reported == install.installAndLeave.truth',
        passed: false,
        left: null,
        right: 3,
        notReported: ['install.installAndLeave.reported'],
      }),
    ).toBe('not reported: install.installAndLeave.reported');
  });
});

describe('renderJunit', () => {
  it('an interrupted run: every expectation skipped with why; valid against junit-10.xsd', async () => {
    const report = runReport({
      scenario: { name: 'a<b&"c"', file: 'x.yaml', description: '', shardCount: 10, expect: ['run.lost == 0', 'run.ackLatencyP99 <= 1s'] },
      interrupted: {
        signal: 'SIGINT',
        atVirtualMs: 0,
        atVirtual: '2026-03-04T05:12:00.000Z',
        shardsComplete: 3,
        shardsStopped: 7,
        shardsNotStarted: 2,
      },
      passed: false,
    });
    const xml = renderJunit(report, { startedAt });
    expect(await valid(xml)).toEqual([]);
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const suite = doc.querySelector('testsuite');
    // Escaped (xmllint read it as well-formed above).
    expect(xml).toContain('<testsuite name="a&lt;b&amp;&quot;c&quot;"');
    expect(suite?.getAttribute('timestamp')).toBe('2026-03-08T10:11:12');
    expect([suite?.getAttribute('tests'), suite?.getAttribute('skipped'), suite?.getAttribute('failures')]).toEqual(['2', '2', '0']);
    expect([...doc.querySelectorAll('skipped')].map((s) => s.getAttribute('message'))).toEqual(
      Array(2).fill(
        "not evaluated: the run was interrupted (SIGINT) with 3 of 10 shards complete; every shard's traffic was simulated up to 2026-03-04T05:12:00.000Z",
      ),
    );
    expect(doc.querySelector('property[name="result"]')?.getAttribute('value')).toBe('INTERRUPTED');
  });

  it('text XML 1.0 cannot carry is dropped, not written', async () => {
    const report = runReport({
      expectations: [{ expect: 'run.lost == 0 \u0001\uD800', passed: false, left: 2, right: 0 }],
      passed: false,
    });
    const xml = renderJunit(report, { startedAt });
    expect(await valid(xml)).toEqual([]);
    expect(xml).toContain('name="run.lost == 0 "');
  });
});
