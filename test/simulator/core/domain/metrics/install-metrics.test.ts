import { describe, expect, it } from 'vitest';
import {
  createInstallMetrics,
  InstallMetric as M,
  INSTALL_WINDOW_MS,
  windowCategory,
} from '../../../../../simulator/core/domain/metrics/install-metrics.js';
import { MetricTable } from '../../../../../simulator/core/domain/metrics/metric-table.js';
import {
  DeviceType as D,
  EventKind as K,
  INCIDENT_NO_SM_WAN,
  Network as N,
  Outcome as O,
} from '../../../../../simulator/core/domain/vocabulary.js';
import { batchOf, iso } from '../../../../helpers/events.js';

const DAY = 86_400_000;

// Hand-built estate: CH numbers 100.., their ESMEs 200..
const A = 100; // North, 8.14.1 (sent twice)
const B = 101; // Central, 8.14.2, connected exactly 90 days later
const C = 102; // South, 8.14.2, connected 90 days + 1 ms later
const Dch = 103; // North, no 8.14.2, only a no-WAN incident; never connected
const E = 104; // Central, neither 8.14.1 nor 8.14.2; commissioning fails once, then succeeds
const tB = iso('2026-03-02T11:00:00Z');
const tC = iso('2026-03-02T12:00:00Z');
const tD = iso('2026-03-03T09:00:00Z');

function events() {
  const inv = (device: number, type: number, network: number, ref: number, at: string) => ({
    kind: K.INVENTORY,
    at,
    device,
    deviceType: type,
    network,
    ref,
    code: 'SMETS2',
  });
  const req = (srv: string, device: number, network: number, at: string | number) => ({
    kind: K.SERVICE_REQUEST,
    at,
    code: srv,
    device,
    deviceType: D.CH,
    network,
    requestId: device,
  });
  let id = 1000;
  // A critical 8.1.1 (docs/domain.md §1.3): the Transform request and its response (ref 0, the
  // DSP's alone: never a connection), then the Signed Pre-Command (ref = the Transform), whose
  // successful response means the device was commissioned over the SM WAN.
  const commission = (device: number, network: number, at: number, outcome: number) => {
    const transform = ++id;
    const signed = ++id;
    const common = { code: '8.1.1', device, deviceType: D.ESME, network };
    return [
      { kind: K.SERVICE_REQUEST, at: at - 10_000, requestId: transform, ref: 0, ...common },
      { kind: K.SERVICE_RESPONSE, at: at - 9_000, requestId: transform, outcome: O.SUCCESS, ...common },
      { kind: K.SERVICE_REQUEST, at: at - 4_000, requestId: signed, ref: transform, ...common },
      { kind: K.SERVICE_RESPONSE, at, requestId: signed, outcome, ...common },
    ];
  };
  return [
    inv(A, D.CH, N.CSP_NORTH, 0, '2026-03-02T09:00:00Z'),
    inv(200, D.ESME, N.CSP_NORTH, A, '2026-03-02T09:00:00Z'),
    inv(201, D.ESME, N.CSP_CENTRAL, B, '2026-03-02T09:00:00Z'),
    inv(202, D.ESME, N.CSP_SOUTH, C, '2026-03-02T09:00:00Z'),
    inv(204, D.ESME, N.CSP_CENTRAL, E, '2026-03-02T09:00:00Z'),
    req('8.14.1', A, N.CSP_NORTH, '2026-03-02T10:00:00Z'),
    req('8.14.1', A, N.CSP_NORTH, '2026-03-02T10:05:00Z'),
    ...commission(200, N.CSP_NORTH, iso('2026-03-02T10:30:00Z'), O.SUCCESS),
    req('8.14.2', B, N.CSP_CENTRAL, tB),
    req('8.14.2', C, N.CSP_SOUTH, tC),
    req('8.14.3', 105, N.CSP_SOUTH, '2026-03-02T13:00:00Z'),
    req('8.14.4', 106, N.CSP_SOUTH, '2026-03-03T13:00:00Z'),
    {
      kind: K.INCIDENT_RAISED,
      at: tD,
      code: INCIDENT_NO_SM_WAN,
      device: Dch,
      deviceType: D.CH,
      network: N.CSP_NORTH,
      value: 4,
      requestId: 7,
    },
    ...commission(204, N.CSP_CENTRAL, iso('2026-03-04T10:00:00Z'), O.FAILURE),
    ...commission(204, N.CSP_CENTRAL, iso('2026-03-04T10:20:00Z'), O.SUCCESS),
    ...commission(204, N.CSP_CENTRAL, iso('2026-03-04T10:40:00Z'), O.SUCCESS),
    ...commission(201, N.CSP_CENTRAL, tB + INSTALL_WINDOW_MS, O.SUCCESS),
    ...commission(202, N.CSP_SOUTH, tC + INSTALL_WINDOW_MS + 1, O.SUCCESS),
  ].sort((x, y) => (typeof x.at === 'number' ? x.at : iso(x.at)) - (typeof y.at === 'number' ? y.at : iso(y.at)));
}

