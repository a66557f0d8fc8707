import { totals } from '../../oracle/join-figures.js';
import type { MetricRow } from '../../oracle/metric-row.js';
import { formatQuantiles, isDistribution, summariseDistribution } from '../distributions.js';
import { NOT_REPORTED } from '../format.js';
import { type MetricSection, metricName } from '../metric-names.js';
import { esc } from '../svg-charts.js';
import { differenceCells, notReportedCell, table, td, tr, tripleCell } from './cells.js';
import { READING_CLASS, type Reading } from '../figure-reading.js';
import { sectionCharts } from './section-charts.js';
import { DISTRIBUTION_IDS } from '../service-figures.js';
import { num } from '../format.js';

/** What a section's figure table found, for the page's summary at the top. */
export interface SectionTally {
  readonly readings: ReadonlyArray<{ readonly id: string; readonly reading: Reading }>;
}

/**
 * One MP122 section: its figures (truth, observed, reported, both differences and what they
 * mean), its breakdown table when it has one, and at most two charts chosen for it.
 */
export function metricSectionHtml(
  section: MetricSection,
  rows: readonly MetricRow[],
  anchor: string,
  extra: string,
): { html: string; tally: SectionTally } | undefined {
  const all = totals(rows);
  const ids = Object.keys(section.names).filter((id) => all.some((t) => t.id === id));
  if (ids.length === 0) return undefined;
  const out: string[] = [`<section id="${anchor}"><h2>${esc(section.title)}</h2>`];
  if (section.note !== undefined) out.push(`<p class="muted">${esc(section.note)}</p>`);
  const body: string[] = [];
  const times: string[] = [];
  const readings: Array<{ id: string; reading: Reading }> = [];
  for (const id of ids) {
    const t = all.find((x) => x.id === id);
    // Distributions shown by their own table (hop latency) are no count a reader wants.
    if (t === undefined || DISTRIBUTION_IDS.has(id)) continue;
    const name = `${esc(metricName(id))}<br><code>${esc(id)}</code>`;
    if (isDistribution(id, rows)) {
      const [d] = summariseDistribution(rows, id, []);
      if (d === undefined) continue;
      const r = d.figures.reported;
      const same = (a: string, b: string): boolean => a === b;
      const [ft, fo, fr] = [formatQuantiles(d.figures.truth), formatQuantiles(d.figures.observed), formatQuantiles(r)];
      const words =
        r !== null && !same(fo, fr)
          ? ['Pipeline error: the reported distribution differs from the one observed on the same traffic.', 'err']
          : !same(ft, fo)
            ? ['The network sees these times for fewer values, or later, than the devices experienced them (a blind spot).', 'blind']
            : r === null
              ? [`The pipeline does not compute this family: ${NOT_REPORTED}.`, 'nr']
              : ['', 'ok'];
      times.push(
        tr([
          td(name, 'l'),
          td(esc(ft), 'q'),
          td(esc(fo), `q${words[1] === 'blind' ? ' blind' : ''}`),
          r === null ? notReportedCell() : td(esc(fr), `q${words[1] === 'err' ? ' err' : ''}`),
          td(esc(words[0] as string), `l words ${words[1]}`),
        ]),
      );
      readings.push({
        id,
        reading: (words[1] === 'err' ? 'error' : words[1] === 'blind' ? 'blind' : words[1] === 'nr' ? 'unreported' : 'agree') as Reading,
      });
      continue;
    }
    const diff = differenceCells(
      id,
      t.truth,
      t.observed,
      t.reported,
      readings.some((r) => r.reading === 'above'),
    );
    readings.push({ id, reading: diff.reading });
    body.push(
      tr(
        [
          td(name, 'l'),
          td(num(t.truth)),
          td(num(t.observed)),
          t.reported === null ? notReportedCell() : td(num(t.reported)),
          ...diff.cells,
        ],
        `row-${READING_CLASS[diff.reading]}`,
      ),
    );
  }
  out.push(
    table(
      [
        'measure',
        'truth',
        'observed',
        'reported',
        'blind spot<br><small>truth − observed</small>',
        'pipeline error<br><small>observed − reported</small>',
        'what it means',
      ],
      body,
      [0, 6],
    ),
  );
  if (times.length > 0)
    out.push('<h3>Times, p50 · p95 · p99</h3>', table(['measure', 'truth', 'observed', 'reported', 'what it means'], times, [0, 4]));
  out.push(extra);
  const breakdown = section.breakdown;
  if (breakdown !== undefined) out.push(breakdownHtml(rows, breakdown.by, breakdown.ids));
  const charts = sectionCharts(section.prefix, rows);
  if (charts.length > 0) out.push(`<div class="grid">${charts.join('')}</div>`);
  out.push('</section>');
  return { html: out.join('\n'), tally: { readings } };
}

/** The section's breakdown (e.g. by device type and network): one cell per id, its three views in one. */
function breakdownHtml(rows: readonly MetricRow[], by: readonly string[], ids: readonly string[]): string {
  const t = totals(
    rows.filter((r) => ids.includes(r.id) && r.labels.bucket === undefined),
    by,
  );
  const key = (l: Readonly<Record<string, string>>): string => by.map((k) => l[k] ?? '').join('\u0000');
  const groups = [...new Set(t.map((x) => key(x.labels)))].sort();
  if (groups.length < 2) return '';
  const unreported = t.some((x) => x.reported === null);
  const body = groups.map((g) => {
    const labels = g.split('\u0000');
    return tr([
      ...labels.map((l) => td(esc(l), 'l')),
      ...ids.map((id) => {
        const x = t.find((y) => y.id === id && key(y.labels) === g);
        return x === undefined ? tripleCell(0, 0, unreported ? null : 0) : tripleCell(x.truth, x.observed, x.reported);
      }),
    ]);
  });
  return [
    `<h3>By ${esc(by.join(' and '))}</h3>`,
    '<p class="muted small">Each cell shows the reported figure; beneath it, the truth in amber where the network cannot see all of it (blind spot), in violet where observed is above it (explained in the table above), and the observed figure in red where the pipeline disagrees with it.</p>',
    table(
      [...by, ...ids.map((id) => esc(metricName(id)))],
      body,
      by.map((_, i) => i),
    ),
  ].join('\n');
}
