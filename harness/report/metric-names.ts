/** People's names for metric ids, in report order, grouped by MP122B requirement. */
export const METRIC_SECTIONS: ReadonlyArray<{ readonly title: string; readonly prefix: string; readonly names: Readonly<Record<string, string>> }> = [
  {
    title: 'Install & Commission vs Install & Leave (R2)',
    prefix: 'install.',
    names: {
      'install.installAndCommission': 'Install & Commission (8.14.1)',
      'install.installAndLeave': 'Install & Leave (8.14.2)',
      'install.installAndLeaveValidated': 'Install & Leave, incl. no-WAN incidents',
      'install.noWanIncident': 'No-WAN incidents (CR1429)',
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
      'alert.measured': 'Alerts with a measurable CH → User time',
      'alert.withinTarget': 'Alerts delivered within target',
      'alert.notMeasurable': 'Alerts delivered, CH receipt not visible',
      'alert.throttled': 'Alerts throttled (Alert Storm Protection)',
      'alert.throughput': 'Alerts delivered (sum of 15-minute intervals)',
      'alert.hopLatency': 'Hop latency samples',
    },
  },
];

export function metricName(id: string): string {
  for (const s of METRIC_SECTIONS) if (s.names[id] !== undefined) return s.names[id] as string;
  return id;
}
