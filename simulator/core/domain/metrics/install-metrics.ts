import { monthEndMs, nextMonth } from '../../calendar/working-days.js';
import { ukDate, ukMonth } from '../../time.js';
import type { EventBatchView } from '../event-batch.js';
import { EventKind, INCIDENT_NO_SM_WAN, NETWORK_LABELS, Outcome, Srv } from '../vocabulary.js';
import type { Accumulator } from './accumulator.js';
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
  /**
   * Installations known to the DCC, by {region, day}: CHs with an 8.14.1, an 8.14.2 or a no-WAN
   * Incident, once each at the first (MP122B §7: "report the total number of installations against
   * no WAN installations"); truth: every CH installed.
   */
  INSTALLATIONS: 'install.installations',
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
  /**
   * Install & Leave CHs by their 90-day category as of each month end that has passed, by
   * {region, month, category: awaitingDecision | connectedWithin90Days | connectedAfter90Days |
   * notConnectedAfter90Days}: the category "for any Communications Hubs awaiting a decision that
   * are still within the 90-day investigation period" over time (MP122B §7).
   */
  LEAVE_CATEGORY_AT_MONTH_END: 'install.leaveCategoryAtMonthEnd',
  /** 8.14.3 Fault Returns, by {region, day}. */
  FAULT_RETURN: 'install.faultReturn',
  /** 8.14.4 No Fault Returns, by {region, day}. */
  NO_FAULT_RETURN: 'install.noFaultReturn',
} as const;

/** The investigation window for CHs installed without SM WAN (MP122B R2; PMM PM1.2): 90 days. */
export const INSTALL_WINDOW_MS = 90 * 24 * 3600 * 1000;

/** What the install accumulator is told about a CH: truth and observed traffic each in their own terms. */
export const InstallFact = {
  /** Installed with SM WAN. Observed: an 8.14.1; truth: the CH had SM WAN at install. */
  WITH_WAN: 0,
  /** Installed without SM WAN (Install & Leave). Observed: an 8.14.2; truth: no SM WAN at install. */
  WITHOUT_WAN: 1,
  /** A no-WAN Incident raised for the CH (CR1429). */
  NO_WAN_INCIDENT: 2,
  /** The CH reached the SM WAN. Observed: a successful 8.1.1 of a device behind it. */
  CONNECTED: 3,
  /**
   * Installed, and reported with neither 8.14.1 nor 8.14.2. Truth only: observed traffic cannot
   * see it directly, so the accumulator infers it from a CONNECTED before any WITH_/WITHOUT_WAN.
   */
  UNREPORTED: 4,
  /** An 8.14.3 Fault Return. */
  FAULT_RETURN: 5,
  /** An 8.14.4 No Fault Return. */
  NO_FAULT_RETURN: 6,
} as const;
export type InstallFact = (typeof InstallFact)[keyof typeof InstallFact];

/**
 * The R2 counting rules, shared by the install process's truth and the metric family, so the two
 * can only differ in what they were told:
 * - a CH counts once per category however many facts of a kind it gets: Install & Commission or
 *   Install & Leave at its first WITH_WAN or WITHOUT_WAN, whichever comes first;
 * - it is Install & Leave validated (CR1429) from its first WITHOUT_WAN or NO_WAN_INCIDENT, and
 *   placed in a 90-day category from then on, decided at report time (windowCategory);
 * - it is connected at its first CONNECTED, and unreported if no WITH_/WITHOUT_WAN came before;
 * - returns and no-WAN Incidents count one each.
 * `ch` names a CH within one accumulator: its device number (observed) or install index (truth).
 */
export class InstallCounts implements Accumulator {
  private readonly counts = new MetricTable();
  private readonly index = new Map<number, number>();
  /** Per CH, by index: its network as first seen. */
  private readonly network: number[] = [];
  /** A WITH_WAN or WITHOUT_WAN seen. */
  private readonly reported: boolean[] = [];
  /** Counted in INSTALLATIONS (a WITH_WAN, WITHOUT_WAN or NO_WAN_INCIDENT seen). */
  private readonly known: boolean[] = [];
  /** When it became known as Install & Leave; NaN until then. */
  private readonly leaveAt: number[] = [];
  /** Its first connection; NaN until then. */
  private readonly connectedAt: number[] = [];

