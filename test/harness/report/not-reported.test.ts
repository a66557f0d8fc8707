import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkExpectations, parseExpectations } from '../../../harness/expect/expectations.js';
import { joinFigures } from '../../../harness/oracle/join-figures.js';
import { buildPmr } from '../../../harness/report/pmr.js';
import { renderHtml } from '../../../harness/report/render-html.js';
import { renderMarkdown } from '../../../harness/report/render-markdown.js';
import { renderPmrMarkdown } from '../../../harness/report/render-pmr-markdown.js';
import { renderTerminal } from '../../../harness/report/render-terminal.js';
import { writeReport } from '../../../harness/report/write-report.js';
import type { MetricSample } from '../../../simulator/core/domain/metrics/metric-table.js';
import { runReport } from './run-report-fixture.js';

// A pipeline that computes install and srv only: firmware and incident figures are "not reported".
const families = ['install', 'srv'];
const fw = { deviceType: 'PPMID', smets: 'smets2', network: 'north', month: '2026-03' };
const inc = { category: '3', smets: 'smets2', resolver: 'csp-north', month: '2026-03' };
const s = (id: string, labels: Record<string, string>, value: number): MetricSample => ({ id, labels, value });
const truth = [
  s('install.installAndCommission', { region: 'north', day: '2026-03-02' }, 5),
  s('firmware.targets', fw, 8),
  s('firmware.received', fw, 6),
  s('incident.closed', inc, 2),
  s('incident.closedWithinTarget', inc, 1),
];
const observed = [
  s('install.installAndCommission', { region: 'north', day: '2026-03-02' }, 4),
  s('firmware.targets', fw, 8),
  s('firmware.received', fw, 5),
  s('incident.closed', inc, 2),
  s('incident.closedWithinTarget', inc, 1),
];
// What the pipeline sent back: its own families only (a stray firmware figure is not taken).
const reported = [s('install.installAndCommission', { region: 'north', day: '2026-03-02' }, 4), s('firmware.targets', fw, 8)];
const metrics = joinFigures(truth, observed, reported, new Set(families));
const expectations = checkExpectations(
  parseExpectations(['run.lost == 0', 'firmware.received.reported >= 0.9 * firmware.received.truth']),
  {
    metrics,
    run: { lost: 0 },
    reportedFamilies: new Set(families),
  },
);
const report = runReport({
  pipeline: { kind: 'external', target: '127.0.0.1:1', families },
  run: { ...runReport().run, resumed: { batches: 3, events: 30 } },
  metrics,
  expectations,
  passed: expectations.every((e) => e.passed),
});
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const cells = (line: string | undefined): string[] => (line ?? '').trim().split(/ {2,}/);

