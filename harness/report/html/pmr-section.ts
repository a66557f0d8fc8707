import { NOT_REPORTED, num, pct, reportedNum } from '../format.js';
import type { MetricRow } from '../../oracle/metric-row.js';
import type { CpmRow, Pmr, PmrMonth } from '../pmr.js';
import { esc } from '../svg-charts.js';
import { differenceCells, notReportedCell, table, td, tr } from './cells.js';
import { withinTargetWords } from './cpm-section.js';
import { fig, leaveHtml, processesHtml } from './pmr-month-tables.js';

/*
 * The monthly Performance Measurement Report as the DCC would publish it: per reporting month,
 * its status, the CPMs, incidents and availability. The PMR holds truth and reported only, so a
 * difference here is named ("truth …") and read in the section above, which has the observed view.
 */

/** CPM1 / CPM2's old-way figure of the month; "not reported" where the srv family is not. */
const oldWay = (c: CpmRow): string => {
  const o = c.oldWay;
  if (o === undefined) return td('');
  if (o.reportedPercent === null && c.notReported === true)
    return td(`<span class="nr">${NOT_REPORTED}</span><br><small>truth ${pct(o.truthPercent)}</small>`);
  return o.reportedPercent === o.truthPercent
    ? td(pct(o.reportedPercent))
    : td(`${pct(o.reportedPercent)}<br><small class="dt">truth ${pct(o.truthPercent)}</small>`);
};

const availability = (p: number | null): string => (p === null ? notReportedCell() : td(`${p.toFixed(3)} %`));

/** The family each CPM is computed from, to say whether its truth ≠ reported is a blind spot or an error. */
const CPM_FAMILY: Readonly<Record<string, readonly [string, string]>> = {
  CPM1: ['srv.', 'Service requests (R1)'],
  CPM2: ['srv.', 'Service requests (R1)'],
  CPM3: ['alert.', 'Alerts (R4)'],
  CPM4: ['incident.', 'Incidents (R5)'],
  CPM5: ['incident.', 'Incidents (R5)'],
  CPM6: ['availability.', 'Availability (R6)'],
};

export function pmrHtml(pmr: Pmr, metrics: readonly MetricRow[]): string {
  const erring = (cpm: string): boolean =>
    metrics.some((r) => r.id.startsWith(CPM_FAMILY[cpm]?.[0] ?? '\u0000') && r.reported !== null && r.reported !== r.observed);
  const out = [
    '<section id="pmr"><h2>Monthly Performance Measurement Report</h2>',
    `<p class="muted">A month is <b>final</b> once ${pmr.latenessHours} h have passed after it ends (late responses and alerts can arrive until then), otherwise <b>provisional</b>. Incidents count once, in the month of their last closure. The PMR carries truth and reported; where they differ, the sections above say whether the network cannot see (blind spot) or the pipeline is wrong.</p>`,
    withinTargetWords(pmr.withinTargetRule),
  ];
  for (const m of pmr.months) out.push(monthHtml(m, pmr.months.length > 1, erring));
  out.push('</section>');
  return out.join('\n');
}

function truthWords(cpm: string, error: boolean, noTruth: boolean): string {
  const section = esc(CPM_FAMILY[cpm]?.[1] ?? 'its');
  if (error) return `Truth differs, and the pipeline's figures differ from observed: a pipeline error (red rows in ${section} above).`;
  if (noTruth) return `No truth figure: smsim's truth does not count these (violet rows in ${section} above); not a pipeline error.`;
  return `Truth differs: a blind spot. The pipeline reports what the network can see (${section} above shows where).`;
}

