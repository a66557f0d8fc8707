import { NOT_REPORTED, num, pct, reportedNum } from './format.js';
import { METRIC_SECTIONS, metricName } from './metric-names.js';
import { addReported, totals } from '../oracle/join-figures.js';
import type { Figure, Pmr, PmrMonth } from './pmr.js';
import type { RunReport } from './run-report.js';
import { expectationValues, notReportedFamilies, resultWord, resumedNote, uncheckedNote } from './run-phrases.js';
import { barChart, esc, lineChart, type Pair } from './svg-charts.js';

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1320px;color:#1d232a;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #e3e7eb;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:20px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px}td,th{border:1px solid #dde2e7;padding:3px 8px;text-align:right}th{background:#f3f5f7}td:first-child,th:first-child,td.l,th.l{text-align:left}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff}.final{background:#1f8a4c}.provisional{background:#c77700}
.nm{color:#8a939c;font-style:italic}.diff{color:#b3261e;font-weight:600}.grid{display:flex;flex-wrap:wrap;gap:14px}
.chart{background:#fbfcfd;border:1px solid #e3e7eb;border-radius:6px}.chart .ttl{font-size:13px;font-weight:600}.chart .lbl,.chart .val,.chart .lg{font-size:11px;fill:#4a535c}.chart .ax{stroke:#b8c0c8}
.muted{color:#6b747d}`;

const fig = (f: Figure): string =>
  f.truth === f.reported
    ? num(f.truth)
    : `${f.reported === null ? `<span class="nm">${NOT_REPORTED}</span>` : num(f.reported)} <span class="diff" title="truth">(truth ${num(f.truth)})</span>`;

const nm = (text: string, colspan = 1): string => `<td class="nm"${colspan > 1 ? ` colspan="${colspan}"` : ''}>${text}</td>`;
const availability = (p: number | null): string => (p === null ? nm(NOT_REPORTED) : `<td>${p.toFixed(3)} %</td>`);

/** report.html: the PMR and truth-vs-reported charts, self-contained (inline CSS and SVG only). */
export function renderHtml(report: RunReport, pmr: Pmr): string {
  const body: string[] = [];
  body.push(`<h1>Performance Measurement Report — ${esc(report.scenario.name)}</h1>`);
  const resumed = resumedNote(report.run);
  const unreported = notReportedFamilies(report);
  body.push(
    `<p class="muted">run <code>${esc(report.runId)}</code> · seed <code>${esc(report.seed)}</code> · window ${esc(report.window.start)} → ${esc(report.window.end)} · as of ${esc(pmr.asOf)} · ` +
      `${num(report.run.sent)} events, lost ${num(report.run.lost)}, duplicates ${num(report.run.duplicates)}${resumed === undefined ? '' : `, resumed: ${esc(resumed)}`} · ` +
      `fingerprint <code>${esc(report.fingerprint.slice(0, 16))}…</code>${unreported.length === 0 ? '' : ` · ${NOT_REPORTED} by the pipeline: ${esc(unreported.join(', '))}`}</p>`,
  );
  if (report.scenario.description.trim() !== '') body.push(`<p>${esc(report.scenario.description.trim())}</p>`);
  body.push(
    `<p class="muted">Truth is what the simulated devices experienced; reported is what the pipeline returned. A month is <b>final</b> once ${pmr.latenessHours} h have passed after it ends (late responses and alerts can arrive until then), otherwise <b>provisional</b>. Incidents count in the month they close.</p>`,
  );
  for (const m of pmr.months) body.push(monthHtml(m));
  body.push(chartsHtml(report));
  body.push(expectationsHtml(report));
  body.push(`<p class="muted">Result: ${resultWord(report)} · smsim ${esc(report.smsimVersion)}</p>`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>PMR — ${esc(report.scenario.name)}</title><style>${CSS}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}

function monthHtml(m: PmrMonth): string {
  const out: string[] = [`<h2>${esc(m.month)} <span class="badge ${m.status}">${m.status}</span></h2>`];
  out.push(
    `<table><tr><th>run covers</th><td>${(m.coverage * 100).toFixed(1)} % of the month</td></tr><tr><th>data complete</th><td>${esc(m.dataCompleteAt)} (${esc(m.dataCompleteDate)})</td></tr>` +
      `<tr><th>PMR due (10th Working Day)</th><td>${esc(m.dueDate)}</td></tr><tr><th>data complete by due date</th><td>${m.completeByDueDate ? 'yes' : '<b>no</b>'}</td></tr></table>`,
  );
  out.push(
    '<h3>Code Performance Measures</h3><table><tr><th>CPM</th><th class="l">measure</th><th>within / total</th><th>reported</th><th>truth</th><th>target / minimum</th></tr>',
  );
  for (const c of m.cpms) {
    const tm = `${c.target} % / ${c.minimum} %`;
    if (c.notReported === true)
      out.push(
        `<tr><td>${c.cpm}</td><td class="l">${esc(c.name)}</td>${nm(NOT_REPORTED, 2)}<td>${pct(c.truthPercent)}</td><td>${tm}</td></tr>`,
      );
    else if (!c.measured)
      out.push(`<tr><td>${c.cpm}</td><td class="l">${esc(c.name)}</td>${nm('not measured in this run', 3)}<td>${tm}</td></tr>`);
    else
      out.push(
        `<tr><td>${c.cpm}</td><td class="l">${esc(c.name)}</td><td>${reportedNum(c.within.reported)} / ${reportedNum(c.total.reported)}</td><td>${pct(c.reportedPercent)}</td><td${c.truthPercent !== c.reportedPercent ? ' class="diff"' : ''}>${pct(c.truthPercent)}</td><td>${tm}</td></tr>`,
      );
  }
  out.push('</table>');
  for (const c of m.cpms)
    if ((c.measured || c.notReported === true) && c.note !== undefined) out.push(`<p class="muted">${c.cpm}: ${esc(c.note)}</p>`);
  out.push('<h3>Incidents, Category 3 / 4 / 5</h3>');
  if (m.incidents.length === 0) out.push('<p class="nm">No Category 3–5 incidents in this month.</p>');
  else {
    out.push(
      '<table><tr><th>category</th><th>SMETS</th><th>resolver group</th><th>open at month end</th><th>raised</th><th>closed</th><th>closed within target</th></tr>',
    );
    for (const i of m.incidents)
      out.push(
        `<tr><td>${esc(i.category)}</td><td class="l">${esc(i.smets)}</td><td class="l">${esc(i.resolver)}</td><td>${fig(i.openAtMonthEnd)}</td><td>${fig(i.raised)}</td><td>${fig(i.closed)}</td><td>${fig(i.closedWithinTarget)}</td></tr>`,
      );
    out.push('</table>');
  }
  out.push('<h3>End-to-end availability per CSP region / SMETS1 SP</h3>');
  if (m.availability.length === 0) out.push('<p class="nm">Not measured in this run (no outages modelled).</p>');
  else {
    out.push(
      '<table><tr><th>network</th><th>minutes</th><th>planned downtime (min)</th><th>unplanned downtime (min)</th><th>availability (reported)</th><th>availability (truth)</th></tr>',
    );
    for (const a of m.availability)
      out.push(
        `<tr><td>${esc(a.network)}</td><td>${num(a.minutes)}</td><td>${fig(a.plannedDowntime)}</td><td>${fig(a.unplannedDowntime)}</td>${availability(a.reportedPercent)}${availability(a.truthPercent)}</tr>`,
      );
    out.push('</table>');
    out.push(
      barChart(
        `Availability ${m.month}, % (unplanned downtime excluded)`,
        m.availability.map((a) => ({ label: a.network, truth: a.truthPercent, reported: a.reportedPercent })),
      ),
    );
  }
  for (const s of m.sections) {
    out.push(`<h3>${esc(s.title)}</h3><table><tr><th class="l">measure</th><th>truth</th><th>observed</th><th>reported</th></tr>`);
    for (const r of s.rows) {
      const reported =
        r.reported === null ? nm(NOT_REPORTED) : `<td${r.reported !== r.truth ? ' class="diff"' : ''}>${num(r.reported)}</td>`;
      out.push(`<tr><td>${esc(r.name)}</td><td>${num(r.truth)}</td><td>${num(r.observed)}</td>${reported}</tr>`);
    }
    out.push('</table>');
  }
  return out.join('\n');
}

/** Charts over the whole run: per measure, per region, per day, for every section present. */
function chartsHtml(report: RunReport): string {
  const out: string[] = ['<h2>Truth vs reported</h2>'];
  const all = totals(report.metrics);
  for (const section of METRIC_SECTIONS) {
    const ids = Object.keys(section.names).filter((id) => all.some((t) => t.id === id));
    if (ids.length === 0) continue;
    out.push(`<h3>${esc(section.title)}</h3><div class="grid">`);
    out.push(
      barChart(
        `${section.title.replace(/ \(.*$/, '')}: per measure`,
        ids.map((id) => {
          const t = all.find((x) => x.id === id) as { truth: number; reported: number | null };
          return { label: metricName(id), truth: t.truth, reported: t.reported };
        }),
      ),
    );
    for (const id of ids) {
      const rows = report.metrics.filter((r) => r.id === id);
      const regionLabel = rows.some((r) => r.labels.region !== undefined)
        ? 'region'
        : rows.some((r) => r.labels.network !== undefined)
          ? 'network'
          : undefined;
      if (regionLabel !== undefined)
        out.push(
          barChart(
            `${metricName(id)}: per ${regionLabel}`,
            group(rows, (l) => l[regionLabel]),
          ),
        );
      if (rows.some((r) => r.labels.day !== undefined))
        out.push(lineChart(`${metricName(id)}: per day`, fillDays(group(rows, (l) => l.day))));
      else if (rows.some((r) => r.labels.month !== undefined))
        out.push(
          barChart(
            `${metricName(id)}: per month`,
            group(rows, (l) => l.month),
          ),
        );
    }
    out.push('</div>');
  }
  return out.join('\n');
}

function group(
  rows: ReadonlyArray<{ labels: Readonly<Record<string, string>>; truth: number; reported: number | null }>,
  key: (l: Readonly<Record<string, string>>) => string | undefined,
): Pair[] {
  const m = new Map<string, { truth: number; reported: number | null }>();
  for (const r of rows) {
    const k = key(r.labels);
    if (k === undefined) continue;
    const e = m.get(k) ?? { truth: 0, reported: 0 };
    e.truth += r.truth;
    e.reported = addReported(e.reported, r.reported);
    m.set(k, e);
  }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, e]) => ({ label, ...e }));
}

/** Days with no figure are 0 (still not reported when the series is), so a line does not skip over them. */
function fillDays(pairs: readonly Pair[]): Pair[] {
  if (pairs.length < 2) return [...pairs];
  const byDay = new Map(pairs.map((p) => [p.label, p]));
  const reported = pairs.some((p) => p.reported === null) ? null : 0;
  const out: Pair[] = [];
  const first = Date.parse(`${(pairs[0] as Pair).label}T00:00:00Z`);
  const last = Date.parse(`${(pairs[pairs.length - 1] as Pair).label}T00:00:00Z`);
  for (let t = first; t <= last && out.length < 1000; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { label: day, truth: 0, reported });
  }
  return out;
}

/** The expectations with their outcome, or why there are none to check in this run. */
function expectationsHtml(report: RunReport): string {
  const deferred = uncheckedNote(report);
  if (deferred !== undefined) return `<h2>Expectations</h2>\n<p class="nm">Expectations ${esc(deferred)}.</p>`;
  if (report.expectations.length === 0) return '';
  const out = ['<h2>Expectations</h2>', '<table><tr><th class="l">result</th><th class="l">expectation</th><th class="l">values</th></tr>'];
  for (const e of report.expectations)
    out.push(
      `<tr><td${e.passed ? '' : ' class="diff"'}>${e.passed ? 'PASS' : 'FAIL'}</td><td class="l"><code>${esc(e.expect)}</code></td><td class="l">${esc(expectationValues(e))}</td></tr>`,
    );
  out.push('</table>');
  return out.join('\n');
}
