import { NOT_REPORTED, num, pct } from '../format.js';
import type { Figure, PmrMonth } from '../pmr.js';
import { esc } from '../svg-charts.js';
import { table, td, tr } from './cells.js';

/*
 * The month's R1 per business process and SMETS generation, and its Install & Leave CHs by 90-day
 * category as of the month end. Like the rest of the PMR they carry truth and reported only: a
 * differing truth is shown beneath (dotted), and the sections above say what the difference is.
 */

export const fig = (f: Figure): string =>
  f.reported === null
    ? td(`<span class="nr">${NOT_REPORTED}</span><br><small>truth ${num(f.truth)}</small>`)
    : f.truth === f.reported
      ? td(num(f.truth))
      : td(`${num(f.reported)}<br><small class="dt">truth ${num(f.truth)}</small>`);

const share = (reported: number | null, truth: number | null, responses: Figure): string => {
  if (responses.reported === null) return td(`<span class="nr">${NOT_REPORTED}</span><br><small>truth ${pct(truth)}</small>`);
  if (reported === null && truth === null) return td('all excluded', 'nm');
  return reported === truth ? td(pct(reported)) : td(`${pct(reported)}<br><small class="dt">truth ${pct(truth)}</small>`);
};

const PROCESS_NAMES: Readonly<Record<string, string>> = {
  'install-commission': 'Install & Commission',
  billing: 'Billing',
  prepayment: 'Prepayment',
  'change-of-supplier': 'Change of Supplier',
  firmware: 'Firmware',
  'ch-lifecycle': 'CH lifecycle',
  other: 'Other',
};

export function processesHtml(m: PmrMonth): string {
  if (m.businessProcesses.length === 0)
    return '<p class="nm">Service performance by business process: no Service Responses in this month.</p>';
  const body = m.businessProcesses.map((b) =>
    tr([
      td(esc(PROCESS_NAMES[b.process] ?? b.process), 'l'),
      td(esc(b.smets.toUpperCase()), 'l'),
      fig(b.requests),
      fig(b.responses),
      fig(b.failures),
      fig(b.excluded),
      share(b.reportedPercent, b.truthPercent, b.responses),
    ]),
  );
  return [
    `<h4 id="pmr-processes-${esc(m.month)}">Service performance by business process and SMETS generation (R1), ${esc(m.month)}</h4>`,
    table(
      ['business process', 'SMETS', 'requests', 'responses', 'failures', 'excluded', 'within target<br><small>after exclusions</small>'],
      body,
      [0, 1],
      'fig processes',
    ),
    '<p class="muted small">Responses count in the month they arrived. Within target: (responses within target − excluded within target) ÷ (responses − excluded), by the rule stated above.</p>',
  ].join('\n');
}

export function leaveHtml(m: PmrMonth): string {
  if (m.installAndLeave.length === 0)
    return m.status === 'final' || m.coverage >= 1
      ? ''
      : '<p class="nm">Install &amp; Leave by 90-day category: counted as of each month end; this month has not ended in the run.</p>';
  const body = m.installAndLeave.map((l) =>
    tr([
      td(esc(l.region), 'l'),
      fig(l.awaitingDecision),
      fig(l.connectedWithin90Days),
      fig(l.connectedAfter90Days),
      fig(l.notConnectedAfter90Days),
    ]),
  );
  const unseen = m.installAndLeave.some((l) =>
    [l.awaitingDecision, l.connectedWithin90Days, l.connectedAfter90Days, l.notConnectedAfter90Days].some(
      (f) => f.reported !== null && f.truth > f.reported,
    ),
  );
  return [
    `<h4>Install &amp; Leave CHs at the end of ${esc(m.month)}, by 90-day category (R2, an Indicator)</h4>`,
    table(
      [
        'region',
        'awaiting a decision<br><small>inside 90 days</small>',
        'connected within 90 days',
        'connected after 90 days',
        'not connected after 90 days',
      ],
      body,
      [0],
      'fig leave',
    ),
    `<p class="muted small">Each CH installed and left (SRV 8.14.2) in its category as of this month end: a CH moves from "awaiting a decision" to a connected category when its SM WAN appears, or to "not connected after 90 days" when 90 days pass without it.${unseen ? ' Where the truth (dotted) is higher, CHs were installed without SM WAN that no 8.14.2 reported: a blind spot, shown in amber in the R2 section above (red there would be a pipeline error).' : ''}</p>`,
  ].join('\n');
}
