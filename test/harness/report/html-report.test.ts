import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPmr } from '../../../harness/report/pmr.js';
import { renderHtml } from '../../../harness/report/render-html.js';
import type { RunReport } from '../../../harness/report/run-report.js';
import { smsim } from '../../helpers/cli.js';

/*
 * report.html of every demo scenario, from real runs of the CLI (dist/, built before the tests),
 * read as a browser would read it (linkedom): what colour each difference gets and what it says,
 * the expectations table, no chart with a single bar, nothing fetched from elsewhere.
 */

const DEMOS = [
  'ioc-mds-ppmid-no-ack',
  'install-and-leave',
  'firmware-rollout',
  'alert-storm-north',
  'month-end',
  'user-orchestration',
  'default',
] as const;

let dir = '';
const pages = new Map<string, { html: string; report: RunReport }>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsim-html-'));
  // Two at a time: the machine's two cores, each run has one worker by default.
  const queue = [...DEMOS];
  const next = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const out = join(dir, name);
      const r = await smsim(['run', `scenarios/${name}.yaml`, '--out', out], { timeoutMs: 240_000 });
      if (r.code !== 0) throw new Error(`${name}: exit ${r.code}\n${r.stderr}`);
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport;
      pages.set(name, { html: await readFile(join(out, 'report.html'), 'utf8'), report });
    }
  };
  await Promise.all([next(), next()]);
  // About 35 s of CPU in all; the bound is for a loaded machine (no assertion on wall time).
}, 300_000);

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

type Doc = ReturnType<typeof parseHTML>['document'];
type El = NonNullable<ReturnType<Doc['querySelector']>>;
const doc = (html: string): Doc => parseHTML(html).document;
const page = (name: string): { html: string; report: RunReport } => {
  const p = pages.get(name);
  if (p === undefined) throw new Error(`no page for ${name}`);
  return p;
};
const num = (s: string | null | undefined): number => Number((s ?? '').replace(/,/g, '').replace('−', '-').trim());

/** The figure rows of the section tables: measure id, the three views, and the cells that read them. */
function figureRows(
  d: Doc,
): Array<{ id: string; truth: number; observed: number; reported: number | null; blind: El; error: El; words: El }> {
  const out = [];
  for (const table of d.querySelectorAll('section[id^="sec-"] > table.fig')) {
    const head = [...table.querySelectorAll('thead th')].map((t) => t.textContent ?? '');
    if (!head[4]?.startsWith('blind spot')) continue;
    for (const row of table.querySelectorAll('tbody tr')) {
      const c = [...row.querySelectorAll('td')];
      const id = c[0]?.querySelector('code')?.textContent ?? '';
      const reported = c[3]?.classList.contains('nr') ? null : num(c[3]?.textContent);
      out.push({
        id,
        truth: num(c[1]?.textContent),
        observed: num(c[2]?.textContent),
        reported,
        blind: c[4] as El,
        error: c[5] as El,
        words: c[6] as El,
      });
    }
  }
  return out;
}

