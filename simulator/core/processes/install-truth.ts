import { InstallCounts, InstallFact } from '../domain/metrics/install-metrics.js';

/**
 * Per install, what the devices experienced (truth), by index of the install in this shard.
 * Times are ms since the epoch; NaN for what did not happen.
 */
export class InstallTruth {
  premises: number[] = [];
  network: number[] = [];
  installAt: number[] = [];
  /** When SM WAN became available: installAt when at install, later, or Infinity (never). */
  wanAt: number[] = [];
  wanAtInstall: boolean[] = [];
  /** Whether the Service User sent 8.14.1 / 8.14.2 for it. */
  reported: boolean[] = [];
  incidentAt: number[] = [];
  /** The no-WAN incident's initial response and closure (NaN: none; Infinity: never closed). */
  incidentRespondedAt: number[] = [];
  incidentClosedAt: number[] = [];
  faultReturnAt: number[] = [];
  noFaultReturnAt: number[] = [];
}

/**
 * What the CHs went through up to `asOfMs`, told to the accumulator the metric family counts
 * observed traffic with. Every install is known, reported or not, so the truth's unreported are
 * those the Service User reported with neither 8.14.1 nor 8.14.2, connected or not.
 */
export function installTruthOf(t: InstallTruth, asOfMs: number): InstallCounts {
  const counts = new InstallCounts();
  for (let i = 0; i < t.premises.length; i++) {
    const network = t.network[i] as number;
    const fault = t.faultReturnAt[i] as number;
    if (fault <= asOfMs) counts.add(InstallFact.FAULT_RETURN, i, network, fault);
    const noFault = t.noFaultReturnAt[i] as number;
    if (noFault <= asOfMs) counts.add(InstallFact.NO_FAULT_RETURN, i, network, noFault);
    const installAt = t.installAt[i] as number;
    if (installAt > asOfMs) continue;
    counts.add(t.wanAtInstall[i] ? InstallFact.WITH_WAN : InstallFact.WITHOUT_WAN, i, network, installAt);
    if (!t.reported[i]) counts.add(InstallFact.UNREPORTED, i, network, installAt);
    // Raised after the install, so it finds the CH already Install & Leave: counted, never a new leave.
    const incidentAt = t.incidentAt[i] as number;
    if (incidentAt <= asOfMs) counts.add(InstallFact.NO_WAN_INCIDENT, i, network, incidentAt);
    const wanAt = t.wanAt[i] as number;
    if (wanAt <= asOfMs) counts.add(InstallFact.CONNECTED, i, network, wanAt);
  }
  return counts;
}
