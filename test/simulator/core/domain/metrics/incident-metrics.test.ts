import { describe, expect, it } from 'vitest';
import { createIncidentMetrics, IncidentMetric as M } from '../../../../../simulator/core/domain/metrics/incident-metrics.js';
import { MetricTable } from '../../../../../simulator/core/domain/metrics/metric-table.js';
import { EventKind as K, INCIDENT_NO_SM_WAN, Network as N, ResolverGroup as R } from '../../../../../simulator/core/domain/vocabulary.js';
import { batchOf, iso } from '../../../../helpers/events.js';

type Ev = Parameters<typeof batchOf>[0][number];
const inc = (kind: number, id: number, category: number, network: number, resolverGroup: number, at: string, device = 0): Ev => ({
  kind: kind as Ev['kind'],
  at,
  requestId: id,
  value: category,
  network,
  resolverGroup,
  device,
  code: 'X',
});

// Worked by hand (default targets: Cat 1 4 h, Cat 3 2 WD, Cat 4 5 WD, Cat 5 10 WD).
const events: Ev[] = [
  inc(K.INCIDENT_RAISED, 5, 5, N.SMETS1_MOC, R.DCO, '2026-02-20T09:00:00Z'), // G: never closed
  inc(K.INCIDENT_CLOSED, 6, 5, N.CSP_SOUTH, R.OTHER, '2026-03-05T10:00:00Z'), // F: raise never seen
  inc(K.INCIDENT_RAISED, 1, 1, N.CSP_NORTH, R.DCC, '2026-03-10T10:00:00Z'), // E
  inc(K.INCIDENT_CLOSED, 1, 1, N.CSP_NORTH, R.DCC, '2026-03-10T13:00:00Z'),
  { ...inc(K.INCIDENT_RAISED, 7, 4, N.CSP_NORTH, R.CSP_NORTH, '2026-03-15T10:00:00Z', 500), code: INCIDENT_NO_SM_WAN }, // N1
  { ...inc(K.INCIDENT_RAISED, 7, 4, N.CSP_NORTH, R.CSP_NORTH, '2026-03-16T10:00:00Z', 501), code: INCIDENT_NO_SM_WAN }, // N2, same id in another shard
  { ...inc(K.INCIDENT_CLOSED, 7, 4, N.CSP_NORTH, R.CSP_NORTH, '2026-03-20T10:00:00Z', 500), code: INCIDENT_NO_SM_WAN }, // exactly at 5 WD
  inc(K.INCIDENT_RAISED, 4, 4, N.SMETS1_IOC, R.SMETS1_SP, '2026-03-25T10:00:00Z'), // D
  inc(K.INCIDENT_CLOSED, 4, 4, N.SMETS1_IOC, R.SMETS1_SP, '2026-03-27T10:00:00Z'),
  inc(K.INCIDENT_RAISED, 2, 3, N.CSP_NORTH, R.CSP_NORTH, '2026-03-30T13:00:00Z'), // A: target Wed 1 April 14:00 BST
  inc(K.INCIDENT_REOPENED, 4, 4, N.SMETS1_IOC, R.SMETS1_SP, '2026-03-30T10:00:00Z'),
  inc(K.INCIDENT_RAISED, 3, 4, N.CSP_CENTRAL, R.CSP_CENTRAL, '2026-03-31T22:30:00Z'), // B: 23:30 BST, still March
  inc(K.INCIDENT_CLOSED, 3, 4, N.CSP_CENTRAL, R.CSP_CENTRAL, '2026-04-01T00:30:00Z'),
  inc(K.INCIDENT_RAISED, 8, 3, N.CSP_SOUTH, R.DSP, '2026-04-02T09:00:00Z'), // C: target Wed 8 April
  inc(K.INCIDENT_CLOSED, 4, 4, N.SMETS1_IOC, R.SMETS1_SP, '2026-04-02T10:00:00Z'), // D again: after its 5 WD (1 April 09:00Z)
  inc(K.INCIDENT_CLOSED, 2, 3, N.CSP_NORTH, R.CSP_NORTH, '2026-04-03T13:00:00Z'), // A on Good Friday: late
  inc(K.INCIDENT_CLOSED, 8, 3, N.CSP_SOUTH, R.DSP, '2026-04-07T09:00:00Z'),
];

const tuples = (
  samples: ReadonlyArray<{ labels: Readonly<Record<string, string>>; value: number }>,
  withSmets: boolean,
): Array<Array<string | number>> =>
  samples
    .map((s) => [
      s.labels.category as string,
      ...(withSmets ? [s.labels.smets as string] : []),
      s.labels.resolver as string,
      s.labels.month as string,
      s.value,
    ])
    .sort((a, b) => (a.join() < b.join() ? -1 : 1));
