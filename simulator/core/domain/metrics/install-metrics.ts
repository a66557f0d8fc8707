import { ukDate } from '../../time.js';
import type { EventBatchView } from '../event-batch.js';
import { EventKind, INCIDENT_NO_SM_WAN, NETWORK_LABELS, Outcome, Srv } from '../vocabulary.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';

/** Metric ids of R2, Install & Commission vs Install & Leave (docs/metrics.md). */
export const InstallMetric = {
  /** CH installs with SM WAN (8.14.1 received), by {region, day}. */
  INSTALL_AND_COMMISSION: 'install.installAndCommission',
  /** CH installs without SM WAN (8.14.2 received), by {region, day}. */
  INSTALL_AND_LEAVE: 'install.installAndLeave',
  /** Install & Leave validated with CSP no-WAN Incidents (CR1429): CHs with an 8.14.2 or a no-WAN Incident. */
  INSTALL_AND_LEAVE_VALIDATED: 'install.installAndLeaveValidated',
  /** No-WAN Incidents raised, by {region, day}. */
  NO_WAN_INCIDENT: 'install.noWanIncident',
  /** CHs commissioned with neither an 8.14.1 nor an 8.14.2 (observed) / installs reported with neither (truth), by {region}. */
  UNREPORTED: 'install.unreported',
  /** Install & Leave CHs connected to the SM WAN within 90 days of install, by {region}. */
  CONNECTED_WITHIN_90_DAYS: 'install.connectedWithin90Days',
  /** Install & Leave CHs connected more than 90 days after install, by {region}. */
  CONNECTED_AFTER_90_DAYS: 'install.connectedAfter90Days',
  /** Install & Leave CHs not yet connected and still inside the 90-day window, by {region}. */
  AWAITING_WAN: 'install.awaitingWan',
  /** Install & Leave CHs not connected and past the 90-day window, by {region}. */
  NOT_CONNECTED_AFTER_90_DAYS: 'install.notConnectedAfter90Days',
  /** 8.14.3 Fault Returns, by {region, day}. */
  FAULT_RETURN: 'install.faultReturn',
  /** 8.14.4 No Fault Returns, by {region, day}. */
  NO_FAULT_RETURN: 'install.noFaultReturn',
} as const;

/** The codes this family reads (SRVs and the incident type); every other code is skipped. */
const INSTALL_CODES: ReadonlySet<string> = new Set([
  Srv.CH_INSTALL_SUCCESS,
  Srv.CH_INSTALL_NO_SM_WAN,
  Srv.CH_FAULT_RETURN,
  Srv.CH_NO_FAULT_RETURN,
  Srv.COMMISSION_DEVICE,
  INCIDENT_NO_SM_WAN,
]);

/** The investigation window for CHs installed without SM WAN (MP122B R2; PMM PM1.2): 90 days. */
export const INSTALL_WINDOW_MS = 90 * 24 * 3600 * 1000;

interface ChState {
  network: number;
  reported: boolean;
  /** First 8.14.2 or no-WAN Incident: when the CH became known as Install & Leave. */
  leaveAt: number;
  connectedAt: number;
  countedUnreported: boolean;
}

/**
 * R2 from observed traffic. A CH counts once per category however many 8.14.x it gets; a CH is
 * "connected" at the first successful 8.1.1 Commission Device of a device behind it (the
 * inventory says which CH a device sits behind).
 */
