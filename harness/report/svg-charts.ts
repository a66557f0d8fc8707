import { num, reportedNum } from './format.js';

/*
 * Inline SVG charts for report.html: no scripts, no fonts or styles from elsewhere, so the page
 * opens offline. Truth is drawn grey, reported blue; where they differ the eye sees it. A figure
 * the pipeline does not report gets no blue at all, and says "not reported": a zero-length bar
 * would read as 0.
 */

export interface Pair {
  readonly label: string;
  readonly truth: number;
  /** null: not reported. */
  readonly reported: number | null;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const TRUTH = '#9aa3ad';
const REPORTED = '#1f6fd1';

function legend(x: number, y: number): string {
  return (
    `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${TRUTH}"/><text x="${x + 14}" y="${y}" class="lg">truth</text>` +
    `<rect x="${x + 60}" y="${y - 9}" width="10" height="10" fill="${REPORTED}"/><text x="${x + 74}" y="${y}" class="lg">reported</text>`
  );
}

/** Horizontal grouped bars: one pair of bars (truth, reported) per label. */
export function barChart(title: string, pairs: readonly Pair[], width = 640): string {
  const labelW = 230;
  const barH = 9;
  const rowH = 2 * barH + 10;
  const top = 34;
  const height = top + pairs.length * rowH + 10;
  const max = Math.max(1e-9, ...pairs.flatMap((p) => [p.truth, p.reported ?? 0]));
  const plotW = width - labelW - 140;
  const parts: string[] = [`<text x="4" y="14" class="ttl">${esc(title)}</text>`, legend(width - 150, 14)];
  pairs.forEach((p, i) => {
    const y = top + i * rowH;
    const wt = (p.truth / max) * plotW;
    const wr = p.reported === null ? 0 : (p.reported / max) * plotW;
    parts.push(
      `<text x="${labelW - 6}" y="${y + barH + 3}" class="lbl" text-anchor="end">${esc(p.label)}</text>`,
      `<rect x="${labelW}" y="${y}" width="${wt.toFixed(1)}" height="${barH}" fill="${TRUTH}"><title>truth ${num(p.truth)}</title></rect>`,
      p.reported === null
        ? ''
        : `<rect x="${labelW}" y="${y + barH + 1}" width="${wr.toFixed(1)}" height="${barH}" fill="${REPORTED}"><title>reported ${num(p.reported)}</title></rect>`,
      `<text x="${labelW + Math.max(wt, wr) + 4}" y="${y + barH + 3}" class="val">${esc(p.truth === p.reported ? num(p.truth) : `${reportedNum(p.reported)} (truth ${num(p.truth)})`)}</text>`,
    );
  });
  return `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`;
}

/** Truth and reported per day as two lines (points on every day); no reported line when not reported. */
export function lineChart(title: string, points: readonly Pair[], width = 640, height = 200): string {
  const left = 50;
  const right = 12;
  const top = 28;
  const bottom = 34;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const reported = points.every((p) => p.reported !== null);
  const max = Math.max(1e-9, ...points.flatMap((p) => [p.truth, p.reported ?? 0]));
  const x = (i: number): number => left + (points.length <= 1 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const path = (pick: (p: Pair) => number): string =>
    points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
  const parts: string[] = [
    `<text x="4" y="14" class="ttl">${esc(title)}</text>`,
    legend(width - 150, 14),
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" class="ax"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" class="ax"/>`,
    `<text x="${left - 4}" y="${top + 4}" class="lbl" text-anchor="end">${esc(num(max))}</text>`,
    `<text x="${left - 4}" y="${top + plotH}" class="lbl" text-anchor="end">0</text>`,
    `<path d="${path((p) => p.truth)}" fill="none" stroke="${TRUTH}" stroke-width="3"/>`,
    reported
      ? `<path d="${path((p) => p.reported ?? 0)}" fill="none" stroke="${REPORTED}" stroke-width="1.5"/>`
      : `<text x="${left + 6}" y="${top + 12}" class="val">reported: not reported</text>`,
  ];
  const step = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    const tip = `${p.label}: reported ${reportedNum(p.reported)}, truth ${num(p.truth)}`;
    const cy = y(p.reported ?? p.truth).toFixed(1);
    parts.push(
      `<circle cx="${x(i).toFixed(1)}" cy="${cy}" r="2" fill="${p.reported === null ? TRUTH : REPORTED}"><title>${esc(tip)}</title></circle>`,
    );
    if (i % step === 0)
      parts.push(`<text x="${x(i).toFixed(1)}" y="${top + plotH + 14}" class="lbl" text-anchor="middle">${esc(p.label.slice(5))}</text>`);
  });
  return `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`;
}
