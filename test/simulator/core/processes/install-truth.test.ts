import { describe, expect, it } from 'vitest';
import { createInstallMetrics, InstallMetric as M, INSTALL_WINDOW_MS } from '../../../../simulator/core/domain/metrics/install-metrics.js';
import { MetricTable } from '../../../../simulator/core/domain/metrics/metric-table.js';
import {
  DeviceType as D,
  EventKind as K,
  INCIDENT_NO_SM_WAN,
  Network as N,
  Outcome as O,
} from '../../../../simulator/core/domain/vocabulary.js';
import { InstallTruth, installTruthOf } from '../../../../simulator/core/processes/install-truth.js';
import { batchOf, iso } from '../../../helpers/events.js';

type Ev = Parameters<typeof batchOf>[0][number];

/** One install as the truth records it; the traffic below reports it without loss or delay. */
interface Install {
  network: number;
  installAt: number;
  withWan: boolean;
  /** Infinity: never. */
  wanAt: number;
  reported: boolean;
  incidentAt?: number;
  faultAt?: number;
  noFaultAt?: number;
}

function truthOf(installs: readonly Install[]): InstallTruth {
  const t = new InstallTruth();
  installs.forEach((x, i) => {
    t.premises.push(i);
    t.network.push(x.network);
    t.installAt.push(x.installAt);
    t.wanAt.push(x.wanAt);
    t.wanAtInstall.push(x.withWan);
    t.reported.push(x.reported);
    t.incidentAt.push(x.incidentAt ?? Number.NaN);
    t.faultReturnAt.push(x.faultAt ?? Number.NaN);
    t.noFaultReturnAt.push(x.noFaultAt ?? Number.NaN);
  });
  return t;
}

/** CH i is device 100 + i, its ESME 200 + i; returned CHs 300 + i (faulty) and 400 + i (spare). */
function eventsOf(installs: readonly Install[]): Ev[] {
  const events: Ev[] = [];
  const req = (code: string, device: number, network: number, at: number): Ev => ({
    kind: K.SERVICE_REQUEST,
    at,
    code,
    device,
    deviceType: D.CH,
    network,
    requestId: device,
  });
  installs.forEach((x, i) => {
    const ch = 100 + i;
    const net = x.network;
    events.push({ kind: K.INVENTORY, at: x.installAt, device: ch, deviceType: D.CH, network: net, ref: 0, code: 'SMETS2' });
    events.push({ kind: K.INVENTORY, at: x.installAt, device: 200 + i, deviceType: D.ESME, network: net, ref: ch, code: 'SMETS2' });
    if (x.reported) events.push(req(x.withWan ? '8.14.1' : '8.14.2', ch, net, x.installAt));
    if (x.faultAt !== undefined) events.push(req('8.14.3', 300 + i, net, x.faultAt));
    if (x.noFaultAt !== undefined) events.push(req('8.14.4', 400 + i, net, x.noFaultAt));
    if (x.incidentAt !== undefined)
      events.push({
        kind: K.INCIDENT_RAISED,
        at: x.incidentAt,
        code: INCIDENT_NO_SM_WAN,
        device: ch,
        deviceType: D.CH,
        network: net,
        value: 4,
        requestId: 900 + i,
      });
    if (Number.isFinite(x.wanAt))
      events.push(
        // The Signed Pre-Command of the critical 8.1.1 (ref = its Transform request), then its response.
        {
          kind: K.SERVICE_REQUEST,
          at: x.wanAt - 4000,
          code: '8.1.1',
          device: 200 + i,
          deviceType: D.ESME,
          network: net,
          requestId: 500 + i,
          ref: 600 + i,
        },
        {
          kind: K.SERVICE_RESPONSE,
          at: x.wanAt,
          code: '8.1.1',
          device: 200 + i,
          deviceType: D.ESME,
          network: net,
          requestId: 500 + i,
          outcome: O.SUCCESS,
        },
      );
  });
  return events.sort((a, b) => (a.at as number) - (b.at as number));
}

const truthAt = (installs: readonly Install[], asOf: number): MetricTable => {
  const out = new MetricTable();
  installTruthOf(truthOf(installs), asOf).report(out, asOf);
  return out;
};

const observedAt = (installs: readonly Install[], asOf: number): MetricTable => {
  const family = createInstallMetrics();
  family.apply(batchOf(eventsOf(installs)));
  return new MetricTable().merge(family.report(asOf));
};