describe('a figure the pipeline does not report', () => {
  it('is null in the joined rows, never 0', () => {
    expect(metrics.find((m) => m.id === 'firmware.targets')?.reported).toBeNull();
    expect(metrics.find((m) => m.id === 'install.installAndCommission')?.reported).toBe(4);
  });

  it('reads "not reported" in the terminal summary, with no pipeline Δ', () => {
    const lines = renderTerminal(report).split('\n');
    const received = lines.find((l) => l.startsWith('  HANs received (acknowledged)'));
    // truth, observed, reported, blind spot; the pipeline Δ cell is empty.
    expect(cells(received)).toEqual(['HANs received (acknowledged)', '6', '5', 'not reported', '+1']);
    expect(cells(lines.find((l) => l.startsWith('  Targets listed in 11.1 / 11.4')))).toEqual([
      'Targets listed in 11.1 / 11.4',
      '8',
      '8',
      'not reported',
    ]);
    expect(cells(lines.find((l) => l.startsWith('  Install & Commission (8.14.1)')))).toEqual([
      'Install & Commission (8.14.1)',
      '5',
      '4',
      '4',
      '+1',
    ]);
    // Ids of a not-reported family with no row in a group are not reported there either, not 0.
    expect(cells(lines.find((l) => l.startsWith('  smets2')))).toEqual([
      'smets2',
      'PPMID',
      'north',
      '8 / 8 / not reported',
      '6 / 5 / not reported',
      ...Array(4).fill('0 / 0 / not reported'),
    ]);
    expect(lines).toContain('  pipeline external at 127.0.0.1:1 · not reported: firmware, incident');
  });

  it('reads "not reported" in report.md, with an empty observed − reported', () => {
    const md = renderMarkdown(report).split('\n');
    expect(md).toContain('| HANs received (acknowledged) | 6 | 5 | not reported | +1 |  |');
    expect(md).toContain('| Targets listed in 11.1 / 11.4 | 8 | 8 | not reported |  |  |');
    expect(md).toContain('| Install & Commission (8.14.1) | 5 | 4 | 4 | +1 |  |');
    expect(md).toContain('| PPMID | 2026-03 | north | smets2 | 6 | 5 | not reported |');
    expect(md).toContain('| families reported | install, srv |');
    expect(md).toContain('| not reported | firmware, incident |');
  });

  it('reads "not reported" in the PMR, in Markdown and in report.html', () => {
    const pmr = buildPmr(report);
    const md = renderPmrMarkdown(pmr).split('\n');
    expect(md).toContain(
      '| CPM5 | Category 3–5 Incidents resolved within Target Resolution Time | not reported | not reported | 50.00 % |  | 90 % / 80 % |',
    );
    expect(md).toContain(
      '| 3 | smets2 | csp-north | not reported (truth 0) | not reported (truth 0) | not reported (truth 0) | not reported (truth 0) | not reported (truth 2) | not reported (truth 1) |',
    );
    expect(md).toContain('| HANs received (acknowledged) | 6 | 5 | not reported |');
    const html = renderHtml(report, pmr);
    // A blind spot of 1 (amber) and no pipeline error to compare: a dash, not a 0.
    expect(html).toContain(
      '<td class="l">HANs received (acknowledged)<br><code>firmware.received</code></td><td>6</td><td>5</td><td class="nr" title="the pipeline does not compute this family">not reported</td><td class="blind">+1</td><td class="nr" title="not reported: nothing to compare">—</td>',
    );
    // CPM5 has no old-way figure: an empty cell in that column.
    expect(html).toContain(
      '<tr><td class="l">CPM5</td><td class="l">Category 3–5 Incidents resolved within Target Resolution Time</td><td class="nr" colspan="2" title="the pipeline does not compute this family">not reported</td><td>50.00 %</td><td></td><td>90 % / 80 %</td><td></td></tr>',
    );
    // No reported bar of a not-reported figure: a bar of width 0 would read as 0.
    expect(html).not.toMatch(/<title>[^<]*reported (0|8|6)<\/title>/);
    expect(html).toContain('<div><b>2</b>families not reported: firmware, incident</div>');
  });

  it('marks the CPM not measured in pmr.json, with null reported figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsim-not-reported-'));
    dirs.push(dir);
    await writeReport(dir, report);
    const pmr = JSON.parse(await readFile(join(dir, 'pmr.json'), 'utf8'));
    const cpm = (id: string) => pmr.months[0].cpms.find((c: { cpm: string }) => c.cpm === id);
    expect(cpm('CPM5')).toEqual({
      cpm: 'CPM5',
      name: 'Category 3–5 Incidents resolved within Target Resolution Time',
      measured: false,
      notReported: true,
      within: { truth: 1, reported: null },
      total: { truth: 2, reported: null },
      truthPercent: 50,
      reportedPercent: null,
      target: 90,
      minimum: 80,
    });
    // No data at all: "not measured in this run", not "not reported".
    expect(cpm('CPM1')).toMatchObject({ measured: false, within: { truth: 0, reported: 0 } });
    expect(cpm('CPM1').notReported).toBeUndefined();
    expect(pmr.months[0].incidents[0].closed).toEqual({ truth: 2, reported: null });
    const firmware = pmr.months[0].sections.find((x: { title: string }) => x.title.startsWith('Firmware'));
    expect(firmware.rows).toEqual([
      { id: 'firmware.targets', name: 'Targets listed in 11.1 / 11.4', truth: 8, observed: 8, reported: null },
      { id: 'firmware.received', name: 'HANs received (acknowledged)', truth: 6, observed: 5, reported: null },
    ]);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json.metrics.find((m: { id: string }) => m.id === 'firmware.received').reported).toBeNull();
  });
});