const sorted = (evs: Ev[]): Ev[] => [...evs].sort((a, b) => iso(a.at as string) - iso(b.at as string));

describe('incident metrics (R5)', () => {
  const family = createIncidentMetrics();
  family.apply(batchOf(sorted(events)));
  const t = new MetricTable().merge(family.report(iso('2026-04-08T00:00:00Z')));
  const l = (category: string, smets: string, resolver: string, month: string) => ({ category, smets, resolver, month });

  it('counts raised in the month raised', () => {
    expect(t.get(M.RAISED, l('5', 'smets1', 'dco', '2026-02'))).toBe(1);
    expect(t.get(M.RAISED, l('1', 'smets2', 'dcc', '2026-03'))).toBe(1);
    expect(t.get(M.RAISED, l('4', 'smets2', 'csp-north', '2026-03'))).toBe(2);
    expect(t.get(M.RAISED, l('4', 'smets1', 'smets1-sp', '2026-03'))).toBe(1);
    expect(t.get(M.RAISED, l('3', 'smets2', 'csp-north', '2026-03'))).toBe(1);
    expect(t.get(M.RAISED, l('4', 'smets2', 'csp-central', '2026-03'))).toBe(1);
    expect(t.get(M.RAISED, l('3', 'smets2', 'dsp', '2026-04'))).toBe(1);
  });

  it('counts each closed incident once, in the month of its last closure, within target against the first raise', () => {
    const closed = new MetricTable().merge(family.report(iso('2026-04-08T00:00:00Z')).filter((s) => s.id === M.CLOSED));
    expect(tuples(closed.samples(), true)).toEqual([
      ['1', 'smets2', 'dcc', '2026-03', 1],
      ['3', 'smets2', 'csp-north', '2026-04', 1],
      ['3', 'smets2', 'dsp', '2026-04', 1],
      ['4', 'smets1', 'smets1-sp', '2026-04', 1], // D: closed, re-opened, closed again: once
      ['4', 'smets2', 'csp-central', '2026-04', 1],
      ['4', 'smets2', 'csp-north', '2026-03', 1],
      ['5', 'smets2', 'other', '2026-03', 1],
    ]);
    const within = family.report(iso('2026-04-08T00:00:00Z')).filter((s) => s.id === M.CLOSED_WITHIN_TARGET);
    expect(tuples(within, false)).toEqual([
      ['1', 'dcc', '2026-03', 1],
      ['3', 'dsp', '2026-04', 1], // 2 WD over Good Friday and Easter Monday
      ['4', 'csp-central', '2026-04', 1],
      ['4', 'csp-north', '2026-03', 1], // exactly at the target: within
      // D's last closure (2 April) is after its 5 WD (1 April): not within, though its first was.
    ]);
    expect(t.get(M.REOPENED, l('4', 'smets1', 'smets1-sp', '2026-03'))).toBe(1);
  });

  it('counts incidents open at each month end that has passed', () => {
    const open = family.report(iso('2026-04-08T00:00:00Z')).filter((s) => s.id === M.OPEN_AT_MONTH_END);
    expect(tuples(open, true)).toEqual([
      ['3', 'smets2', 'csp-north', '2026-03', 1],
      ['4', 'smets1', 'smets1-sp', '2026-03', 1], // re-opened on 30 March
      ['4', 'smets2', 'csp-central', '2026-03', 1], // raised at 23:30 BST on 31 March
      ['4', 'smets2', 'csp-north', '2026-03', 1], // the other shard's no-WAN incident
      ['5', 'smets1', 'dco', '2026-02', 1],
      ['5', 'smets1', 'dco', '2026-03', 1],
    ]);
  });

  it('reports as of an earlier time without what came after', () => {
    const early = new MetricTable().merge(family.report(iso('2026-03-31T12:00:00Z')));
    expect(early.get(M.CLOSED, l('4', 'smets1', 'smets1-sp', '2026-04'))).toBe(0);
    expect(early.get(M.OPEN_AT_MONTH_END, l('5', 'smets1', 'dco', '2026-03'))).toBe(0);
    expect(early.get(M.OPEN_AT_MONTH_END, l('5', 'smets1', 'dco', '2026-02'))).toBe(1);
    expect(early.get(M.RAISED, l('3', 'smets2', 'dsp', '2026-04'))).toBe(0);
  });
});

