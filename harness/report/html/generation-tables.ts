import { COHORTS, REGIONS } from '../../../simulator/core/domain/vocabulary.js';
import { totals } from '../../oracle/join-figures.js';
import type { MetricRow } from '../../oracle/metric-row.js';
import { NOT_REPORTED, num } from '../format.js';
import { esc } from '../svg-charts.js';
import { table, td, tr, tripleCell } from './cells.js';

/*
 * The two R3 / R4 views whose means of measurement differ by network: firmware by SMETS generation
 * (SMETS2 from acknowledgements, SMETS1 only from the SMETS1 Service Providers' data, CH images by
 * activation only) and alerts timed end to end (to the User's confirmation) beside the interim
 * DSP-only timing, which stands in where the CH receipt is not visible (CSP North, SMETS1).
 */

type Triple = { truth: number; observed: number; reported: number | null };

const REASONS: Readonly<Record<string, string>> = {
  modelCannotAck: 'cannot acknowledge (e.g. IOC/MDS PPMIDs)',
  noSmets1SpData: 'no SMETS1 SP data',
  chImage: 'CH listed in an 11.1',
};

function getter(rows: readonly MetricRow[], by: readonly string[]): (id: string, key: Readonly<Record<string, string>>) => Triple {
  const t = totals(
    rows.filter((r) => r.labels.bucket === undefined),
    by,
  );
  const unreported = (id: string): boolean => rows.some((r) => r.id.split('.')[0] === id.split('.')[0] && r.reported === null);
  return (id, key) =>
    t.find((x) => x.id === id && by.every((b) => x.labels[b] === key[b])) ?? {
      truth: 0,
      observed: 0,
      reported: unreported(id) ? null : 0,
    };
}

/** Not measurable: an observer's category (the truth always knows, so 0 there), grey, with its reasons. */
function notMeasurableCell(f: Triple, reasons: string): string {
  if (f.reported !== null && f.reported !== f.observed) return tripleCell(f.truth, f.observed, f.reported);
  const main =
    f.reported === null ? `<span class="nr">${NOT_REPORTED}</span><br><small>observed ${num(f.observed)}</small>` : num(f.observed);
  return td(
    f.observed === 0 ? main : `${main}${reasons === '' ? '' : `<br><small>${esc(reasons)}</small>`}`,
    f.observed > 0 ? 'obs' : undefined,
  );
}

/** R3 by SMETS generation: each generation's figures and, in words, how they are measured. */
export function firmwareBySmetsHtml(rows: readonly MetricRow[]): string {
  const fw = rows.filter((r) => r.id.startsWith('firmware.'));
  const gens = [...new Set(fw.map((r) => r.labels.smets).filter((s): s is string => s !== undefined))].sort();
  if (gens.length === 0) return '';
  const get = getter(fw, ['smets']);
  const byReason = getter(fw, ['smets', 'reason']);
  const body = gens.map((smets) => {
    const k = { smets };
    const cell = (id: string): string => {
      const f = get(id, k);
      return tripleCell(f.truth, f.observed, f.reported);
    };
    const reasonCount = (reason: string): number => byReason('firmware.notMeasurable', { smets, reason }).observed;
    const reasons = Object.keys(REASONS)
      .filter((r) => reasonCount(r) > 0)
      .map((r) => `${num(reasonCount(r))} ${REASONS[r]}`)
      .join('; ');
    const words: string[] = [];
    if (smets === 'smets1') {
      const noData = reasonCount('noSmets1SpData');
      words.push(
        noData > 0
          ? `No SMETS1 Service Provider data in this run: ${num(noData)} SMETS1 targets are not measurable, and only the 11.3 activations count (the interim MP122B names).`
          : "From the SMETS1 Service Providers' per-device data only (CR1440: S1SP-FW-DELIVERED / NOT-DELIVERED); SECMP0007 does not cover SMETS1.",
      );
    } else if (smets === 'smets2') words.push('From acknowledgements (0x8F72, CCS08) and DCC Alerts N60 / N61 (SECMP0007).');
    if (reasonCount('modelCannotAck') > 0)
      words.push(`${num(reasonCount('modelCannotAck'))} targets cannot acknowledge: delivery is known to their CH only.`);
    const received = get('firmware.received', k);
    if (received.truth > received.observed)
      words.push(
        `Blind spot: ${num(received.truth - received.observed)} HAN${received.truth - received.observed === 1 ? '' : 's'} received the image with no acknowledgement to say so.`,
      );
    const failed = get('firmware.failed', k);
    if (failed.truth > failed.observed)
      words.push(
        `${num(failed.truth - failed.observed)} failure${failed.truth - failed.observed === 1 ? '' : 's'} no signal tells of (a blind spot too).`,
      );
    const awaiting = get('firmware.awaitingAck', k).observed;
    if (awaiting > 0) words.push(`${num(awaiting)} awaiting an acknowledgement when the run ended (grey: the truth knows how each ended).`);
    if (get('firmware.chActivated', k).observed > 0)
      words.push('CH images go straight over the CSP / SMETS1 SP network: measured by activation only, never a target.');
    return tr([
      td(esc(smets.toUpperCase()), 'l'),
      cell('firmware.targets'),
      cell('firmware.received'),
      cell('firmware.failed'),
      notMeasurableCell(get('firmware.notMeasurable', k), reasons),
      notMeasurableCell(get('firmware.awaitingAck', k), ''),
      cell('firmware.activated'),
      cell('firmware.chActivated'),
      td(esc(words.join(' ')), 'l words'),
    ]);
  });
  return [
    '<h3 id="firmware-smets">By SMETS generation</h3>',
    '<p class="muted">SMETS1 and SMETS2 are measured by different means and reported apart. Each cell shows the reported figure; beneath it the truth in amber where the network cannot see all of it. <i>Not measurable</i> (grey) is an observer\'s category: the truth always knows what happened, so it has no truth figure there.</p>',
    table(
      [
        'SMETS',
        'targets',
        'HANs received',
        'failed',
        'not measurable',
        'awaiting ack',
        'activated',
        'CH images activated',
        'how it is measured',
      ],
      body,
      [0, 8],
      'fig smets',
    ),
  ].join('\n');
}

