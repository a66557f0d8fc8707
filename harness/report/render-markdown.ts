import { delta, num, pipelineDelta, reportedNum, row } from './format.js';
import { breakdownTable, formatQuantiles, isDistribution, summariseDistribution } from './distributions.js';
import { METRIC_SECTIONS, metricName } from './metric-names.js';
import { totals } from '../oracle/join-figures.js';
import { COMPACT_IDS, renderServiceMarkdown } from './render-service.js';
import type { RunReport } from './run-report.js';
import { readFigure } from './figure-reading.js';
import { expectationValues, notReportedFamilies, sideValue, resultWord, resumedNote, uncheckedNote } from './run-phrases.js';

/** report.md: the summary, then every figure by region and day, truth beside reported. */
export function renderMarkdown(report: RunReport): string {
  const r = report.run;
  const out: string[] = [];
  const unreported = notReportedFamilies(report);
  const resumed = resumedNote(r);
  out.push(`# smsim report: ${report.scenario.name}`, '');
  if (report.scenario.description.trim() !== '') out.push(report.scenario.description.trim(), '');
  out.push(
    row(['', '']),
    row(['---', '---']),
    row(['scenario file', `\`${report.scenario.file}\``]),
    row(['run id', `\`${report.runId}\``]),
    row(['seed', `\`${report.seed}\``]),
    row(['fingerprint', `\`${report.fingerprint}\``]),
    row(['window', `${report.window.start} → ${report.window.end}`]),
    row(['pipeline', `${report.pipeline.kind} (${report.pipeline.target})`]),
    row(['families reported', report.pipeline.families.length === 0 ? 'none' : report.pipeline.families.join(', ')]),
    ...(unreported.length === 0 ? [] : [row(['not reported', unreported.join(', ')])]),
    row(['events sent / acked', `${num(r.sent)} / ${num(r.acked)}`]),
    row(['lost / duplicates', `${num(r.lost)} / ${num(r.duplicates)}`]),
    ...(resumed === undefined ? [] : [row(['resumed', resumed])]),
    ...(report.interrupted === undefined
      ? []
      : [row(['interrupted', `by ${report.interrupted.signal}; every shard simulated up to ${report.interrupted.atVirtual}`])]),
    row([
      'wall time',
      `${r.wallSeconds.toFixed(2)} s (${num(r.eventsPerSecond)} events/s, ${r.workers} worker${r.workers === 1 ? '' : 's'})`,
    ]),
    '',
    '*Truth* is what the simulated devices experienced; *observed* is the reference metric definitions applied to the',
    'traffic that crossed the wire; *reported* is what the pipeline under test returned. truth − observed is the',
    "measurement's blind spot; observed − reported is a pipeline error. *not reported*: the pipeline does not compute",
    'that family, so it has no figure (never 0) and no observed − reported.',
    '',
  );
  const all = totals(report.metrics);
  for (const section of METRIC_SECTIONS) {
    const ids = Object.keys(section.names).filter((id) => all.some((t) => t.id === id));
    if (ids.length === 0) continue;
    out.push(`## ${section.title}`, '');
    if (section.note !== undefined) out.push(section.note, '');
    out.push(
      row(['metric', 'truth', 'observed', 'reported', 'truth − observed', 'observed − reported']),
      row(['---', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const id of ids) {
      const t = all.find((x) => x.id === id);
      if (t === undefined) continue;
      if (isDistribution(id, report.metrics)) {
        const [d] = summariseDistribution(report.metrics, id, []);
        if (d !== undefined)
          out.push(
            row([
              metricName(id),
              formatQuantiles(d.figures.truth),
              formatQuantiles(d.figures.observed),
              formatQuantiles(d.figures.reported),
              '',
              '',
            ]),
          );
        continue;
      }
      out.push(
        row([
          metricName(id),
          num(t.truth),
          num(t.observed),
          reportedNum(t.reported),
          delta(t.truth - t.observed),
          pipelineDelta(t.observed, t.reported),
        ]),
      );
    }
    out.push('');
    // Every figure whose differences are not a plain blind spot says what it means (as report.html).
    const notes = figureNotes(ids, all, report);
    if (notes.length > 0) out.push(...notes, '');
    const breakdown = section.breakdown;
    if (breakdown !== undefined) {
      const [head, ...body] = breakdownTable(report.metrics, breakdown.by, breakdown.ids, metricName);
      out.push(
        `### By ${breakdown.by.join(' and ')} (truth / observed / reported)`,
        '',
        row(head ?? []),
        row((head ?? []).map((_, i) => (i < breakdown.by.length ? '---' : '---:'))),
      );
      for (const b of body) out.push(row(b));
      out.push('');
    }
    for (const id of ids) {
      if (COMPACT_IDS.has(id)) continue;
      if (isDistribution(id, report.metrics)) {
        const groups = summariseDistribution(report.metrics, id);
        const labelNames = [...new Set(groups.flatMap((g) => Object.keys(g.labels)))].sort();
        out.push(
          `### ${metricName(id)} (\`${id}\`)`,
          '',
          row([...labelNames, 'values (truth)', 'truth', 'observed', 'reported']),
          row([...labelNames.map(() => '---'), '---:', '---', '---', '---']),
        );
        for (const g of groups)
          out.push(
            row([
              ...labelNames.map((l) => g.labels[l] ?? ''),
              num(g.figures.truth.count),
              formatQuantiles(g.figures.truth),
              formatQuantiles(g.figures.observed),
              formatQuantiles(g.figures.reported),
            ]),
          );
        out.push('');
        continue;
      }
      const rows = report.metrics.filter((m) => m.id === id);
      const labelNames = [...new Set(rows.flatMap((m) => Object.keys(m.labels)))].sort();
      if (labelNames.length === 0) continue;
      out.push(
        `### ${metricName(id)} (\`${id}\`)`,
        '',
        row([...labelNames, 'truth', 'observed', 'reported']),
        row([...labelNames.map(() => '---'), '---:', '---:', '---:']),
      );
      for (const m of rows)
        out.push(row([...labelNames.map((l) => m.labels[l] ?? ''), num(m.truth), num(m.observed), reportedNum(m.reported)]));
      out.push('');
    }
  }
  out.push(...renderServiceMarkdown(report));
  const deferred = uncheckedNote(report);
  if (deferred !== undefined) out.push('## Expectations', '', `Expectations ${deferred}.`, '');
  if (report.expectations.length > 0) {
    out.push('## Expectations', '', row(['', 'expectation', 'left', 'right']), row(['---', '---', '---:', '---:']));
    for (const e of report.expectations) {
      // A "not reported" failure names its references in place of the two values.
      const values =
        e.notReported !== undefined && e.notReported.length > 0
          ? [expectationValues(e), '']
          : [sideValue(e.left, e), sideValue(e.right, e)];
      out.push(row([e.passed ? 'pass' : '**FAIL**', `\`${e.expect}\``, ...values]));
    }
    out.push('');
  }
  out.push(`**Result: ${resultWord(report)}**`, '');
  return out.join('\n');
}

/** "- **Alerts** (−19,741): Observed above truth by …" for the pipeline errors and negative blind spots of a section. */
function figureNotes(ids: readonly string[], all: ReturnType<typeof totals>, report: RunReport): string[] {
  const notes: string[] = [];
  let above = false;
  for (const id of ids) {
    const t = all.find((x) => x.id === id);
    if (t === undefined || isDistribution(id, report.metrics)) continue;
    const r = readFigure(id, t.truth, t.observed, t.reported, above);
    if (r.reading !== 'error' && r.reading !== 'above' && r.reading !== 'observer') continue;
    above ||= r.reading === 'above';
    notes.push(
      `- **${metricName(id)}** (${r.reading === 'error' ? pipelineDelta(t.observed, t.reported) : delta(t.truth - t.observed)}): ${r.words}`,
    );
  }
  return notes;
}