/*
 * MP122B §2, CPM5: "Calculation number of Category 3, 4 and 5 Incidents for which the DCC is
 * responsible for resolving, closed within the month that meet the Target Resolution Period
 * divided by number of Category 3, 4 and 5 Incidents for which the DCC is responsible for
 * resolving closed within the month." MP122B §7 (CR1420): "statistics identifying the number of
 * Incidents per Category, the number that met the Target Initial Response Time and the number
 * that met the Target Resolution Time". Incidents are counted, not closures.
 */
describe('incident metrics: once per incident, and the Target Initial Response Time (CR1420)', () => {
  // Category 4 (5 WD to resolve, 8 h to respond by default), all CSP Central, SMETS2.
  const c4 = (kind: number, id: number, at: string): Ev => inc(kind, id, 4, N.CSP_CENTRAL, R.CSP_CENTRAL, at, 900 + id);
  const evs: Ev[] = [
    // P: raised Mon 2 March 09:00Z, responded 2 h later, closed Tue, re-opened Wed, closed Thu:
    // all inside its 5 WD (Mon 9 March 09:00Z).
    c4(K.INCIDENT_RAISED, 1, '2026-03-02T09:00:00Z'),
    c4(K.INCIDENT_RESPONDED, 1, '2026-03-02T11:00:00Z'),
    c4(K.INCIDENT_CLOSED, 1, '2026-03-03T09:00:00Z'),
    c4(K.INCIDENT_REOPENED, 1, '2026-03-04T09:00:00Z'),
    c4(K.INCIDENT_CLOSED, 1, '2026-03-05T09:00:00Z'),
    // Q: raised Mon 2 March 10:00Z, responded exactly at its 8 h (18:00Z: within), closed Wed
    // 11 March: after its 5 WD (Mon 9 March 10:00Z).
    c4(K.INCIDENT_RAISED, 2, '2026-03-02T10:00:00Z'),
    c4(K.INCIDENT_RESPONDED, 2, '2026-03-02T18:00:00Z'),
    c4(K.INCIDENT_CLOSED, 2, '2026-03-11T10:00:00Z'),
    // S: raised Fri 27 March 10:00Z, responded 8 h + 1 ms later (late), closed Mon 30 March
    // (within), re-opened Thu 2 April, still open at the as-of time.
    c4(K.INCIDENT_RAISED, 3, '2026-03-27T10:00:00Z'),
    { ...c4(K.INCIDENT_RESPONDED, 3, '2026-03-27T18:00:00Z'), at: iso('2026-03-27T18:00:00Z') + 1 },
    c4(K.INCIDENT_CLOSED, 3, '2026-03-30T10:00:00Z'),
    c4(K.INCIDENT_REOPENED, 3, '2026-04-02T10:00:00Z'),
  ];
  const report = (asOf: string): MetricTable => {
    const f = createIncidentMetrics();
    f.apply(batchOf(sorted(evs)));
    return new MetricTable().merge(f.report(iso(asOf)));
  };
  const march = { category: '4', smets: 'smets2', resolver: 'csp-central', month: '2026-03' };
  const april = { ...march, month: '2026-04' };

  it('counts a re-closed incident once, and a re-opened one not at all while it is open', () => {
    const t = report('2026-04-10T00:00:00Z');
    // closed within the month: P and Q (March); S is open again, so it is not closed anywhere.
    expect(t.get(M.CLOSED, march)).toBe(2);
    expect(t.get(M.CLOSED, april)).toBe(0);
    // meet the Target Resolution Period: P only (Q was late).
    expect(t.get(M.CLOSED_WITHIN_TARGET, march)).toBe(1);
    expect(t.get(M.REOPENED, march)).toBe(1);
    expect(t.get(M.REOPENED, april)).toBe(1);
  });

  it('reports an incident as closed in a month until it is re-opened', () => {
    // As of 1 April, S's closure on 30 March stands: closed within target in March.
    const t = report('2026-04-01T00:00:00Z');
    expect(t.get(M.CLOSED, march)).toBe(3);
    expect(t.get(M.CLOSED_WITHIN_TARGET, march)).toBe(2);
  });

  it('counts initial responses against the Target Initial Response Time, exactly at the target being within', () => {
    const t = report('2026-04-10T00:00:00Z');
    // the number that met the Target Initial Response Time: P (2 h) and Q (exactly 8 h), not S.
    expect(t.get(M.RESPONDED, march)).toBe(3);
    expect(t.get(M.RESPONDED_WITHIN_TARGET, march)).toBe(2);
  });
});