const ORDER: readonly string[] = [...REGIONS, ...COHORTS];
const share = (within: number | null, of: number | null): number | null =>
  within === null || of === null ? null : of === 0 ? Number.NaN : Math.round((10_000 * within) / of) / 100;
const pct = (x: number): string => (Number.isNaN(x) ? 'none timed' : `${x.toFixed(2)} %`);

/** A percentage of three views; "none timed" in observed beside a truth is a blind spot (amber). */
function pctCell(within: Triple, of: Triple): string {
  const [t, o, r] = [
    share(within.truth, of.truth) ?? Number.NaN,
    share(within.observed, of.observed) ?? Number.NaN,
    share(within.reported, of.reported),
  ];
  if (Number.isNaN(o) && !Number.isNaN(t) && (r === null || Number.isNaN(r)))
    return td(
      `${r === null ? `<span class="nr">${NOT_REPORTED}</span>` : 'none timed'}<br><small class="blind">truth ${pct(t)}</small>`,
      'blind',
    );
  return tripleCell(t, o, r, pct);
}

/** R4 per network: end to end (CH receipt → User confirmation) beside the interim DSP-only timing. */
export function alertTimingHtml(rows: readonly MetricRow[]): string {
  const al = rows.filter((r) => r.id.startsWith('alert.') && r.labels.network !== undefined);
  if (!al.some((r) => r.id === 'alert.interimMeasured')) return '';
  const nets = [...new Set(al.filter((r) => r.id === 'alert.interimMeasured').map((r) => r.labels.network ?? ''))].sort(
    (a, b) => ORDER.indexOf(a) - ORDER.indexOf(b),
  );
  const get = getter(al, ['network']);
  const body = nets.map((network) => {
    const k = { network };
    const [measured, within, nm, interim, interimWithin] = [
      'alert.measured',
      'alert.withinTarget',
      'alert.notMeasurable',
      'alert.interimMeasured',
      'alert.interimWithinTarget',
    ].map((id) => get(id, k)) as [Triple, Triple, Triple, Triple, Triple];
    const words: string[] = [];
    const who = (REGIONS as readonly string[]).includes(network) ? 'CSP North' : 'the SMETS1 Service Providers';
    if (nm.observed > 0 && measured.observed === 0)
      words.push(
        `The DSP cannot see the CH receipt here (${who}, CR1438): no alert has an end-to-end time, so the interim DSP-only figure stands beside it. The devices' own clocks (truth) give the end-to-end figure no pipeline can.`,
      );
    else if (nm.observed > 0)
      words.push(
        `${num(nm.observed)} Device Alerts' CH receipt is not visible (${who}, CR1438): the end-to-end figure covers only the ${num(measured.observed)} whose start is (DCC Alerts, timed from generation); the interim DSP-only figure covers all.`,
      );
    else if (measured.truth > measured.observed)
      words.push(`Blind spot: ${num(measured.truth - measured.observed)} alerts the network cannot time end to end.`);
    if (interim.observed > measured.observed + nm.observed)
      words.push(
        `${num(interim.observed - measured.observed - nm.observed)} alerts were sent but not confirmed: in the interim figure only.`,
      );
    return tr([
      td(esc(network), 'l'),
      tripleCell(measured.truth, measured.observed, measured.reported),
      pctCell(within, measured),
      notMeasurableCell(nm, ''),
      tripleCell(interim.truth, interim.observed, interim.reported),
      pctCell(interimWithin, interim),
      td(esc(words.join(' ')), `l words${measured.truth > measured.observed ? ' blind' : ''}`),
    ]);
  });
  return [
    '<h3 id="alert-timing">End to end and interim, per network</h3>',
    '<p class="muted">R4 / CPM3 times an alert from its CH receipt (a DCC Alert: its generation) to the User\'s confirmation. Where the DSP cannot see the CH receipt (CSP North, SMETS1 Service Providers) the alert is "CH receipt not visible" (grey) rather than dropped, and the <b>interim</b> DSP-only timing — DSP validation → sent to the User, for every alert sent — is shown beside the end-to-end figure.</p>',
    table(
      [
        'network',
        'confirmed, CH receipt visible',
        'end to end<br><small>within target</small>',
        'confirmed, CH receipt not visible',
        'interim: sent to the User',
        'interim<br><small>within target, DSP only</small>',
        'what it means',
      ],
      body,
      [0, 6],
      'fig timing',
    ),
  ].join('\n');
}