describe('an expectation on a figure that is not reported', () => {
  it('fails and names the references instead of giving numbers', () => {
    expect(expectations[1]).toEqual({
      expect: 'firmware.received.reported >= 0.9 * firmware.received.truth',
      passed: false,
      left: null,
      right: 5.4,
      notReported: ['firmware.received.reported'],
    });
    const text = renderTerminal(report).split('\n');
    expect(text).toContain(
      '  FAIL  firmware.received.reported >= 0.9 * firmware.received.truth   (not reported: firmware.received.reported)',
    );
    expect(text).toContain('  PASS  run.lost == 0');
    expect(text[text.length - 1]).toBe('Result: FAIL (expectations not met)');
    const md = renderMarkdown(report).split('\n');
    expect(md).toContain(
      '| **FAIL** | `firmware.received.reported >= 0.9 * firmware.received.truth` | not reported: firmware.received.reported |  |',
    );
    expect(md).toContain('**Result: FAIL**');
    const html = renderHtml(report, buildPmr(report));
    expect(html).toContain(
      '<tr><td class="fail">FAIL</td><td class="l"><code>firmware.received.reported &gt;= 0.9 * firmware.received.truth</code></td><td class="nr l">not reported: firmware.received.reported</td><td></td></tr>',
    );
  });
});

describe('the header', () => {
  it('names the run id and what an earlier process delivered', () => {
    const text = renderTerminal(report).split('\n');
    expect(text[0]).toBe('smsim test · scenario "nr" · run nr-0123456789ab · seed 7');
    expect(text).toContain(
      '  delivery acked 40 · lost 0 · duplicates 0 · resent 0 batches · rejected 0 · resumed: 3 batches (30 events) delivered by an earlier process',
    );
    const md = renderMarkdown(report).split('\n');
    expect(md).toContain('| run id | `nr-0123456789ab` |');
    expect(md).toContain('| resumed | 3 batches (30 events) delivered by an earlier process |');
    const html = renderHtml(report, buildPmr(report));
    expect(html).toContain('<p class="muted">smsim run <code>nr-0123456789ab</code> · seed <code>7</code> · ');
    expect(html).toContain('<tr><td class="l">resumed</td><td>3 batches (30 events) delivered by an earlier process</td>');
  });

  it('says nothing of a resume when the run was not resumed', () => {
    const plain = runReport();
    expect(renderTerminal(plain)).not.toContain('resumed');
    expect(renderMarkdown(plain)).not.toContain('resumed');
  });
});

describe('a partial run', () => {
  const partial = runReport({
    scenario: { name: 'nr', file: 'nr.yaml', description: '', shardCount: 4, expect: [] },
    run: { ...runReport().run, shards: 2 },
    expectationsDeferred: true,
  });

  it('says its expectations are deferred to smsim merge, not that it passed', () => {
    const text = renderTerminal(partial).split('\n');
    expect(text).toContain("Expectations deferred to smsim merge (this run covers 2 of the scenario's 4 shards)");
    expect(text[text.length - 1]).toBe('Result: DEFERRED (smsim merge checks the expectations)');
    const md = renderMarkdown(partial).split('\n');
    expect(md).toContain("Expectations deferred to smsim merge (this run covers 2 of the scenario's 4 shards).");
    expect(md).toContain('**Result: DEFERRED**');
    const html = renderHtml(partial, buildPmr(partial));
    expect(html).toContain(
      '<h2>Expectations</h2>\n<p class="nm">Expectations deferred to smsim merge (this run covers 2 of the scenario\'s 4 shards).</p></section>',
    );
    expect(html).toContain('<p class="muted">Result: DEFERRED · smsim test</p>');
    expect(html).not.toContain('PASS');
  });
});