function reportAt(asOf: number): MetricTable {
  const family = createInstallMetrics();
  family.apply(batchOf(events()));
  return new MetricTable().merge(family.report(asOf));
}

describe('install metrics (R2) on a hand-built event set', () => {
  const asOf = tD + INSTALL_WINDOW_MS; // D is exactly 90 days old: still inside the window
  const t = reportAt(asOf);

  it('counts each CH once per category, by region and UK day', () => {
    // A sent 8.14.1 twice: one install.
    expect(t.get(M.INSTALL_AND_COMMISSION, { region: 'north', day: '2026-03-02' })).toBe(1);
    expect(t.get(M.INSTALL_AND_LEAVE, { region: 'central', day: '2026-03-02' })).toBe(1);
    expect(t.get(M.INSTALL_AND_LEAVE, { region: 'south', day: '2026-03-02' })).toBe(1);
    expect(t.get(M.INSTALL_AND_LEAVE, { region: 'north', day: '2026-03-03' })).toBe(0);
    expect(t.get(M.FAULT_RETURN, { region: 'south', day: '2026-03-02' })).toBe(1);
    expect(t.get(M.NO_FAULT_RETURN, { region: 'south', day: '2026-03-03' })).toBe(1);
  });

  it('validates Install & Leave with no-WAN incidents (CR1429)', () => {
    expect(t.get(M.NO_WAN_INCIDENT, { region: 'north', day: '2026-03-03' })).toBe(1);
    // B and C by 8.14.2, D by its incident alone.
    expect(t.get(M.INSTALL_AND_LEAVE_VALIDATED, { region: 'central', day: '2026-03-02' })).toBe(1);
    expect(t.get(M.INSTALL_AND_LEAVE_VALIDATED, { region: 'south', day: '2026-03-02' })).toBe(1);
    expect(t.get(M.INSTALL_AND_LEAVE_VALIDATED, { region: 'north', day: '2026-03-03' })).toBe(1);
  });

  it('counts a CH commissioned without any 8.14.1/8.14.2 once, at its first successful 8.1.1', () => {
    expect(t.get(M.UNREPORTED, { region: 'central' })).toBe(1);
    expect(t.get(M.UNREPORTED, { region: 'north' })).toBe(0);
  });

  it('puts the 90-day window boundaries where they belong', () => {
    expect(t.get(M.CONNECTED_WITHIN_90_DAYS, { region: 'central' })).toBe(1); // exactly 90 days
    expect(t.get(M.CONNECTED_AFTER_90_DAYS, { region: 'south' })).toBe(1); // 90 days + 1 ms
    expect(t.get(M.AWAITING_WAN, { region: 'north' })).toBe(1); // D at exactly 90 days
    expect(t.get(M.NOT_CONNECTED_AFTER_90_DAYS, { region: 'north' })).toBe(0);
    const later = reportAt(asOf + 1);
    expect(later.get(M.AWAITING_WAN, { region: 'north' })).toBe(0);
    expect(later.get(M.NOT_CONNECTED_AFTER_90_DAYS, { region: 'north' })).toBe(1);
  });

  it('does not count a connection that happens after the as-of time', () => {
    const early = reportAt(tB + INSTALL_WINDOW_MS - 1);
    expect(early.get(M.CONNECTED_WITHIN_90_DAYS, { region: 'central' })).toBe(0);
    expect(early.get(M.AWAITING_WAN, { region: 'central' })).toBe(1);
  });
});