  add(fact: InstallFact, ch: number, network: number, timeMs: number): void {
    switch (fact) {
      case InstallFact.WITH_WAN:
      case InstallFact.WITHOUT_WAN: {
        const c = this.ch(ch, network);
        const first = !this.reported[c];
        this.reported[c] = true;
        const labels = dayLabels(network, timeMs);
        this.installation(c, labels);
        if (fact === InstallFact.WITH_WAN) {
          if (first) this.counts.add(InstallMetric.INSTALL_AND_COMMISSION, labels);
          return;
        }
        if (first) this.counts.add(InstallMetric.INSTALL_AND_LEAVE, labels);
        this.leave(c, timeMs, labels);
        return;
      }
      case InstallFact.NO_WAN_INCIDENT: {
        const labels = dayLabels(network, timeMs);
        this.counts.add(InstallMetric.NO_WAN_INCIDENT, labels);
        const c = this.ch(ch, network);
        this.installation(c, labels);
        this.leave(c, timeMs, labels);
        return;
      }
      case InstallFact.CONNECTED: {
        const c = this.ch(ch, network);
        if (!Number.isNaN(this.connectedAt[c] as number)) return;
        this.connectedAt[c] = timeMs;
        if (!this.reported[c]) this.counts.add(InstallMetric.UNREPORTED, { region: NETWORK_LABELS[this.network[c] as number] as string });
        return;
      }
      case InstallFact.UNREPORTED:
        this.counts.add(InstallMetric.UNREPORTED, { region: NETWORK_LABELS[network] as string });
        return;
      case InstallFact.FAULT_RETURN:
        this.counts.add(InstallMetric.FAULT_RETURN, dayLabels(network, timeMs));
        return;
      case InstallFact.NO_FAULT_RETURN:
        this.counts.add(InstallMetric.NO_FAULT_RETURN, dayLabels(network, timeMs));
        return;
    }
  }

  /** The counts, and every CH known as Install & Leave by `asOfMs` in its 90-day category then. */
  report(out: MetricTable, asOfMs: number): void {
    out.merge(this.counts.samples());
    for (let c = 0; c < this.leaveAt.length; c++) {
      const leaveAt = this.leaveAt[c] as number;
      if (Number.isNaN(leaveAt) || leaveAt > asOfMs) continue;
      const connectedAt = this.connectedAt[c] as number;
      const connected = Number.isNaN(connectedAt) ? Number.POSITIVE_INFINITY : connectedAt;
      const region = NETWORK_LABELS[this.network[c] as number] as string;
      out.add(windowCategory(leaveAt, connected, asOfMs), { region });
      // Its category as of each month end since it became Install & Leave, as the PMR of that month saw it.
      for (let month = ukMonth(leaveAt); monthEndMs(month) <= asOfMs; month = nextMonth(month)) {
        const end = monthEndMs(month);
        const category = MONTH_END_CATEGORY[windowCategory(leaveAt, connected, end)] as string;
        out.add(InstallMetric.LEAVE_CATEGORY_AT_MONTH_END, { region, month, category });
      }
    }
  }

  private installation(c: number, labels: Readonly<Record<string, string>>): void {
    if (this.known[c]) return;
    this.known[c] = true;
    this.counts.add(InstallMetric.INSTALLATIONS, labels);
  }

  private ch(key: number, network: number): number {
    let c = this.index.get(key);
    if (c === undefined) {
      c = this.network.length;
      this.index.set(key, c);
      this.network.push(network);
      this.reported.push(false);
      this.known.push(false);
      this.leaveAt.push(Number.NaN);
      this.connectedAt.push(Number.NaN);
    }
    return c;
  }

  private leave(c: number, timeMs: number, labels: Readonly<Record<string, string>>): void {
    if (!Number.isNaN(this.leaveAt[c] as number)) return;
    this.leaveAt[c] = timeMs;
    this.counts.add(InstallMetric.INSTALL_AND_LEAVE_VALIDATED, labels);
  }
}

/** The `category` label of LEAVE_CATEGORY_AT_MONTH_END for each windowCategory. */
const MONTH_END_CATEGORY: Readonly<Record<string, string>> = {
  [InstallMetric.AWAITING_WAN]: 'awaitingDecision',
  [InstallMetric.CONNECTED_WITHIN_90_DAYS]: 'connectedWithin90Days',
  [InstallMetric.CONNECTED_AFTER_90_DAYS]: 'connectedAfter90Days',
  [InstallMetric.NOT_CONNECTED_AFTER_90_DAYS]: 'notConnectedAfter90Days',
};

