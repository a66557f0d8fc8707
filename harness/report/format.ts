const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** 1234567 → "1,234,567"; non-integers keep two decimals. */
export function num(n: number): string {
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

/**
 * What a reported figure of a family the pipeline does not compute shows (MetricRow.reported
 * null): written out, because a 0 or a dash would read as a figure.
 */
export const NOT_REPORTED = 'not reported';

/** A reported figure: `num`, or "not reported" when null. */
export function reportedNum(n: number | null): string {
  return n === null ? NOT_REPORTED : num(n);
}

/** A signed difference, blank when zero (so the eye goes to what differs). */
export function delta(n: number): string {
  if (n === 0) return '';
  return n > 0 ? `+${num(n)}` : `−${num(-n)}`;
}

/**
 * observed − reported. Blank when the figure is not reported: there is nothing to subtract, and
 * the reported column already says so.
 */
export function pipelineDelta(observed: number, reported: number | null): string {
  return reported === null ? '' : delta(observed - reported);
}

/** A Markdown table row: `| a | b |`. */
export const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/** A percentage with two decimals, or an en dash when there is none. */
export const pct = (p: number | null): string => (p === null ? '–' : `${p.toFixed(2)} %`);

export function padTable(rows: readonly (readonly string[])[], rightAlignFrom = 1): string[] {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  return rows.map((r) =>
    r
      .map((c, i) => (i >= rightAlignFrom ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