/*
 * MP122B §7, "Reporting Install and Leave": "The DCC was asked to measure the daily total volume of
 * Install and Commission versus Install and Leave. The reporting is to include a category for any
 * Communications Hubs awaiting a decision that are still within the 90-day investigation period"
 * and, since "many Suppliers either don't send an SRV 8.14.1 or 8.14.2, or where this no WAN, they
 * raise an Incident rather than send SRV 8.14.2", CR1429 lets the DCC "report the total number of
 * installations against no WAN installations". A month's PMR sees each CH's category as of that
 * month's end, not as of the end of the run.
 */
describe('the 8.14.2 Indicator over time (install.installations, install.leaveCategoryAtMonthEnd)', () => {
  const asOf = tD + INSTALL_WINDOW_MS; // 1 June 09:00Z: March, April and May have ended
  const t = reportAt(asOf);
  const at = (region: string, month: string, category: string): number => t.get(M.LEAVE_CATEGORY_AT_MONTH_END, { region, month, category });

  it('counts installations known from an 8.14.1, an 8.14.2 or a no-WAN Incident, once each', () => {
    expect(t.get(M.INSTALLATIONS, { region: 'north', day: '2026-03-02' })).toBe(1); // A (8.14.1 twice)
    expect(t.get(M.INSTALLATIONS, { region: 'central', day: '2026-03-02' })).toBe(1); // B; E sent nothing
    expect(t.get(M.INSTALLATIONS, { region: 'south', day: '2026-03-02' })).toBe(1); // C
    expect(t.get(M.INSTALLATIONS, { region: 'north', day: '2026-03-03' })).toBe(1); // D, by its incident
  });

  it('puts each Install & Leave CH in its category as of each month end', () => {
    // B (Central): awaiting a decision at the end of March and April; connected exactly 90 days
    // after its 8.14.2, on 31 May 11:00Z, before May ends (31 May 23:00Z): connected within 90 days.
    expect([at('central', '2026-03', 'awaitingDecision'), at('central', '2026-04', 'awaitingDecision')]).toEqual([1, 1]);
    expect(at('central', '2026-05', 'connectedWithin90Days')).toBe(1);
    // C (South): connected 90 days + 1 ms after: connected after 90 days at the end of May.
    expect(at('south', '2026-04', 'awaitingDecision')).toBe(1);
    expect(at('south', '2026-05', 'connectedAfter90Days')).toBe(1);
    // D (North, no-WAN Incident on 3 March 09:00Z): 89 days 14 h old at the end of May: still awaiting.
    expect(at('north', '2026-05', 'awaitingDecision')).toBe(1);
    expect(at('north', '2026-05', 'notConnectedAfter90Days')).toBe(0);
    // June has not ended: no month-end figure for it.
    expect(t.samples().filter((s) => s.id === M.LEAVE_CATEGORY_AT_MONTH_END && s.labels.month === '2026-06')).toEqual([]);
  });

  it('keeps a past month-end figure when a later as-of time has changed the CH since', () => {
    const later = reportAt(iso('2026-07-01T00:00:00Z')); // June has ended too
    expect(later.get(M.LEAVE_CATEGORY_AT_MONTH_END, { region: 'north', month: '2026-05', category: 'awaitingDecision' })).toBe(1);
    expect(later.get(M.LEAVE_CATEGORY_AT_MONTH_END, { region: 'north', month: '2026-06', category: 'notConnectedAfter90Days' })).toBe(1);
  });
});

describe('windowCategory', () => {
  const t0 = iso('2026-01-01T00:00:00Z');
  it.each([
    [t0 + 90 * DAY, t0 + 200 * DAY, M.CONNECTED_WITHIN_90_DAYS],
    [t0 + 90 * DAY + 1, t0 + 200 * DAY, M.CONNECTED_AFTER_90_DAYS],
    [Number.POSITIVE_INFINITY, t0 + 90 * DAY, M.AWAITING_WAN],
    [Number.POSITIVE_INFINITY, t0 + 90 * DAY + 1, M.NOT_CONNECTED_AFTER_90_DAYS],
    [t0 + 10 * DAY, t0 + 10 * DAY - 1, M.AWAITING_WAN],
  ])('connected %d, as of %d → %s', (connected, asOf, category) => {
    expect(windowCategory(t0, connected, asOf)).toBe(category);
  });
});
