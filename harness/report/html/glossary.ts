import { esc } from '../svg-charts.js';

/*
 * The glossary every report.html carries, so a reader who never runs smsim can read it offline.
 * docs/reading-the-report.md says the same at length.
 */

export const GLOSSARY: ReadonlyArray<readonly [string, string]> = [
  ['truth', 'What the simulated devices really experienced. Kept by the simulator, never on the wire: no real pipeline can see it.'],
  ['observed', "smsim's reference metric definitions applied to the traffic that crossed the wire: the best any pipeline could report."],
  ['reported', 'What the pipeline under test returned.'],
  ['blind spot (amber)', 'truth − observed: what happened but the network cannot see. The pipeline is not at fault; the measurement is.'],
  ['pipeline error (red)', 'observed − reported: the pipeline under test disagrees with the reference definitions on the same traffic.'],
  [
    'observed above truth (violet)',
    "A count the network sees more of than happened: no blind spot. Explained where it appears (e.g. a category only an observer has, or a gap in the simulator's model).",
  ],
  [
    'not measurable',
    'Cannot be decided from what crosses the wire (e.g. an IOC/MDS PPMID cannot acknowledge a firmware image; CSP North hops are not visible to the DSP). Kept apart from failures.',
  ],
  ['not reported', 'The pipeline does not compute that family of figures: there is no reported value (never 0) and nothing to compare.'],
  ['not measured in this run', 'The run has no traffic that measure counts, so it has no figure.'],
  [
    'CPM',
    'Code Performance Measure: a headline service level with a target and a minimum (CPM1 on-demand and CPM2 future-dated Service Responses within target time, CPM3 alerts, CPM4 / CPM5 incidents).',
  ],
  [
    'old way / MP122 way',
    "CPM1 / CPM2 as the unweighted mean of the Service Providers' levels, no exclusions (old), or on actual volumes with the exclusion list applied (MP122).",
  ],
  ['SRV', 'Service Request Variant: a numbered kind of request a User sends the DCC (e.g. 4.1.1, 11.4).'],
  [
    'CH, HAN',
    'Communications Hub: the device in the home that talks to the WAN. Home Area Network: the link between the CH and the meters, IHD and PPMID.',
  ],
  [
    'CSP region, SMETS1 SP',
    'SMETS2 meters reach the DCC through a Communications Service Provider region (North, Central, South); SMETS1 meters through a SMETS1 Service Provider (cohorts IOC, MOC, FOC).',
  ],
  ['SMETS1 / SMETS2', 'The two generations of GB smart meter.'],
  ['PPMID, IHD', 'Prepayment Meter Interface Device; In-Home Display.'],
  [
    'I&C, I&L',
    'Install & Commission (the CH has WAN at install, SRV 8.14.1) vs Install & Leave (no WAN yet, 8.14.2, to be connected within 90 days).',
  ],
  ['PMR', "Performance Measurement Report: the DCC's monthly report, due on the 10th Working Day after the month ends."],
  ['Working Day', 'A day other than a weekend or an England & Wales bank holiday.'],
  ['final / provisional', 'A month is final once late events can no longer arrive, provisional until then.'],
  ['p50 · p95 · p99', 'The time within which half, 95 % and 99 % of the values fall.'],
];

export function glossaryHtml(): string {
  return `<dl class="glossary">${GLOSSARY.map(([t, d]) => `<dt>${esc(t)}</dt><dd>${esc(d)}</dd>`).join('')}</dl>`;
}
