import { num } from './format.js';

/*
 * Inline SVG charts for report.html: no scripts, no fonts or styles from elsewhere, so the page
 * opens offline. Each chart draws the three views of a figure (truth grey, observed teal,
 * reported blue) so a gap between truth and observed (a blind spot) and one between observed and
 * reported (a pipeline error) both show. A figure the pipeline does not report gets no reported
 * bar or line at all and says "not reported": a zero-length bar would read as 0.
 *
 * The title and the legend are HTML around the SVG (a <figure>), so they can never overlap the
 * plot; label widths are worked out from the labels, so no label is clipped. A chart with fewer
 * than two categories (or points) is not drawn: the table beside it says the same in words.
 */

export interface Triple {
  readonly label: string;
  readonly truth: number;
  readonly observed: number;
  /** null: not reported. */
  readonly reported: number | null;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const SERIES = [
  { key: 'truth', name: 'truth', colour: '#7d8894' },
  { key: 'observed', name: 'observed', colour: '#1b998b' },
  { key: 'reported', name: 'reported', colour: '#2459c4' },
] as const;

/** Width in px of a label at the chart's 11 px font, generous so that nothing is clipped. */
export function textWidth(s: string, px = 11): number {
  let w = 0;
  for (const ch of s) w += /[A-Z0-9%&@MW]/.test(ch) ? 0.68 : /[ .,:;il|'()[\]]/.test(ch) ? 0.32 : 0.56;
  return Math.ceil(w * px) + 4;
}

function figure(title: string, svg: string, note?: string): string {
  const legend = SERIES.map((s) => `<span class="key"><i style="background:${s.colour}"></i>${s.name}</span>`).join('');
  return `<figure class="chart-box"><figcaption><b>${esc(title)}</b><span class="legend">${legend}</span></figcaption>${svg}${note === undefined ? '' : `<p class="note">${esc(note)}</p>`}</figure>`;
}

/**
 * Horizontal grouped bars: three bars (truth, observed, reported) per category, the value at the
 * end of each. undefined when there are fewer than two categories or every value is 0.
 */
export function barChart(title: string, rows: readonly Triple[], note?: string): string | undefined {
  if (rows.length < 2 || rows.every((r) => r.truth === 0 && r.observed === 0 && (r.reported ?? 0) === 0)) return undefined;
  const labelW = Math.max(...rows.map((r) => textWidth(r.label))) + 10;
  const valueW = Math.max(...rows.flatMap((r) => [r.truth, r.observed, r.reported ?? 0].map((v) => textWidth(num(v), 10))), 80) + 8;
  const plotW = 300;
  const width = labelW + plotW + valueW;
  const barH = 10;
  const rowH = 3 * (barH + 2) + 12;
  const height = rows.length * rowH + 8;
  const max = Math.max(1e-9, ...rows.flatMap((r) => [r.truth, r.observed, r.reported ?? 0]));
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y0 = 6 + i * rowH;
    const bars = SERIES.map((s, j) => {
      const v = s.key === 'reported' ? r.reported : r[s.key];
      const y = y0 + j * (barH + 2);
      if (v === null) return `<text x="${labelW + 2}" y="${y + barH - 1}" class="val nr">${esc('reported: not reported')}</text>`;
      const w = (v / max) * plotW;
      return (
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${s.colour}"><title>${esc(`${r.label}: ${s.name} ${num(v)}`)}</title></rect>` +
        `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 1}" class="val">${esc(num(v))}</text>`
      );
    });
    parts.push(
      `<g class="cat"><text x="${labelW - 8}" y="${y0 + 1.5 * barH + 6}" class="lbl" text-anchor="end">${esc(r.label)}</text>${bars.join('')}</g>`,
    );
  });
  const svg = `<svg class="chart" data-categories="${rows.length}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`;
  return figure(title, svg, note);
}

/**
 * Three lines over time (one point per label, in order). undefined with fewer than two points or
 * when every value is 0. Tick labels: about seven, the first anchored at its start and the last at
 * its end so neither is cut.
 */
export function lineChart(title: string, points: readonly Triple[], note?: string): string | undefined {
  if (points.length < 2 || points.every((p) => p.truth === 0 && p.observed === 0 && (p.reported ?? 0) === 0)) return undefined;
  const max = Math.max(1e-9, ...points.flatMap((p) => [p.truth, p.observed, p.reported ?? 0]));
  const left = textWidth(num(max), 10) + 10;
  const width = 760;
  const right = 16;
  const top = 10;
  const height = 220;
  const bottom = 26;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (i: number): number => left + (i / (points.length - 1)) * plotW;
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const unreported = points.some((p) => p.reported === null);
  const parts: string[] = [
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" class="ax"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" class="ax"/>`,
    `<text x="${left - 4}" y="${top + 8}" class="lbl" text-anchor="end">${esc(num(max))}</text>`,
    `<text x="${left - 4}" y="${top + plotH}" class="lbl" text-anchor="end">0</text>`,
  ];
  SERIES.forEach((s, j) => {
    if (s.key === 'reported' && unreported) return;
    const d = points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y((s.key === 'reported' ? p.reported : p[s.key]) ?? 0).toFixed(1)}`)
      .join(' ');
    // Thick grey under thinner colours: where the three agree, the lines lie on top of each other.
    parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="${[4, 2.2, 1.2][j]}"><title>${s.name}</title></path>`);
  });
  if (unreported) parts.push(`<text x="${left + 8}" y="${top + 12}" class="val nr">reported: not reported</text>`);
  const ticks = Math.min(7, points.length);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round((k * (points.length - 1)) / (ticks - 1));
    const anchor = k === 0 ? 'start' : k === ticks - 1 ? 'end' : 'middle';
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${top + plotH + 16}" class="lbl" text-anchor="${anchor}">${esc((points[i] as Triple).label)}</text>`,
    );
  }
  const svg = `<svg class="chart" data-points="${points.length}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`;
  return figure(title, svg, note);
}
