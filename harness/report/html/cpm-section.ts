import type { MetricRow } from '../../oracle/metric-row.js';
import type { WithinTargetRule } from '../../../simulator/core/domain/metrics/metric-config.js';
import { num } from '../format.js';
import type { RunReport } from '../run-report.js';
import { type CpmPercents, type CpmSummary, cpmFigures, cpmSummary } from '../service-figures.js';
import { esc } from '../svg-charts.js';
import { table, td, tr, tripleCell } from './cells.js';

/*
 * CPM1 / CPM2 both ways, read from report.json's `cpm[]` (the figures the run wrote, one source of
 * truth for every output); only an older report.json without `cpm` has them recomputed from its
 * rows, and the page says so. The within-target rule the run used is said in words above them.
 */

const pct = (x: number): string => (Number.isNaN(x) ? 'no responses' : `${x.toFixed(2)} %`);

/** The rule in the source's words (docs/metrics.md), for a reader who never saw the scenario. */
export function withinTargetWords(rule: WithinTargetRule | undefined): string {
  const which =
    rule === 'responseDelivered'
      ? '<b>any Service Response delivered within its Target Response Time counts as within target, failed or not</b> (the words of SEC H13.1: "Service Responses delivered within the applicable Target Response Time"; <code>measurement.withinTarget: responseDelivered</code>).'
      : '<b>only a successful Service Response delivered within its Target Response Time counts as within target</b>: a failed response delivered in time counts against the measure (MP122B design principle 4; <code>measurement.withinTarget: successfulResponse</code>).';
  const older = rule === undefined ? ' This report.json is older than the rule and does not name it: it is the default rule.' : '';
  return `<p class="rule">Within target, in this run: ${which}${older}</p>`;
}

/**
 * A percentage of cpm[] as one cell: null in truth or observed is "no responses"; a null reported
 * figure beside a truth is "not reported" (the srv family), beside no truth "no responses".
 */
function percentCell(p: CpmPercents): string {
  const n = (x: number | null): number => (x === null ? Number.NaN : x);
  const none = p.truth === null && p.observed === null;
  return tripleCell(n(p.truth), n(p.observed), p.reported === null && none ? Number.NaN : p.reported, pct);
}

/** Why the old way and the MP122 way differ, in words, when they do (by reported, else observed). */
function whyWords(c: CpmSummary): string {
  const pick = (p: CpmPercents): number | null => p.reported ?? p.observed;
  const [old, mp, all] = [pick(c.oldWay), pick(c.mp122), pick(c.withoutExclusions)];
  if (old === null || mp === null || all === null) return '';
  const words: string[] = [];
  if (old !== all)
    words.push(
      `The old way reads ${Math.abs(old - all).toFixed(2)} points ${old > all ? 'higher' : 'lower'} than the same responses on actual volumes: it averages the providers' levels, so a small provider ${old > all ? 'doing better' : 'doing worse'} than the big ones weighs as much as they do.`,
    );
  if (mp !== all)
    words.push(`The exclusion list moves the MP122 figure by ${(mp - all).toFixed(2)} points (responses excluded, column on the right).`);
  return words.join(' ');
}

export function cpmHtml(report: RunReport, rows: readonly MetricRow[]): string {
  const fromJson = report.cpm !== undefined;
  const cpms = report.cpm ?? cpmSummary(rows);
  // Counts are rows of the srv family, not figures cpm[] carries: they come from the rows.
  const counts = cpmFigures(rows);
  const body = cpms.map((c) => {
    const k = counts.find((x) => x.cpm === c.cpm);
    const count = (f: { truth: number | null; observed: number | null; reported: number | null } | undefined): string =>
      f === undefined ? td('') : tripleCell(f.truth ?? 0, f.observed ?? 0, f.reported);
    return tr([
      td(c.cpm, 'l'),
      percentCell(c.oldWay),
      percentCell(c.mp122),
      percentCell(c.withoutExclusions),
      count(k?.responses),
      count(k?.excluded),
      td(esc(whyWords(c)), 'l words'),
    ]);
  });
  return [
    '<h3 id="cpm">CPM1 / CPM2, both ways</h3>',
    withinTargetWords(report.reporting?.withinTargetRule),
    '<p class="muted">Old way: the unweighted mean of the Service Providers\' service levels (DSP, CSP North, Central, South, SMETS1 SP), no exclusions — a small provider weighs as much as a big one. MP122 way: responses within target ÷ responses on actual volumes, after the exclusion list. "no responses": the run has none of that class.</p>',
    table(
      [
        'CPM',
        'old way<br><small>mean of provider levels</small>',
        'MP122 way<br><small>volumes, exclusions applied</small>',
        'volumes, no exclusions',
        'responses',
        'excluded',
        'why the ways differ',
      ],
      body,
      [0, 6],
      'fig cpm',
    ),
    `<p class="muted small">${
      fromJson
        ? `The percentages are report.json's <code>cpm</code> figures (${num(cpms.length)} measures); responses and excluded are the sums of its srv rows.`
        : 'This report.json is older than its <code>cpm</code> figures: the percentages are recomputed here from its srv rows, by the same definitions.'
    }</p>`,
  ].join('\n');
}
