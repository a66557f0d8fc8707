/**
 * A report section. Optional: `note`, a few lines telling the reader how to read the section;
 * `breakdown`, a table of the listed ids by the listed labels (each cell truth / observed /
 * reported). Ids ending in `Ms` with a `bucket` label render as p50 / p95 / p99 (distributions.ts).
 */
export interface MetricSection {
  readonly title: string;
  readonly prefix: string;
  readonly names: Readonly<Record<string, string>>;
  readonly note?: string;
  readonly breakdown?: { readonly by: readonly string[]; readonly ids: readonly string[] };
}

/** People's names for metric ids, in report order, grouped by MP122B requirement. */
export const METRIC_SECTIONS: ReadonlyArray<MetricSection> = [
  {
    title: 'Install & Commission vs Install & Leave (R2)',
    prefix: 'install.',
    names: {
      'install.installAndCommission': 'Install & Commission (8.14.1)',
      'install.installAndLeave': 'Install & Leave (8.14.2)',
      'install.installAndLeaveValidated': 'Install & Leave, incl. no-WAN incidents',
      'install.noWanIncident': 'No-WAN incidents (CR1429)',
      'install.installations': 'Installations known (8.14.1, 8.14.2 or no-WAN incident)',
      'install.leaveCategoryAtMonthEnd': 'I&L CHs at month end, all 90-day categories',
      'install.unreported': 'Installs with neither 8.14.1 nor 8.14.2',
      'install.connectedWithin90Days': 'I&L connected within 90 days',
      'install.connectedAfter90Days': 'I&L connected after 90 days',
      'install.awaitingWan': 'I&L inside the 90-day window',
      'install.notConnectedAfter90Days': 'I&L not connected after 90 days',
      'install.faultReturn': 'Fault returns (8.14.3)',
      'install.noFaultReturn': 'No-fault returns (8.14.4)',
    },
  },
  {
    title: 'Service requests as Users experience them (R1, CPM1 / CPM2)',
    prefix: 'srv.',
    names: {
      'srv.requests': 'Service Requests',
      'srv.responses': 'Service Responses',
      'srv.withinTarget': 'Responses within target response time',
      'srv.failures': 'Failed / timed-out / rejected responses',
      'srv.excluded': 'Responses excluded (exclusion list)',
      'srv.excludedWithinTarget': 'Excluded responses within target',
      'srv.excludedFailures': 'Excluded failures',
    },
  },
  {
    title: 'Alerts from the Communications Hub to the Service User (R4)',
    prefix: 'alert.',
    names: {
      'alert.volume': 'Alerts',
      'alert.measured': 'Alerts confirmed, CH receipt (or DCC generation) visible',
      'alert.withinTarget': 'Alerts confirmed by the User within target',
      'alert.notMeasurable': 'Alerts confirmed, CH receipt not visible',
      'alert.interimMeasured': 'Alerts sent to the User (interim, DSP only)',
      'alert.interimWithinTarget': 'Sent within target of DSP validation (interim)',
      'alert.throttled': 'Alerts throttled (Alert Storm Protection)',
      'alert.throughput': 'Alerts delivered (sum of 15-minute intervals)',
      'alert.hopLatency': 'Hop latency samples',
    },
  },
  {
    title: 'Firmware management (R3)',
    prefix: 'firmware.',
    names: {
      'firmware.targets': 'Targets listed in 11.1 / 11.4',
      'firmware.rejected': 'Rejected by DSP validation',
      'firmware.chDistributed': 'Image delivered to the CH (N60, SMETS1 SP)',
      'firmware.chDistributionFailed': 'Image not delivered to the CH (N61, SMETS1 SP)',
      'firmware.received': 'HANs received (acknowledged)',
      'firmware.failed': 'Failed (negative ack, N61, SMETS1 SP status)',
      'firmware.notMeasurable': 'Not measurable (cannot ack, no SMETS1 SP data)',
      'firmware.awaitingAck': 'Awaiting acknowledgement',
      'firmware.naiveFailed': 'Naive "no ack = failure"',
      'firmware.activated': 'Activations succeeded',
      'firmware.activationFailed': 'Activations failed',
      'firmware.chActivated': 'CH images activated (CSP / SMETS1 SP)',
      'firmware.versionConfirmed': 'Version confirmed (11.2)',
      'firmware.timeToReceiptMs': '11.1 → receipt',
      'firmware.timeToActivationMs': '11.1 → activation',
    },
    note:
      'SMETS1 and SMETS2 are reported apart: SMETS2 from acknowledgements (0x8F72, CCS08 0x8F8A) and N60 / N61 (ESME, GSME), ' +
      "SMETS1 only from the SMETS1 Service Providers' per-device data (CR1440), and without it by 11.3 activation only. " +
      'Truth: HANs that really received the image. Targets nobody can report on (IOC/MDS PPMIDs, SMETS1 without SP data) are ' +
      '"not measurable", never "failed"; "naive" is what a reading that counts every missing acknowledgement as a failure would ' +
      'report. CH images go straight over the CSP / SMETS1 SP networks (no 11.1 / 11.3): measured by activation only.',
    breakdown: {
      by: ['smets', 'deviceType', 'network'],
      ids: [
        'firmware.targets',
        'firmware.received',
        'firmware.failed',
        'firmware.notMeasurable',
        'firmware.naiveFailed',
        'firmware.activated',
      ],
    },
  },
  {
    title: 'Incidents, Category 1–5 (R5; CPM4 / CPM5)',
    prefix: 'incident.',
    names: {
      'incident.raised': 'Incidents raised',
      'incident.closed': 'Incidents closed',
      'incident.closedWithinTarget': 'Closed within Target Resolution Time',
      'incident.responded': 'Incidents given their initial response',
      'incident.respondedWithinTarget': 'Responded to within Target Initial Response Time',
      'incident.reopened': 'Incidents re-opened',
      'incident.openAtMonthEnd': 'Open at month end',
    },
  },
  {
    title: 'End-to-end availability per CSP region / SMETS1 SP (R6)',
    prefix: 'availability.',
    names: {
      'availability.downtimeMinutes': 'Downtime (minutes)',
      'availability.outages': 'Outages',
    },
  },
  {
    title: 'Reporting months (R7)',
    prefix: 'pmr.',
    names: {
      'pmr.monthEvents': 'Events per reporting month',
    },
  },
];

export function metricName(id: string): string {
  for (const s of METRIC_SECTIONS) if (s.names[id] !== undefined) return s.names[id] as string;
  return id;
}