export function createInstallMetrics(): MetricFamily {
  const counts = new MetricTable();
  const chs = new Map<number, ChState>();
  const chOf = new Map<number, number>();
  let relevant = new Uint8Array(64);

  const ch = (device: number, network: number): ChState => {
    let s = chs.get(device);
    if (s === undefined) {
      s = { network, reported: false, leaveAt: Number.NaN, connectedAt: Number.NaN, countedUnreported: false };
      chs.set(device, s);
    }
    return s;
  };

  return {
    apply(b: EventBatchView) {
      // Which of the batch's codes matter here, looked up once per batch: most events are other
      // processes' traffic and are skipped on one array read.
      const dict = b.dictionary;
      if (relevant.length < dict.length) relevant = new Uint8Array(dict.length * 2);
      for (let d = 0; d < dict.length; d++) relevant[d] = INSTALL_CODES.has(dict[d] as string) ? 1 : 0;
      const n = b.eventCount;
      for (let i = 0; i < n; i++) {
        const kind = b.kind[i] as number;
        if (kind !== EventKind.INVENTORY && relevant[b.code[i] as number] === 0) continue;
        const time = b.baseTimeMs + (b.timeDeltaMs[i] as number);
        const device = b.device[i] as number;
        const network = b.network[i] as number;
        if (kind === EventKind.SERVICE_REQUEST) {
          const srv = b.dictionary[b.code[i] as number];
          if (srv === Srv.CH_INSTALL_SUCCESS || srv === Srv.CH_INSTALL_NO_SM_WAN) {
            const s = ch(device, network);
            const firstReport = !s.reported;
            s.reported = true;
            const labels = { region: NETWORK_LABELS[network] as string, day: ukDate(time) };
            if (srv === Srv.CH_INSTALL_SUCCESS) {
              if (firstReport) counts.add(InstallMetric.INSTALL_AND_COMMISSION, labels);
            } else {
              if (firstReport) counts.add(InstallMetric.INSTALL_AND_LEAVE, labels);
              markLeave(s, time, labels);
            }
          } else if (srv === Srv.CH_FAULT_RETURN) {
            counts.add(InstallMetric.FAULT_RETURN, { region: NETWORK_LABELS[network] as string, day: ukDate(time) });
          } else if (srv === Srv.CH_NO_FAULT_RETURN) {
            counts.add(InstallMetric.NO_FAULT_RETURN, { region: NETWORK_LABELS[network] as string, day: ukDate(time) });
          }
        } else if (kind === EventKind.SERVICE_RESPONSE) {
          if ((b.outcome[i] as number) !== Outcome.SUCCESS) continue;
          if (b.dictionary[b.code[i] as number] !== Srv.COMMISSION_DEVICE) continue;
          const chDevice = chOf.get(device);
          if (chDevice === undefined) continue;
          const s = ch(chDevice, network);
          if (!Number.isNaN(s.connectedAt)) continue;
          s.connectedAt = time;
          if (!s.reported && !s.countedUnreported) {
            s.countedUnreported = true;
            counts.add(InstallMetric.UNREPORTED, { region: NETWORK_LABELS[s.network] as string });
          }
        } else if (kind === EventKind.INCIDENT_RAISED) {
          if (b.dictionary[b.code[i] as number] !== INCIDENT_NO_SM_WAN || device === 0) continue;
          const labels = { region: NETWORK_LABELS[network] as string, day: ukDate(time) };
          counts.add(InstallMetric.NO_WAN_INCIDENT, labels);
          markLeave(ch(device, network), time, labels);
        } else if (kind === EventKind.INVENTORY) {
          const parent = b.ref[i] as number;
          if (parent !== 0) chOf.set(device, parent);
        }
      }
    },
    report(asOfMs: number): MetricSample[] {
      const out = new MetricTable().merge(counts.samples());
      for (const s of chs.values()) {
        if (Number.isNaN(s.leaveAt) || s.leaveAt > asOfMs) continue;
        const connectedAt = Number.isNaN(s.connectedAt) ? Number.POSITIVE_INFINITY : s.connectedAt;
        out.add(windowCategory(s.leaveAt, connectedAt, asOfMs), { region: NETWORK_LABELS[s.network] as string });
      }
      return out.samples();
    },
  };

  function markLeave(s: ChState, time: number, labels: { region: string; day: string }): void {
    if (!Number.isNaN(s.leaveAt)) return;
    s.leaveAt = time;
    counts.add(InstallMetric.INSTALL_AND_LEAVE_VALIDATED, labels);
  }
}

/** The 90-day category of an Install & Leave CH (boundaries inclusive: exactly 90 days is within). */
export function windowCategory(leaveAt: number, connectedAt: number, asOfMs: number): string {
  if (connectedAt <= asOfMs) {
    return connectedAt - leaveAt <= INSTALL_WINDOW_MS ? InstallMetric.CONNECTED_WITHIN_90_DAYS : InstallMetric.CONNECTED_AFTER_90_DAYS;
  }
  return asOfMs - leaveAt <= INSTALL_WINDOW_MS ? InstallMetric.AWAITING_WAN : InstallMetric.NOT_CONNECTED_AFTER_90_DAYS;
}
