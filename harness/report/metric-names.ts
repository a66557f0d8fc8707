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
    title: 'Incidents, Category 1–5 (R5; CPM4 / CPM5)',
    prefix: 'incident.',
    names: {
      'incident.raised': 'Incidents raised',
      'incident.closed': 'Incidents closed',
      'incident.closedWithinTarget': 'Closed within Target Resolution Time',
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
