const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** 1234567 → "1,234,567"; non-integers keep two decimals. */
export function num(n: number): string {
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

/** A signed difference, blank when zero (so the eye goes to what differs). */
export function delta(n: number): string {
  if (n === 0) return '';
  return n > 0 ? `+${num(n)}` : `−${num(-n)}`;
}

/** A Markdown table row: `| a | b |`. */
export const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/** A percentage with two decimals, or an en dash when there is none. */
export const pct = (p: number | null): string => (p === null ? '–' : `${p.toFixed(2)} %`);

export function padTable(rows: readonly (readonly string[])[], rightAlignFrom = 1): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i >= rightAlignFrom ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}
