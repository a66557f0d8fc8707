import { NOT_REPORTED, num, pct, reportedNum, row } from './format.js';
import type { CpmRow, Figure, Pmr, PmrMonth } from './pmr.js';

const fig = (f: Figure): string => (f.truth === f.reported ? num(f.truth) : `${reportedNum(f.reported)} (truth ${num(f.truth)})`);
const availability = (p: number | null): string => (p === null ? NOT_REPORTED : `${p.toFixed(3)} %`);
const oldWay = (c: CpmRow): string => (c.oldWay === undefined ? '' : pct(c.oldWay.reportedPercent));

/** The PMR as Markdown: one section per reporting month. */
export function renderPmrMarkdown(pmr: Pmr): string {
  const out: string[] = ['# Performance Measurement Report', ''];
  out.push(
    `As of ${pmr.asOf}. A month is **final** once ${pmr.latenessHours} h have passed after it ends (the longest target response time: a`,
    'late response or alert for it can arrive until then); before that its figures are **provisional**. Incidents count in the month',
    'they are closed, service responses in the month of the response, alerts in the month the CH received them. Figures are what',
    'the pipeline reported, with the truth in brackets where it differs; *not reported* where the pipeline does not compute',
    "that metric's family (no figure, never 0).",
    '',
  );
  out.push(
    pmr.withinTargetRule === 'responseDelivered'
      ? 'Within target: any Service Response delivered within its Target Response Time, failed or not (`measurement.withinTarget: responseDelivered`).'
      : 'Within target: a successful Service Response delivered within its Target Response Time (`measurement.withinTarget: successfulResponse`).',
    '',
  );
  for (const m of pmr.months) out.push(...monthSection(m));
  return out.join('\n');
}

function monthSection(m: PmrMonth): string[] {
  const out: string[] = [`## ${m.month} — ${m.status}`, ''];
  out.push(
    row(['', '']),
    row(['---', '---']),
    row(['status', m.status]),
    row(['run covers', `${(m.coverage * 100).toFixed(1)} % of the month`]),
    row(['data complete', `${m.dataCompleteAt} (${m.dataCompleteDate})`]),
    row(['PMR due (10th Working Day after month end)', m.dueDate]),
    row(['data complete by due date', m.completeByDueDate ? 'yes' : '**no**']),
    '',
    '### Code Performance Measures',
    '',
    row(['CPM', 'measure', 'within / total (reported)', 'reported', 'truth', 'old way (reported)', 'target / minimum']),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:']),
  );
  for (const c of m.cpms) {
    if (c.notReported === true)
      out.push(row([c.cpm, c.name, NOT_REPORTED, NOT_REPORTED, pct(c.truthPercent), oldWay(c), `${c.target} % / ${c.minimum} %`]));
    else if (!c.measured) out.push(row([c.cpm, c.name, 'not measured in this run', '', '', '', `${c.target} % / ${c.minimum} %`]));
    else
      out.push(
        row([
          c.cpm,
          c.name,
          `${reportedNum(c.within.reported)} / ${reportedNum(c.total.reported)}`,
          pct(c.reportedPercent),
          pct(c.truthPercent),
          oldWay(c),
          `${c.target} % / ${c.minimum} %`,
        ]),
      );
  }
  const notes = m.cpms.filter((c) => (c.measured || c.notReported === true) && c.note !== undefined);
  if (notes.length > 0) out.push('', ...notes.map((c) => `${c.cpm}: ${c.note}`));
  if (m.cpms.some((c) => c.oldWay !== undefined && c.measured))
    out.push(
      '',
      "Old way: the unweighted mean of the Service Providers' service levels in the month (DSP, CSP North / Central / South, SMETS1 SP), no exclusions.",
    );
  out.push('', '### Service performance by business process and SMETS generation (R1)', '');
  if (m.businessProcesses.length === 0) out.push('No Service Responses in this month.');
  else {
    out.push(
      row([
        'business process',
        'SMETS',
        'requests',
        'responses',
        'failures',
        'excluded',
        'within target (reported)',
        'within target (truth)',
      ]),
      row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const b of m.businessProcesses)
      out.push(
        row([
          b.process,
          b.smets,
          fig(b.requests),
          fig(b.responses),
          fig(b.failures),
          fig(b.excluded),
          pct(b.reportedPercent),
          pct(b.truthPercent),
        ]),
      );
  }
  out.push('', '### Incidents, Category 3 / 4 / 5 (by SMETS generation and resolver group)', '');
  if (m.incidents.length === 0) out.push('No Category 3–5 incidents in this month.', '');
  else {
    out.push(
      row([
        'category',
        'SMETS',
        'resolver group',
        'open at month end',
        'raised',
        'responded',
        'responded within target',
        'closed',
        'closed within target',
      ]),
      row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const i of m.incidents)
      out.push(
        row([
          i.category,
          i.smets,
          i.resolver,
          fig(i.openAtMonthEnd),
          fig(i.raised),
          fig(i.responded),
          fig(i.respondedWithinTarget),
          fig(i.closed),
          fig(i.closedWithinTarget),
        ]),
      );
    out.push('', 'Each incident counts once, in the month of its last closure; a re-opened incident is open until closed again.', '');
  }
  if (m.installAndLeave.length > 0) {
    out.push(
      '### Install & Leave at month end, by 90-day category (R2, an Indicator)',
      '',
      row([
        'region',
        'awaiting a decision (inside 90 days)',
        'connected within 90 days',
        'connected after 90 days',
        'not connected after 90 days',
      ]),
      row(['---', '---:', '---:', '---:', '---:']),
    );
    for (const l of m.installAndLeave)
      out.push(
        row([l.region, fig(l.awaitingDecision), fig(l.connectedWithin90Days), fig(l.connectedAfter90Days), fig(l.notConnectedAfter90Days)]),
      );
    out.push('');
  }
  out.push('### End-to-end availability per CSP region / SMETS1 SP', '');
  if (m.availability.length === 0) out.push('Not measured in this run (no outages modelled).', '');
  else {
    out.push(
      row(['network', 'minutes', 'planned downtime (min)', 'unplanned downtime (min)', 'availability (reported)', 'availability (truth)']),
      row(['---', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const a of m.availability)
      out.push(
        row([
          a.network,
          num(a.minutes),
          fig(a.plannedDowntime),
          fig(a.unplannedDowntime),
          availability(a.reportedPercent),
          availability(a.truthPercent),
        ]),
      );
    out.push('');
  }
  for (const s of m.sections) {
    out.push(`### ${s.title}`, '', row(['measure', 'truth', 'observed', 'reported']), row(['---', '---:', '---:', '---:']));
    for (const r of s.rows) out.push(row([r.name, num(r.truth), num(r.observed), reportedNum(r.reported)]));
    out.push('');
  }
  return out;
}
