import { NOT_REPORTED, num } from '../format.js';
import { esc } from '../svg-charts.js';
import { READING_CLASS, readFigure, type Reading } from '../figure-reading.js';

/* Table cells shared by report.html's sections: one look for each reading everywhere on the page. */

export const td = (html: string, cls?: string, attrs = ''): string =>
  `<td${cls === undefined ? '' : ` class="${cls}"`}${attrs}>${html}</td>`;
export const th = (html: string, cls?: string): string => `<th${cls === undefined ? '' : ` class="${cls}"`}>${html}</th>`;
export const tr = (cells: readonly string[], cls?: string): string =>
  `<tr${cls === undefined ? '' : ` class="${cls}"`}>${cells.join('')}</tr>`;

/** A table with a header row; `left` lists the columns aligned left (text, not numbers). */
export function table(head: readonly string[], rows: readonly string[], left: readonly number[] = [0], cls = 'fig'): string {
  return `<table class="${cls}"><thead>${tr(head.map((h, i) => th(h, left.includes(i) ? 'l' : undefined)))}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A signed difference: "+1,940", "−19", or '' for 0. */
export function signed(n: number): string {
  if (n === 0) return '';
  return n > 0 ? `+${num(n)}` : `−${num(-n)}`;
}

export const notReportedCell = (colspan = 1): string =>
  td(
    NOT_REPORTED,
    'nr',
    colspan > 1
      ? ` colspan="${colspan}" title="the pipeline does not compute this family"`
      : ' title="the pipeline does not compute this family"',
  );

/**
 * The two difference cells of a figure row, each coloured only for what it means: truth − observed
 * (amber when a blind spot; violet or grey when observed is above truth, see figure-reading.ts),
 * observed − reported (red when a pipeline error), and the reading in words.
 */
export function differenceCells(
  id: string,
  truth: number,
  observed: number,
  reported: number | null,
  again = false,
): { cells: string[]; reading: Reading } {
  const r = readFigure(id, truth, observed, reported, again);
  const blind = truth - observed;
  const blindCls =
    blind === 0
      ? undefined
      : r.reading === 'error'
        ? undefined
        : READING_CLASS[r.reading === 'unreported' || r.reading === 'agree' ? 'blind' : r.reading];
  const errCell =
    reported === null
      ? td('—', 'nr', ' title="not reported: nothing to compare"')
      : td(signed(observed - reported), reported === observed ? undefined : 'err');
  return {
    cells: [td(signed(blind), blindCls), errCell, td(esc(r.words), `l words ${READING_CLASS[r.reading]}`)],
    reading: r.reading,
  };
}

/**
 * One cell for three views, for the compact tables (per SRV, per process): the reported figure,
 * with the truth and observed figures beneath it when they differ, coloured by what the difference
 * means. `fmt` formats a value (a count or a percentage).
 */
export function tripleCell(truth: number, observed: number, reported: number | null, fmt: (n: number) => string = num): string {
  // NaN (no responses) equals NaN here: both views have nothing to divide.
  const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (same(truth, observed) && reported !== null && same(observed, reported)) return td(esc(fmt(reported)));
  const main = reported === null ? `<span class="nr">${NOT_REPORTED}</span>` : esc(fmt(reported));
  const notes: string[] = [];
  if (reported !== null && !same(reported, observed))
    notes.push(`<small class="err">pipeline error: observed ${esc(fmt(observed))}</small>`);
  else if (reported === null) notes.push(`<small>observed ${esc(fmt(observed))}</small>`);
  if (!same(truth, observed)) notes.push(`<small class="${truth > observed ? 'blind' : 'above'}">truth ${esc(fmt(truth))}</small>`);
  const cls = reported !== null && !same(reported, observed) ? 'err' : truth > observed ? 'blind' : truth < observed ? 'above' : undefined;
  return td(`${main}${notes.length === 0 ? '' : `<br>${notes.join('<br>')}`}`, cls);
}
