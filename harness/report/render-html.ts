import { num } from './format.js';
import { alertTimingHtml, firmwareBySmetsHtml } from './html/generation-tables.js';
import { glossaryHtml } from './html/glossary.js';
import { type SectionTally, metricSectionHtml } from './html/metric-section.js';
import { CSS } from './html/page-style.js';
import { pmrHtml } from './html/pmr-section.js';
import { expectationsHtml, runHtml } from './html/run-section.js';
import { hopLatencyHtml, srvExtrasHtml, throughputHtml } from './html/service-section.js';
import { METRIC_SECTIONS } from './metric-names.js';
import type { Pmr } from './pmr.js';
import type { RunReport } from './run-report.js';
import { notReportedFamilies, resultWord } from './run-phrases.js';
import { esc } from './svg-charts.js';

export interface HtmlOptions {
  /** Where the reader's guide is from where the page is kept (docs/sample links ../reading-the-report.md). */
  readonly guideHref?: string;
}

/**
 * report.html for a Working Group room: the verdict first, then the run, every MP122 section with
 * truth, observed and reported side by side (blind spots amber, pipeline errors red, each said in
 * words), chosen charts, and the monthly PMR. One self-contained file: inline CSS and SVG only.
 */
export function renderHtml(report: RunReport, pmr: Pmr, options: HtmlOptions = {}): string {
  const sections: string[] = [];
  const nav: string[] = ['<a href="#expectations">Expectations</a>', '<a href="#run">Run</a>'];
  const tallies: SectionTally[] = [];
  for (const s of METRIC_SECTIONS) {
    const anchor = `sec-${s.prefix.replace(/\.$/, '')}`;
    const extra =
      s.prefix === 'srv.'
        ? srvExtrasHtml(report)
        : s.prefix === 'alert.'
          ? alertTimingHtml(report.metrics) + hopLatencyHtml(report.metrics) + throughputHtml(report.metrics)
          : s.prefix === 'firmware.'
            ? firmwareBySmetsHtml(report.metrics)
            : '';
    const done = metricSectionHtml(s, report.metrics, anchor, extra);
    if (done === undefined) continue;
    sections.push(done.html);
    tallies.push(done.tally);
    nav.push(`<a href="#${anchor}">${esc(s.title.replace(/ \(.*$/, ''))}</a>`);
  }
  nav.push('<a href="#pmr">Monthly PMR</a>', '<a href="#guide">How to read</a>');
  const result = resultWord(report);
  const body: string[] = [
    `<h1>${esc(report.scenario.name)} <span class="badge result-${result.toLowerCase()}">${result}</span></h1>`,
    `<p class="muted">smsim run <code>${esc(report.runId)}</code> · seed <code>${esc(report.seed)}</code> · window ${esc(report.window.start)} → ${esc(report.window.end)} · as of ${esc(pmr.asOf)} · fingerprint <code>${esc(report.fingerprint.slice(0, 16))}…</code></p>`,
  ];
  if (report.scenario.description.trim() !== '') body.push(`<p>${esc(report.scenario.description.trim())}</p>`);
  body.push(summaryHtml(report, tallies), `<nav>${nav.join('')}</nav>`, keyHtml(options));
  body.push(expectationsHtml(report), runHtml(report), ...sections, pmrHtml(pmr, report.metrics), guideHtml(options));
  body.push(`<p class="muted">Result: ${result} · smsim ${esc(report.smsimVersion)}</p>`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>smsim report — ${esc(report.scenario.name)}</title><style>${CSS}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}

/** The verdict at a glance: expectations, and how many figures show each kind of difference. */
function summaryHtml(report: RunReport, tallies: readonly SectionTally[]): string {
  const readings = tallies.flatMap((t) => t.readings);
  const count = (k: string): number => readings.filter((r) => r.reading === k).length;
  const failed = report.expectations.filter((e) => !e.passed).length;
  const unreported = notReportedFamilies(report);
  const cards = [
    report.expectations.length === 0
      ? '<div><b>—</b>no expectations checked</div>'
      : `<div class="${failed > 0 ? 'err' : ''}"><b>${num(report.expectations.length - failed)} / ${num(report.expectations.length)}</b>expectations passed</div>`,
    `<div class="${count('error') > 0 ? 'err' : ''}"><b>${num(count('error'))}</b>figures with a pipeline error (red)</div>`,
    `<div class="${count('blind') > 0 ? 'blind' : ''}"><b>${num(count('blind'))}</b>figures with a blind spot (amber)</div>`,
  ];
  if (count('above') > 0)
    cards.push(`<div class="above"><b>${num(count('above'))}</b>figures observed above truth (violet, explained)</div>`);
  cards.push(`<div><b>${num(report.run.lost)}</b>events lost of ${num(report.run.sent)} sent</div>`);
  if (unreported.length > 0) cards.push(`<div><b>${num(unreported.length)}</b>families not reported: ${esc(unreported.join(', '))}</div>`);
  return `<div class="summary">${cards.join('')}</div><p class="verdict">${esc(verdict(count('error'), count('blind'), count('above'), unreported.length))}</p>`;
}

/** The summary in one sentence, for a reader who reads nothing else. */
function verdict(errors: number, blind: number, above: number, unreported: number): string {
  const parts = [
    errors === 0
      ? `The pipeline reports every ${unreported > 0 ? 'figure it computes' : 'figure'} as the reference definitions observe it on the same traffic.`
      : `The pipeline disagrees with the reference definitions on ${num(errors)} figure${errors === 1 ? '' : 's'} (red): pipeline errors.`,
    blind === 0
      ? 'No figure has a blind spot.'
      : `${num(blind)} figure${blind === 1 ? ' has a blind spot' : 's have blind spots'} (amber): the network cannot see all that happened; no pipeline could report it.`,
  ];
  if (above > 0)
    parts.push(
      `${num(above)} figure${above === 1 ? ' is' : 's are'} observed above truth (violet): a gap in smsim's own truth, explained on each row.`,
    );
  return parts.join(' ');
}

function guideLink(options: HtmlOptions): string {
  return options.guideHref === undefined
    ? '<code>docs/reading-the-report.md</code> in smsim'
    : `<a href="${esc(options.guideHref)}">Reading the report</a>`;
}

function keyHtml(options: HtmlOptions): string {
  return (
    '<p class="small">Every figure comes in three views: <b>truth</b> (what the devices experienced), <b>observed</b> (the reference definitions on what crossed the wire) and <b>reported</b> (what the pipeline returned). ' +
    '<span class="blind">Amber: a blind spot</span> (truth ≠ observed: the network cannot see it; the pipeline is right). ' +
    '<span class="err">Red: a pipeline error</span> (reported ≠ observed). ' +
    `<span class="above">Violet: observed above truth</span>, explained on its row. <span class="nr">not reported</span>: the pipeline does not compute it. The <a href="#guide">glossary</a> is at the end; the full guide is ${guideLink(options)}.</p>`
  );
}

function guideHtml(options: HtmlOptions): string {
  return `<section id="guide"><h2>How to read this report</h2><p>A longer guide, section by section: ${guideLink(options)}.</p><details open><summary>Glossary</summary>${glossaryHtml()}</details></section>`;
}
