import { NOT_REPORTED, num } from '../format.js';
import type { RunReport } from '../run-report.js';
import { expectationValues, resumedNote, sideValue, uncheckedNote } from '../run-phrases.js';
import { esc } from '../svg-charts.js';
import { table, td, tr } from './cells.js';

/* The run itself: what was sent and delivered, how fast, and the expectations it was checked against. */

const row = (name: string, value: string, words = '', cls?: string): string =>
  tr([td(esc(name), 'l'), td(value, cls), td(esc(words), 'l words')]);

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

export function runHtml(report: RunReport): string {
  const r = report.run;
  const rows: string[] = [
    row(
      'pipeline',
      esc(`${report.pipeline.kind} (${report.pipeline.target})`),
      report.pipeline.kind === 'embedded' ? "smsim's own reference pipeline" : 'the pipeline under test',
    ),
    row(
      'families reported',
      esc(report.pipeline.families.length === 0 ? 'none' : report.pipeline.families.join(', ')),
      `The others are "${NOT_REPORTED}": the pipeline does not compute them, so they have no reported figure (never 0).`,
    ),
    row('events sent', num(r.sent), 'events the simulated devices and DCC systems put on the wire'),
    row(
      'events acknowledged',
      num(r.acked),
      r.acked === r.sent ? 'every event sent was acknowledged as durable' : 'acknowledged as durable by the pipeline',
    ),
    row('events lost', num(r.lost), r.lost === 0 ? '' : 'sent but not counted by the pipeline', r.lost === 0 ? undefined : 'err'),
    row(
      'duplicates',
      num(r.duplicates),
      r.duplicates === 0 ? '' : 'counted more than once by the pipeline',
      r.duplicates === 0 ? undefined : 'err',
    ),
    row(
      'batches (resent, rejected)',
      `${num(r.batches)} (${num(r.resent)}, ${num(r.rejected)})`,
      r.resent > 0 ? 'resent after a reconnect; the pipeline de-duplicates them' : '',
    ),
    row('bytes on the wire', mb(r.bytes)),
    row('workers × shards', `${num(r.workers)} × ${num(r.shards)}`),
    row('wall time', `${r.wallSeconds.toFixed(2)} s`),
    row('throughput', `${num(r.eventsPerSecond)} events/s`, 'events sent ÷ wall time (simulation, wire and pipeline together)'),
    row('peak memory', mb(r.peakRssBytes), 'resident memory of the smsim process, workers and embedded pipeline included'),
  ];
  if (r.pipelineLostBatches !== undefined)
    rows.push(
      row(
        'batches the pipeline lost',
        num(r.pipelineLostBatches),
        'acknowledged, then lost by the pipeline: its figures are incomplete',
        'err',
      ),
    );
  const resumed = resumedNote(r);
  if (resumed !== undefined) rows.push(row('resumed', esc(resumed)));
  if (r.pacing !== undefined) {
    const p = r.pacing;
    rows.push(
      row(
        'pacing',
        esc(p.mode === 'speed' ? `${num(p.target)} × real time` : `${num(p.target)} events/s`),
        p.truncated ? 'stopped at --duration before the scenario end' : '',
      ),
      row(
        'schedule lag p50 / p99',
        `${num(p.scheduleLagMs.p50)} / ${num(p.scheduleLagMs.p99)} ms`,
        'intended send time → actual send time, per batch',
      ),
      row(
        'ack latency p50 / p99',
        `${num(p.ackLatencyMs.p50)} / ${num(p.ackLatencyMs.p99)} ms`,
        'intended send time → acknowledgement (corrected for coordinated omission)',
      ),
    );
  }
  if (report.interrupted !== undefined)
    rows.push(
      row('interrupted', esc(`by ${report.interrupted.signal}`), `every shard was simulated up to ${report.interrupted.atVirtual}`, 'err'),
    );
  return `<section id="run"><h2>Run, delivery and throughput</h2>${table(['figure', 'value', 'what it means'], rows, [0, 2], 'fig kv')}</section>`;
}

export function expectationsHtml(report: RunReport): string {
  const deferred = uncheckedNote(report);
  if (deferred !== undefined)
    return `<section id="expectations"><h2>Expectations</h2>\n<p class="nm">Expectations ${esc(deferred)}.</p></section>`;
  if (report.expectations.length === 0)
    return '<section id="expectations"><h2>Expectations</h2><p class="nm">The scenario states no expectations.</p></section>';
  const body = report.expectations.map((e) =>
    tr([
      td(e.passed ? 'PASS' : 'FAIL', e.passed ? 'pass' : 'fail'),
      td(`<code>${esc(e.expect)}</code>`, 'l'),
      td(
        esc(e.notReported !== undefined && e.notReported.length > 0 ? expectationValues(e) : sideValue(e.left, e)),
        e.notReported !== undefined && e.notReported.length > 0 ? 'nr l' : undefined,
      ),
      td(esc(e.notReported !== undefined && e.notReported.length > 0 ? '' : sideValue(e.right, e))),
    ]),
  );
  const failed = report.expectations.filter((e) => !e.passed).length;
  return [
    '<section id="expectations"><h2>Expectations</h2>',
    `<p>${num(report.expectations.length - failed)} of ${num(report.expectations.length)} passed. Each line of the scenario's <code>expect:</code> is checked on the figures below; left and right are its two sides' values.</p>`,
    table(['result', 'expectation', 'left', 'right'], body, [0, 1], 'fig expectations'),
    '</section>',
  ].join('\n');
}