describe.each(DEMOS)('report.html of %s', (name) => {
  it('is one self-contained file: no script, no external resource', () => {
    const { html } = page(name);
    const d = doc(html);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(d.querySelectorAll('script, link, img, iframe, object, embed').length).toBe(0);
    expect(d.querySelectorAll('[src]').length).toBe(0);
    for (const a of d.querySelectorAll('[href]')) expect(a.getAttribute('href')).not.toMatch(/^(https?:)?\/\//i);
    const css = [...d.querySelectorAll('style')].map((s) => s.textContent ?? '').join('');
    expect(css.length).toBeGreaterThan(500);
    expect(css).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('has the expectations table with PASS / FAIL for each expectation of the run', () => {
    const { html, report } = page(name);
    const rows = [...doc(html).querySelectorAll('#expectations table.expectations tbody tr')];
    expect(rows.length).toBe(report.expectations.length);
    expect(rows.length).toBeGreaterThan(0);
    rows.forEach((row, i) => {
      const e = report.expectations[i];
      const result = row.querySelector('td');
      expect(result?.textContent).toBe(e?.passed ? 'PASS' : 'FAIL');
      expect(result?.classList.contains(e?.passed ? 'pass' : 'fail')).toBe(true);
      expect(row.querySelector('code')?.textContent).toBe(e?.expect);
    });
  });

  it('draws no chart with a single bar, and few charts', () => {
    const charts = [...doc(page(name).html).querySelectorAll('svg.chart')];
    expect(charts.length).toBeLessThanOrEqual(8);
    for (const svg of charts) {
      const categories = svg.getAttribute('data-categories');
      if (categories !== null) {
        expect(Number(categories)).toBeGreaterThanOrEqual(2);
        expect(svg.querySelectorAll('g.cat').length).toBe(Number(categories));
      } else {
        expect(Number(svg.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
        expect(svg.querySelectorAll('path').length).toBeGreaterThanOrEqual(2);
      }
      // Every chart has a title and a legend with the three views, outside the plot.
      const caption = svg.parentElement?.querySelector('figcaption');
      expect(caption?.querySelector('b')?.textContent?.length).toBeGreaterThan(0);
      expect([...(caption?.querySelectorAll('.key') ?? [])].map((k) => k.textContent)).toEqual(['truth', 'observed', 'reported']);
    }
  });

  it('paints a blind spot amber and says so, never red; explains every figure observed above its truth', () => {
    const { html, report } = page(name);
    const d = doc(html);
    const rows = figureRows(d);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      // The reference pipeline reports exactly what it observed: no pipeline error anywhere.
      expect(r.reported === null || r.reported === r.observed).toBe(true);
      expect(r.error.classList.contains('err')).toBe(false);
      expect(r.words.classList.contains('err')).toBe(false);
      if (r.truth > r.observed) {
        expect(r.blind.classList.contains('blind')).toBe(true);
        expect(r.words.textContent).toMatch(/^Blind spot: /);
      } else if (r.truth < r.observed) {
        expect(r.blind.classList.contains('blind')).toBe(false);
        expect(r.words.classList.contains('above') || r.words.classList.contains('obs')).toBe(true);
        expect(r.words.textContent?.length).toBeGreaterThan(40);
      } else expect(r.blind.textContent).toBe('');
    }
    expect(d.querySelectorAll('td.err, .summary .err').length).toBe(report.run.lost > 0 ? 1 : 0);
  });
});

describe('the IOC/MDS PPMID demo', () => {
  it('reads "not measurable" and the acknowledgement gap as a blind spot, not as errors', () => {
    const rows = figureRows(doc(page('ioc-mds-ppmid-no-ack').html));
    const received = rows.find((r) => r.id === 'firmware.received');
    expect(received?.blind.classList.contains('blind')).toBe(true);
    expect(received?.words.textContent).toContain(
      `Blind spot: ${(received ? received.truth - received.observed : 0).toLocaleString('en-GB')} happened`,
    );
    const nm = rows.find((r) => r.id === 'firmware.notMeasurable');
    expect(nm?.words.classList.contains('obs')).toBe(true);
    expect(nm?.words.textContent).toMatch(/^Not measurable: targets that cannot acknowledge/);
  });

  it('paints a pipeline error red and says so, apart from the blind spot of the same figure', () => {
    const { report } = page('ioc-mds-ppmid-no-ack');
    // The pipeline under test reports 3 HANs more than it could observe on the ioc PPMIDs' network.
    let done = false;
    const metrics = report.metrics.map((m) => {
      if (done || m.id !== 'firmware.received' || m.reported === null) return m;
      done = true;
      return { ...m, reported: m.reported + 3 };
    });
    const d = doc(renderHtml({ ...report, metrics }, buildPmr({ ...report, metrics })));
    const received = figureRows(d).find((r) => r.id === 'firmware.received');
    expect(received?.reported).toBe((received?.observed ?? 0) + 3);
    expect(received?.error.classList.contains('err')).toBe(true);
    expect(received?.error.textContent).toBe('−3');
    expect(received?.words.classList.contains('err')).toBe(true);
    expect(received?.words.textContent).toBe(
      'Pipeline error: the pipeline reports 3 more than the reference definitions count on the same traffic.',
    );
    expect(received?.blind.classList.contains('err')).toBe(false);
    expect(d.querySelector('.summary .err b')?.textContent).toBe('1');
  });
});

describe.each(DEMOS)('the figures report.json and pmr.json added, in report.html of %s', (name) => {
  it("shows R1 per business process and SMETS generation, I&L by 90-day category and the incidents' initial response, per month", () => {
    const { html, report } = page(name);
    const d = doc(html);
    const pmr = buildPmr(report);
    const processes = [...d.querySelectorAll('#pmr table.processes')];
    const leave = [...d.querySelectorAll('#pmr table.leave')];
    expect(processes.length).toBe(pmr.months.filter((m) => m.businessProcesses.length > 0).length);
    expect(leave.length).toBe(pmr.months.filter((m) => m.installAndLeave.length > 0).length);
    const withProcesses = pmr.months.filter((m) => m.businessProcesses.length > 0);
    processes.forEach((t, i) => {
      const rows = withProcesses[i]?.businessProcesses ?? [];
      const cells = [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));
      expect(cells.map((c) => c[1])).toEqual(rows.map((b) => b.smets.toUpperCase()));
      // requests: the reported figure first (the truth beneath it only where they differ).
      expect(cells.map((c) => num(/^[\d,]+/.exec(c[2] ?? '')?.[0]))).toEqual(rows.map((b) => b.requests.reported));
    });
    const withLeave = pmr.months.filter((m) => m.installAndLeave.length > 0);
    leave.forEach((t, i) => {
      expect(t.querySelectorAll('tbody tr').length).toBe(withLeave[i]?.installAndLeave.length);
    });
    for (const t of d.querySelectorAll('#pmr h4 + table')) {
      const head = [...t.querySelectorAll('th')].map((h) => h.textContent);
      if (head[0] === 'category')
        expect(head).toEqual(expect.arrayContaining(['initial response', 'responded within TIRT', 'closed within target']));
    }
    // CPM1 / CPM2 carry the old way in every month they are measured.
    for (const [i, m] of pmr.months.entries()) {
      const cpm1 = m.cpms.find((c) => c.cpm === 'CPM1');
      if (cpm1?.measured !== true || cpm1.oldWay === undefined) continue;
      const row = [...(d.querySelectorAll('#pmr table.cpms')[i]?.querySelectorAll('tbody tr') ?? [])][0];
      expect(row?.querySelectorAll('td')[5]?.textContent).toMatch(new RegExp(`^${cpm1.oldWay.reportedPercent?.toFixed(2)} %`));
    }
  });

  it('says which within-target rule the run used, in words, beside CPM1 / CPM2 and in the PMR', () => {
    const { html, report } = page(name);
    const rules = [...doc(html).querySelectorAll('p.rule')].map((p) => p.textContent ?? '');
    expect(report.reporting?.withinTargetRule).toBe('successfulResponse');
    expect(rules.length).toBe(report.metrics.some((r) => r.id.startsWith('srv.')) ? 2 : 1);
    for (const r of rules) expect(r).toMatch(/only a successful Service Response delivered within its Target Response Time counts/);
  });
});

describe('CPM1 / CPM2 in report.html', () => {
  const cpmRow = (d: Doc, cpm: string): string[] => {
    const row = [...d.querySelectorAll('table.cpm tbody tr')].find((r) => r.querySelector('td')?.textContent === cpm);
    return [...(row?.querySelectorAll('td') ?? [])].map((c) => c.textContent ?? '');
  };

  it('reads report.json cpm[]: a figure changed there is the figure on the page', () => {
    const { report } = page('ioc-mds-ppmid-no-ack');
    const cpm = report.cpm ?? [];
    expect(cpm.length).toBe(2);
    const changed = { ...report, cpm: cpm.map((c) => (c.cpm === 'CPM1' ? { ...c, mp122: { ...c.mp122, reported: 12.34 } } : c)) };
    const d = doc(renderHtml(changed, buildPmr(changed)));
    const row = cpmRow(d, 'CPM1');
    expect(row[2]).toBe(`12.34 %pipeline error: observed ${cpm[0]?.mp122.observed?.toFixed(2)} %`);
    expect(cpmRow(d, 'CPM2')[2]).toBe(`${cpm[1]?.mp122.reported?.toFixed(2)} %`);
    expect(d.querySelector('table.cpm + p')?.textContent).toMatch(/^The percentages are report\.json's cpm figures/);
  });

  it('recomputes them from the rows, and says so, for an older report.json without cpm[]', () => {
    const { report } = page('ioc-mds-ppmid-no-ack');
    const { cpm, ...older } = report;
    const d = doc(renderHtml(older, buildPmr(older)));
    expect(cpmRow(d, 'CPM1')[2]).toBe(`${cpm?.[0]?.mp122.reported?.toFixed(2)} %`);
    expect(cpmRow(d, 'CPM1')[1]).toBe(`${cpm?.[0]?.oldWay.reported?.toFixed(2)} %`);
    expect(d.querySelector('table.cpm + p')?.textContent).toMatch(/older than its cpm figures: the percentages are recomputed/);
  });

  it('names the other rule in words when the run used it', () => {
    const { report } = page('ioc-mds-ppmid-no-ack');
    const other: RunReport = {
      ...report,
      reporting: { asOfMs: 0, latenessMs: 0, ...report.reporting, withinTargetRule: 'responseDelivered' },
    };
    const rules = [...doc(renderHtml(other, buildPmr(other))).querySelectorAll('p.rule')].map((p) => p.textContent ?? '');
    expect(rules.length).toBe(2);
    for (const r of rules)
      expect(r).toMatch(/any Service Response delivered within its Target Response Time counts as within target, failed or not/);
  });
});

describe('R3 by SMETS generation and R4 end to end beside the interim timing', () => {
  it('reports SMETS1 and SMETS2 apart, with the not-measurable reasons, in the IOC/MDS PPMID demo', () => {
    const { html, report } = page('ioc-mds-ppmid-no-ack');
    const rows = [...doc(html).querySelectorAll('#sec-firmware table.smets tbody tr')];
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(['SMETS1', 'SMETS2']);
    const nm = report.metrics
      .filter((m) => m.id === 'firmware.notMeasurable' && m.labels.smets === 'smets1')
      .reduce((s, m) => s + m.observed, 0);
    const cell = rows[0]?.querySelectorAll('td')[4];
    expect(cell?.classList.contains('obs')).toBe(true);
    expect(cell?.textContent).toBe(`${nm.toLocaleString('en-GB')}${nm.toLocaleString('en-GB')} cannot acknowledge (e.g. IOC/MDS PPMIDs)`);
    expect(rows[0]?.querySelector('td.words')?.textContent).toMatch(/^From the SMETS1 Service Providers' per-device data only \(CR1440/);
  });

  it('shows CSP North with no end-to-end time, in amber, and its interim DSP-only figure beside it', () => {
    const { html, report } = page('ioc-mds-ppmid-no-ack');
    const north = [...doc(html).querySelectorAll('#alert-timing + p + table.timing tbody tr')].find(
      (r) => r.querySelector('td')?.textContent === 'north',
    );
    const c = [...(north?.querySelectorAll('td') ?? [])];
    const sum = (id: string): number =>
      report.metrics.filter((m) => m.id === id && m.labels.network === 'north').reduce((s, m) => s + (m.reported ?? 0), 0);
    expect(sum('alert.measured')).toBe(0);
    expect(c[2]?.classList.contains('blind')).toBe(true);
    expect(c[2]?.textContent).toBe('none timedtruth 100.00 %');
    expect(num(c[3]?.textContent)).toBe(sum('alert.notMeasurable'));
    expect(num(c[4]?.textContent)).toBe(sum('alert.interimMeasured'));
    expect(c[6]?.textContent).toMatch(/^The DSP cannot see the CH receipt here \(CSP North, CR1438\)/);
  });
});
