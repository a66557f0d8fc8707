import { OBSERVED_MAY_EXCEED_TRUTH } from '../../simulator/core/domain/metrics/blind-spots.js';
import { totals } from '../oracle/join-figures.js';
import { delta, num, padTable, pipelineDelta, reportedNum } from './format.js';
import { breakdownTable, FIGURES, formatMs, isDistribution, QUANTILES, summariseDistribution } from './distributions.js';
import { METRIC_SECTIONS, metricName } from './metric-names.js';
import type { RunReport } from './run-report.js';
import { renderServiceTerminal } from './render-service.js';
import { expectationValues, notReportedFamilies, resultWord, resumedNote, uncheckedNote } from './run-phrases.js';
import { PLAIN_STYLE, type TerminalStyle } from './terminal-style.js';

/**
 * The terminal summary: run figures, each metric's truth / observed / reported, expectations.
 * `style` marks the verdicts (colour and ✓/✗ on a terminal); the default is plain text.
 */
export function renderTerminal(report: RunReport, style: TerminalStyle = PLAIN_STYLE): string {
  const r = report.run;
  const lines: string[] = [];
  lines.push(`smsim ${report.smsimVersion} · scenario "${report.scenario.name}" · run ${report.runId} · seed ${report.seed}`);
  lines.push(`  window   ${report.window.start} → ${report.window.end}`);
  const unreported = notReportedFamilies(report);
  lines.push(
    `  pipeline ${report.pipeline.kind} at ${report.pipeline.target}${unreported.length > 0 ? ` · not reported: ${unreported.join(', ')}` : ''}`,
  );
  lines.push(
    `  run      ${num(r.sent)} events in ${num(r.batches)} batches from ${r.shards} shards on ${r.workers} worker${r.workers === 1 ? '' : 's'}, ` +
      `${r.wallSeconds.toFixed(2)} s, ${num(r.eventsPerSecond)} events/s, peak RSS ${num(Math.round(r.peakRssBytes / 1_048_576))} MiB`,
  );
  const resumed = resumedNote(r);
  lines.push(
    `  delivery acked ${num(r.acked)} · lost ${num(r.lost)} · duplicates ${num(r.duplicates)} · resent ${num(r.resent)} batches · rejected ${num(r.rejected)}` +
      (resumed === undefined ? '' : ` · resumed: ${resumed}`),
  );
  if (r.pipelineLostBatches !== undefined)
    lines.push(`  ${style.warn('INCOMPLETE')}: the pipeline lost ${num(r.pipelineLostBatches)} batches it had acked (a repaired journal)`);
  if (r.pacing !== undefined) {
    const p = r.pacing;
    const lat = (l: typeof p.scheduleLagMs): string => `p50 ${l.p50} · p90 ${l.p90} · p99 ${l.p99} · p99.9 ${l.p999} · max ${l.max} ms`;
    lines.push(
      `  paced    ${p.mode === 'rate' ? `${num(p.target)} events/s` : `${num(p.target)}× real time`}${p.truncated ? `, stopped after ${p.maxWallSeconds} s` : ''}`,
    );
    lines.push(`           schedule lag ${lat(p.scheduleLagMs)}`);
    lines.push(`           ack latency  ${lat(p.ackLatencyMs)} (from intended send time)`);
  }
  const stop = report.interrupted;
  if (stop !== undefined)
    lines.push(
      `  stopped  by ${stop.signal}: of ${num(stop.shardsComplete + stop.shardsStopped)} shards ${num(stop.shardsComplete)} complete, ` +
        `${num(stop.shardsStopped - stop.shardsNotStarted)} stopped mid-way, ${num(stop.shardsNotStarted)} not started; every shard simulated up to ${stop.atVirtual}`,
    );
  lines.push(`  fingerprint ${report.fingerprint}`);
  const all = totals(report.metrics);
  const definitional: string[] = [];
  for (const section of METRIC_SECTIONS) {
    const rows = all.filter((t) => t.id.startsWith(section.prefix));
    if (rows.length === 0) continue;
    const order = Object.keys(section.names);
    rows.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    lines.push('', section.title);
    const table: string[][] = [['', 'truth', 'observed', 'reported', 'blind spot', 'pipeline Δ']];
    for (const t of rows) {
      if (isDistribution(t.id, report.metrics)) {
        // A distribution: quantiles over all its labels instead of a meaningless bucket sum.
        const [d] = summariseDistribution(report.metrics, t.id, []);
        if (d === undefined) continue;
        QUANTILES.forEach((x, i) => {
          const [tr, ob, re] = FIGURES.map((f) => {
            const figure = d.figures[f];
            return figure === null ? null : (figure.quantiles[i] ?? Number.NaN);
          }) as [number, number, number | null];
          table.push([`${metricName(t.id)} ${x.label}`, formatMs(tr), formatMs(ob), formatMs(re), '', '']);
        });
        continue;
      }
      // Counts of what the DCC cannot tell: the truth (knowing everything) counts them rarely or
      // never, so truth − observed is no blind spot; say why instead of printing a negative one.
      const byDefinition = OBSERVED_MAY_EXCEED_TRUTH[t.id];
      if (byDefinition !== undefined && t.observed > t.truth) definitional.push(`${metricName(t.id)}: ${byDefinition}`);
      table.push([
        metricName(t.id),
        num(t.truth),
        num(t.observed),
        reportedNum(t.reported),
        byDefinition === undefined ? delta(t.truth - t.observed) : '',
        pipelineDelta(t.observed, t.reported),
      ]);
    }
    lines.push(...padTable(table).map((l) => `  ${l}`));
    for (const why of definitional.splice(0)) lines.push(`  observed above truth by definition, no blind spot: ${why}`);
    if (section.breakdown !== undefined) {
      lines.push('', `  by ${section.breakdown.by.join(' and ')} (truth / observed / reported)`);
      lines.push(
        ...padTable(
          breakdownTable(report.metrics, section.breakdown.by, section.breakdown.ids, metricName),
          section.breakdown.by.length,
        ).map((l) => `  ${l}`),
      );
    }
    if (section.note !== undefined) lines.push('', `  ${section.note}`);
  }
  lines.push(...renderServiceTerminal(report));
  lines.push('', '  blind spot = truth − observed (what the network never shows); pipeline Δ = observed − reported (a pipeline bug)');
  if (unreported.length > 0)
    lines.push('  not reported = a family the pipeline does not compute: no figure, so no pipeline Δ (never taken as 0)');
  const deferred = uncheckedNote(report);
  if (deferred !== undefined) lines.push('', `Expectations ${deferred}`);
  if (report.expectations.length > 0) {
    lines.push('', 'Expectations');
    for (const e of report.expectations)
      lines.push(`  ${e.passed ? style.pass('PASS') : style.fail('FAIL')}  ${e.expect}${e.passed ? '' : `   (${expectationValues(e)})`}`);
  }
  const result = resultWord(report);
  lines.push(
    '',
    result === 'FAIL'
      ? `Result: ${style.fail('FAIL')} (expectations not met)`
      : result === 'DEFERRED'
        ? `Result: ${style.warn('DEFERRED')} (smsim merge checks the expectations)`
        : result === 'INTERRUPTED'
          ? `Result: ${style.warn('INTERRUPTED')} (${report.interrupted?.signal}: stopped early, expectations not evaluated)`
          : `Result: ${style.pass('PASS')}`,
  );
  return lines.join('\n');
}
