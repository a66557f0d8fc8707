import { totals } from './oracle.js';
import { delta, num, padTable } from './format.js';
import { METRIC_SECTIONS, metricName } from './metric-names.js';
import type { RunReport } from './run-report.js';
import { renderServiceTerminal } from './render-service.js';

/** The terminal summary: run figures, each metric's truth / observed / reported, expectations. */
export function renderTerminal(report: RunReport): string {
  const r = report.run;
  const lines: string[] = [];
  lines.push(`smsim ${report.smsimVersion} · scenario "${report.scenario.name}" · seed ${report.seed}`);
  lines.push(`  window   ${report.window.start} → ${report.window.end}`);
  lines.push(`  pipeline ${report.pipeline.kind} at ${report.pipeline.target}`);
  lines.push(
    `  run      ${num(r.sent)} events in ${num(r.batches)} batches from ${r.shards} shards on ${r.workers} workers, ` +
      `${r.wallSeconds.toFixed(2)} s, ${num(r.eventsPerSecond)} events/s`,
  );
  lines.push(`  delivery acked ${num(r.acked)} · lost ${num(r.lost)} · duplicates ${num(r.duplicates)} · resent ${num(r.resent)} batches · rejected ${num(r.rejected)}`);
  lines.push(`  fingerprint ${report.fingerprint}`);
  const all = totals(report.metrics);
  for (const section of METRIC_SECTIONS) {
    const rows = all.filter((t) => t.id.startsWith(section.prefix));
    if (rows.length === 0) continue;
    const order = Object.keys(section.names);
    rows.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    lines.push('', section.title);
    const table: string[][] = [['', 'truth', 'observed', 'reported', 'blind spot', 'pipeline Δ']];
    for (const t of rows)
      table.push([metricName(t.id), num(t.truth), num(t.observed), num(t.reported), delta(t.truth - t.observed), delta(t.observed - t.reported)]);
    lines.push(...padTable(table).map((l) => `  ${l}`));
  }
  lines.push(...renderServiceTerminal(report));
  lines.push('', '  blind spot = truth − observed (what the network never shows); pipeline Δ = observed − reported (a pipeline bug)');
  if (report.expectations.length > 0) {
    lines.push('', 'Expectations');
    for (const e of report.expectations)
      lines.push(`  ${e.passed ? 'PASS' : 'FAIL'}  ${e.expect}${e.passed ? '' : `   (left ${num(e.left)}, right ${num(e.right)})`}`);
  }
  lines.push('', report.passed ? 'Result: PASS' : 'Result: FAIL (expectations not met)');
  return lines.join('\n');
}
