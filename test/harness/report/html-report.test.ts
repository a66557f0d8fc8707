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
