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
