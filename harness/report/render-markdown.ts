import { delta, num, row } from './format.js';
import { breakdownTable, formatQuantiles, isDistribution, summariseDistribution } from './distributions.js';
import { METRIC_SECTIONS, metricName } from './metric-names.js';
import { totals } from '../oracle/join-figures.js';
import { COMPACT_IDS, renderServiceMarkdown } from './render-service.js';
import type { RunReport } from './run-report.js';

/** report.md: the summary, then every figure by region and day, truth beside reported. */
export function renderMarkdown(report: RunReport): string {
  const r = report.run;
  const out: string[] = [];
  out.push(`# smsim report: ${report.scenario.name}`, '');
  if (report.scenario.description.trim() !== '') out.push(report.scenario.description.trim(), '');
  out.push(
    row(['', '']),
    row(['---', '---']),
    row(['scenario file', `\`${report.scenario.file}\``]),
    row(['seed', `\`${report.seed}\``]),
    row(['fingerprint', `\`${report.fingerprint}\``]),
    row(['window', `${report.window.start} → ${report.window.end}`]),
    row(['pipeline', `${report.pipeline.kind} (${report.pipeline.target})`]),
    row(['events sent / acked', `${num(r.sent)} / ${num(r.acked)}`]),
    row(['lost / duplicates', `${num(r.lost)} / ${num(r.duplicates)}`]),
    row(['wall time', `${r.wallSeconds.toFixed(2)} s (${num(r.eventsPerSecond)} events/s, ${r.workers} worker${r.workers === 1 ? "" : "s"})`]),
    '',
    '*Truth* is what the simulated devices experienced; *observed* is the reference metric definitions applied to the',
    'traffic that crossed the wire; *reported* is what the pipeline under test returned. truth − observed is the',
    "measurement's blind spot; observed − reported is a pipeline error.",
    '',
  );
  const all = totals(report.metrics);
  for (const section of METRIC_SECTIONS) {
    const ids = Object.keys(section.names).filter((id) => all.some((t) => t.id === id));
    if (ids.length === 0) continue;
    out.push(`## ${section.title}`, '');
    if (section.note !== undefined) out.push(section.note, '');
    out.push(row(['metric', 'truth', 'observed', 'reported', 'truth − observed', 'observed − reported']), row(['---', '---:', '---:', '---:', '---:', '---:']));
    for (const id of ids) {
      const t = all.find((x) => x.id === id);
      if (t === undefined) continue;
      if (isDistribution(id, report.metrics)) {
        const [d] = summariseDistribution(report.metrics, id, []);
        if (d !== undefined) out.push(row([metricName(id), formatQuantiles(d.figures.truth.quantiles), formatQuantiles(d.figures.observed.quantiles), formatQuantiles(d.figures.reported.quantiles), '', '']));
        continue;
      }
      out.push(row([metricName(id), num(t.truth), num(t.observed), num(t.reported), delta(t.truth - t.observed), delta(t.observed - t.reported)]));
    }
    out.push('');
    if (section.breakdown !== undefined) {
      const [head, ...body] = breakdownTable(report.metrics, section.breakdown.by, section.breakdown.ids, metricName);
      out.push(`### By ${section.breakdown.by.join(' and ')} (truth / observed / reported)`, '', row(head ?? []), row((head ?? []).map((_, i) => (i < section.breakdown!.by.length ? '---' : '---:'))));
      for (const b of body) out.push(row(b));
      out.push('');
    }
    for (const id of ids) {
      if (COMPACT_IDS.has(id)) continue;
      if (isDistribution(id, report.metrics)) {
        const groups = summariseDistribution(report.metrics, id);
        const labelNames = [...new Set(groups.flatMap((g) => Object.keys(g.labels)))].sort();
        out.push(`### ${metricName(id)} (\`${id}\`)`, '', row([...labelNames, 'values (truth)', 'truth', 'observed', 'reported']), row([...labelNames.map(() => '---'), '---:', '---', '---', '---']));
        for (const g of groups)
          out.push(row([...labelNames.map((l) => g.labels[l] ?? ''), num(g.figures.truth.count), formatQuantiles(g.figures.truth.quantiles), formatQuantiles(g.figures.observed.quantiles), formatQuantiles(g.figures.reported.quantiles)]));
        out.push('');
        continue;
      }
      const rows = report.metrics.filter((m) => m.id === id);
      const labelNames = [...new Set(rows.flatMap((m) => Object.keys(m.labels)))].sort();
      if (labelNames.length === 0) continue;
      out.push(`### ${metricName(id)} (\`${id}\`)`, '', row([...labelNames, 'truth', 'observed', 'reported']), row([...labelNames.map(() => '---'), '---:', '---:', '---:']));
      for (const m of rows) out.push(row([...labelNames.map((l) => m.labels[l] ?? ''), num(m.truth), num(m.observed), num(m.reported)]));
      out.push('');
    }
  }
  out.push(...renderServiceMarkdown(report));
  if (report.expectations.length > 0) {
    out.push('## Expectations', '', row(['', 'expectation', 'left', 'right']), row(['---', '---', '---:', '---:']));
    for (const e of report.expectations) out.push(row([e.passed ? 'pass' : '**FAIL**', `\`${e.expect}\``, num(e.left), num(e.right)]));
    out.push('');
  }
  out.push(`**Result: ${report.passed ? 'PASS' : 'FAIL'}**`, '');
  return out.join('\n');
}