function dayLabels(network: number, timeMs: number): { region: string; day: string } {
  return { region: NETWORK_LABELS[network] as string, day: ukDate(timeMs) };
}

/** The fact each code this family reads stands for; every other code is skipped. */
const FACT_OF_CODE: ReadonlyMap<string, InstallFact> = new Map<string, InstallFact>([
  [Srv.CH_INSTALL_SUCCESS, InstallFact.WITH_WAN],
  [Srv.CH_INSTALL_NO_SM_WAN, InstallFact.WITHOUT_WAN],
  [Srv.CH_FAULT_RETURN, InstallFact.FAULT_RETURN],
  [Srv.CH_NO_FAULT_RETURN, InstallFact.NO_FAULT_RETURN],
  [Srv.COMMISSION_DEVICE, InstallFact.CONNECTED],
  [INCIDENT_NO_SM_WAN, InstallFact.NO_WAN_INCIDENT],
]);

/**
 * R2 from observed traffic: 8.14.x Service Requests, no-WAN Incidents raised, and successful
 * 8.1.1 Commission Device responses, credited to the CH the device sits behind (from the
 * inventory).
 */
export function createInstallMetrics(): MetricFamily {
  const counts = new InstallCounts();
  const chOf = new Map<number, number>();
  /** Signed 8.1.1 Pre-Commands in flight, "id/device": only their success commissions over the WAN. */
  const signed = new Set<string>();
  let factOf = new Int8Array(64);

  return {
    apply(b: EventBatchView) {
      // Which of the batch's codes matter here, looked up once per batch: most events are other
      // processes' traffic and are skipped on one array read.
      const dict = b.dictionary;
      if (factOf.length < dict.length) factOf = new Int8Array(dict.length * 2);
      for (let d = 0; d < dict.length; d++) factOf[d] = FACT_OF_CODE.get(dict[d] as string) ?? -1;
      const n = b.eventCount;
      for (let i = 0; i < n; i++) {
        const kind = b.kind[i] as number;
        if (kind === EventKind.INVENTORY) {
          const parent = b.ref[i] as number;
          if (parent !== 0) chOf.set(b.device[i] as number, parent);
          continue;
        }
        const fact = factOf[b.code[i] as number] as number;
        if (fact < 0) continue;
        let ch = b.device[i] as number;
        if (fact === InstallFact.CONNECTED) {
          // The Transform step of the critical 8.1.1 is the DSP's alone; the Signed Pre-Command reaches the device.
          const key = `${b.requestId[i] as number}/${ch}`;
          if (kind === EventKind.SERVICE_REQUEST) {
            if ((b.ref[i] as number) !== 0) signed.add(key);
            continue;
          }
          if (kind !== EventKind.SERVICE_RESPONSE || !signed.delete(key) || (b.outcome[i] as number) !== Outcome.SUCCESS) continue;
          const parent = chOf.get(ch);
          if (parent === undefined) continue;
          ch = parent;
        } else if (fact === InstallFact.NO_WAN_INCIDENT) {
          if (kind !== EventKind.INCIDENT_RAISED || ch === 0) continue;
        } else if (kind !== EventKind.SERVICE_REQUEST) {
          continue;
        }
        counts.add(fact as InstallFact, ch, b.network[i] as number, b.baseTimeMs + (b.timeDeltaMs[i] as number));
      }
    },
    report(asOfMs: number): MetricSample[] {
      const out = new MetricTable();
      counts.report(out, asOfMs);
      return out.samples();
    },
  };
}

/** The 90-day category of an Install & Leave CH (boundaries inclusive: exactly 90 days is within). */
export function windowCategory(leaveAt: number, connectedAt: number, asOfMs: number): string {
  if (connectedAt <= asOfMs) {
    return connectedAt - leaveAt <= INSTALL_WINDOW_MS ? InstallMetric.CONNECTED_WITHIN_90_DAYS : InstallMetric.CONNECTED_AFTER_90_DAYS;
  }
  return asOfMs - leaveAt <= INSTALL_WINDOW_MS ? InstallMetric.AWAITING_WAN : InstallMetric.NOT_CONNECTED_AFTER_90_DAYS;
}