function monthHtml(m: PmrMonth, withSections: boolean, erring: (cpm: string) => boolean): string {
  const out: string[] = [`<h3 class="month">${esc(m.month)} <span class="badge ${m.status}">${m.status}</span></h3>`];
  out.push(
    `<p>The run covers ${(m.coverage * 100).toFixed(1)} % of the month. Data complete ${esc(m.dataCompleteAt)} (${esc(m.dataCompleteDate)}); PMR due on the 10th Working Day, ${esc(m.dueDate)}: ${m.completeByDueDate ? 'complete in time' : '<b>not complete by the due date</b>'}.</p>`,
  );
  const cpmRows = m.cpms.map((c) => {
    const tm = td(`${c.target} % / ${c.minimum} %`);
    const head = [td(c.cpm, 'l'), td(esc(c.name), 'l')];
    if (c.notReported === true) return tr([...head, notReportedCell(2), td(pct(c.truthPercent)), oldWay(c), tm, td('')]);
    if (!c.measured)
      return tr([
        ...head,
        td('not measured in this run', 'nm', ' colspan="4" title="the run has no traffic this measure counts"'),
        tm,
        td(''),
      ]);
    const differs = c.truthPercent !== c.reportedPercent;
    const below = c.reportedPercent !== null && c.reportedPercent < c.minimum;
    // Nothing to count (e.g. no incident of that category closed): a ratio of 0 / 0 is no figure.
    if (c.total.reported === 0 && c.total.truth === 0)
      return tr([...head, td('0 / 0'), td('nothing to count this month', 'nm', ' colspan="3"'), tm, td('')]);
    return tr([
      ...head,
      td(`${reportedNum(c.within.reported)} / ${reportedNum(c.total.reported)}`),
      td(pct(c.reportedPercent), below ? 'low' : undefined),
      td(pct(c.truthPercent), differs ? 'dt' : undefined),
      oldWay(c),
      tm,
      td(
        (c.reportedPercent === null
          ? ''
          : c.reportedPercent >= c.target
            ? 'meets the target'
            : below
              ? '<b>below the minimum</b>'
              : 'below the target, above the minimum') +
          (differs ? `<br>${truthWords(c.cpm, erring(c.cpm), c.truthPercent === null)}` : ''),
        differs ? `l words ${erring(c.cpm) ? 'err' : c.truthPercent === null ? 'above' : 'blind'}` : 'l',
      ),
    ]);
  });
  out.push(
    table(
      [
        'CPM',
        'measure',
        'within / total',
        'reported',
        'truth',
        'old way<br><small>mean of provider levels</small>',
        'target / minimum',
        'reported vs target',
      ],
      cpmRows,
      [0, 1, 7],
      'fig cpms',
    ),
  );
  if (m.cpms.some((c) => c.oldWay !== undefined && c.measured))
    out.push(
      '<p class="muted small">Old way (CPM1 / CPM2): the unweighted mean of the Service Providers\' service levels in the month, no exclusions, as it was reported before MP122; beside the MP122 figure, not instead of it.</p>',
    );
  out.push(
    '<p class="muted small">"not measured in this run": the run has no traffic that measure counts, so it has no figure (not 0 %).</p>',
  );
  for (const c of m.cpms)
    if ((c.measured || c.notReported === true) && c.note !== undefined) out.push(`<p class="muted small">${c.cpm}: ${esc(c.note)}</p>`);
  out.push(processesHtml(m));
  if (m.incidents.length === 0) out.push('<p class="nm">No Category 3–5 incidents in this month.</p>');
  else
    out.push(
      '<h4>Incidents, Category 3 / 4 / 5</h4>',
      table(
        [
          'category',
          'SMETS',
          'resolver group',
          'open at month end',
          'raised',
          'initial response',
          'responded within TIRT',
          'closed',
          'closed within target',
        ],
        m.incidents.map((i) =>
          tr([
            td(esc(i.category), 'l'),
            td(esc(i.smets), 'l'),
            td(esc(i.resolver), 'l'),
            fig(i.openAtMonthEnd),
            fig(i.raised),
            fig(i.responded),
            fig(i.respondedWithinTarget),
            fig(i.closed),
            fig(i.closedWithinTarget),
          ]),
        ),
        [0, 1, 2],
      ),
      '<p class="muted small">Initial response: incidents given their first response in the month, and those within the Target Initial Response Time (TIRT, CR1420), beside resolution within the Target Resolution Time. Each incident counts once, in the month of its last closure; a re-opened incident is open until closed again. Where the reported figure differs from the truth, the truth is beneath it (dotted); Incidents (R5) above says whether that is a blind spot or a pipeline error.</p>',
    );
  out.push(leaveHtml(m));
  if (m.availability.length === 0) out.push('<p class="nm">End-to-end availability: not measured in this run (no outages modelled).</p>');
  else {
    out.push(
      '<h4>End-to-end availability per CSP region / SMETS1 SP</h4>',
      table(
        ['network', 'minutes', 'planned downtime (min)', 'unplanned downtime (min)', 'availability (reported)', 'availability (truth)'],
        m.availability.map((a) =>
          tr([
            td(esc(a.network), 'l'),
            td(num(a.minutes)),
            fig(a.plannedDowntime),
            fig(a.unplannedDowntime),
            availability(a.reportedPercent),
            td(`${a.truthPercent.toFixed(3)} %`),
          ]),
        ),
      ),
    );
  }
  if (withSections && m.sections.length > 0) out.push(`<details><summary>Every section's figures for ${esc(m.month)}</summary>`);
  if (withSections)
    for (const s of m.sections) {
      out.push(`<h4>${esc(s.title)}, ${esc(m.month)}</h4>`);
      out.push(
        table(
          ['measure', 'truth', 'observed', 'reported', 'blind spot', 'pipeline error', 'what it means'],
          s.rows.map((r) =>
            tr([
              td(esc(r.name), 'l'),
              td(num(r.truth)),
              td(num(r.observed)),
              r.reported === null ? notReportedCell() : td(num(r.reported)),
              ...differenceCells(r.id, r.truth, r.observed, r.reported).cells,
            ]),
          ),
          [0, 6],
        ),
      );
    }
  if (withSections && m.sections.length > 0) out.push('</details>');
  return out.join('\n');
}