const t1 = iso('2026-03-02T11:00:00Z');
const t2 = iso('2026-03-02T12:00:00Z');
const t3 = iso('2026-03-03T09:00:00Z');
const reported: Install[] = [
  { network: N.CSP_NORTH, installAt: iso('2026-03-02T10:00:00Z'), withWan: true, wanAt: iso('2026-03-02T10:30:00Z'), reported: true },
  { network: N.CSP_CENTRAL, installAt: t1, withWan: false, wanAt: t1 + INSTALL_WINDOW_MS, reported: true }, // exactly 90 days
  { network: N.CSP_SOUTH, installAt: t2, withWan: false, wanAt: t2 + INSTALL_WINDOW_MS + 1, reported: true, incidentAt: t2 + 3_600_000 },
  { network: N.CSP_NORTH, installAt: t3, withWan: false, wanAt: Number.POSITIVE_INFINITY, reported: true }, // never connected
  {
    network: N.CSP_SOUTH,
    installAt: iso('2026-03-02T13:00:00Z'),
    withWan: true,
    wanAt: iso('2026-03-02T13:30:00Z'),
    reported: true,
    faultAt: iso('2026-03-02T12:50:00Z'),
    noFaultAt: iso('2026-03-02T13:05:00Z'),
  },
];
const asOf = t3 + INSTALL_WINDOW_MS; // the last install exactly 90 days old: still inside the window

describe('install truth and the install family share one accumulator', () => {
  it('gives the same figures from what the CHs went through as from traffic that reports it all', () => {
    const truth = truthAt(reported, asOf);
    expect(truth.samples()).toEqual(observedAt(reported, asOf).samples());
    expect(truth.get(M.INSTALL_AND_COMMISSION, { region: 'north', day: '2026-03-02' })).toBe(1);
    expect(truth.get(M.INSTALL_AND_COMMISSION, { region: 'south', day: '2026-03-02' })).toBe(1);
    expect(truth.get(M.INSTALL_AND_LEAVE, { region: 'north', day: '2026-03-03' })).toBe(1);
    expect(truth.get(M.INSTALL_AND_LEAVE_VALIDATED, { region: 'south', day: '2026-03-02' })).toBe(1); // not again for its incident
    expect(truth.get(M.NO_WAN_INCIDENT, { region: 'south', day: '2026-03-02' })).toBe(1);
    expect(truth.get(M.CONNECTED_WITHIN_90_DAYS, { region: 'central' })).toBe(1);
    expect(truth.get(M.CONNECTED_AFTER_90_DAYS, { region: 'south' })).toBe(1);
    expect(truth.get(M.AWAITING_WAN, { region: 'north' })).toBe(1);
    expect(truth.get(M.FAULT_RETURN, { region: 'south', day: '2026-03-02' })).toBe(1);
    expect(truth.get(M.NO_FAULT_RETURN, { region: 'south', day: '2026-03-02' })).toBe(1);
    // + 4 installation rows and 9 month-end category rows (3 Install & Leave CHs × March, April, May).
    expect(truth.size).toBe(27);
  });

  it('counts only what happened by the as-of time in truth', () => {
    const early = truthAt(reported, t1 + INSTALL_WINDOW_MS - 1);
    expect(early.get(M.CONNECTED_WITHIN_90_DAYS, { region: 'central' })).toBe(0);
    expect(early.get(M.AWAITING_WAN, { region: 'central' })).toBe(1);
    const first = truthAt(reported, iso('2026-03-02T12:55:00Z'));
    expect(first.get(M.INSTALL_AND_LEAVE, { region: 'south', day: '2026-03-02' })).toBe(1);
    expect(first.get(M.NO_WAN_INCIDENT, { region: 'south', day: '2026-03-02' })).toBe(0);
    expect(first.get(M.FAULT_RETURN, { region: 'south', day: '2026-03-02' })).toBe(1);
    expect(first.get(M.INSTALL_AND_COMMISSION, { region: 'south', day: '2026-03-02' })).toBe(0);
  });

  it('knows every unreported install in truth, but sees only those commissioned in traffic', () => {
    const unreported: Install[] = [
      { network: N.CSP_CENTRAL, installAt: t1, withWan: false, wanAt: Number.POSITIVE_INFINITY, reported: false },
      { network: N.CSP_NORTH, installAt: t2, withWan: true, wanAt: t2 + 1_800_000, reported: false },
    ];
    const truth = truthAt(unreported, asOf);
    expect(truth.get(M.UNREPORTED, { region: 'central' })).toBe(1);
    expect(truth.get(M.UNREPORTED, { region: 'north' })).toBe(1);
    expect(truth.get(M.INSTALL_AND_LEAVE, { region: 'central', day: '2026-03-02' })).toBe(1);
    expect(truth.get(M.NOT_CONNECTED_AFTER_90_DAYS, { region: 'central' })).toBe(1);
    expect(truth.get(M.INSTALL_AND_COMMISSION, { region: 'north', day: '2026-03-02' })).toBe(1);
    const observed = observedAt(unreported, asOf);
    expect(observed.samples()).toEqual([{ id: M.UNREPORTED, labels: { region: 'north' }, value: 1 }]);
  });
});
