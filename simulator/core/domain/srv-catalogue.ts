/**
 * The SRV catalogue as data: DUIS request matrix facts (docs/domain.md §6.4, [FACT] DP
 * `duis-request-matrix.json`) for the SRVs smsim's traffic uses, each with its business process
 * (§6.2, [ASSUMPTION]). Metric families index SRVs by their position here, so the order is part
 * of the metric key layout: add at the end.
 */

export const FdPattern = { NO: 0, DSP: 1, DEVICE: 2, DSP_AND_DEVICE: 3 } as const;

/** User business processes for MP122-style measures (R1; docs/domain.md §6.2, OPR groupings §5.1). */
export const BUSINESS_PROCESSES = [
  'install-commission',
  'billing',
  'prepayment',
  'change-of-supplier',
  'firmware',
  'ch-lifecycle',
  'other',
] as const;
export type BusinessProcessName = (typeof BUSINESS_PROCESSES)[number];

export interface SrvEntry {
  readonly srv: string;
  readonly name: string;
  readonly critical: boolean;
  readonly onDemand: boolean;
  readonly fdPattern: number;
  readonly dccScheduled: boolean;
  readonly nonDevice: boolean;
  /** Eligible roles: IS, ES, GS, ED, GT, RSA, OU. */
  readonly roles: readonly string[];
  readonly process: BusinessProcessName;
  /**
   * The request's `ref` carries the image's FirmwareVersion (11.3: proto EVENT_KIND_SERVICE_REQUEST),
   * not a Transform request or a DCC schedule, so the class never reads it.
   */
  readonly refIsFirmwareVersion?: boolean;
}

const e = (
  srv: string,
  name: string,
  crit: string,
  onDem: string,
  fd: number,
  sched: string,
  nonDev: string,
  roles: string,
  process: BusinessProcessName,
): SrvEntry => ({
  srv,
  name,
  critical: crit === 'Y',
  onDemand: onDem === 'Y',
  fdPattern: fd,
  dccScheduled: sched === 'Y',
  nonDevice: nonDev === 'Y',
  roles: roles.split(','),
  process,
});
const { NO, DSP, DEVICE, DSP_AND_DEVICE } = FdPattern;

export const SRV_CATALOGUE: readonly SrvEntry[] = [
  e('4.6.1', 'Retrieve Import Daily Read Log', 'N', 'Y', DSP, 'Y', 'N', 'IS,GS', 'billing'),
  e('4.8.1', 'Read Active Import Profile Data', 'N', 'Y', DSP, 'Y', 'N', 'IS,GS,ED,GT,OU', 'billing'),
  e('4.17', 'Retrieve Daily Consumption Log', 'N', 'Y', DSP, 'Y', 'N', 'IS,GS,ED,GT,OU', 'billing'),
  e('4.1.1', 'Read Instantaneous Import Registers', 'N', 'Y', DSP, 'N', 'N', 'IS,GS,ED,GT', 'billing'),
  e('2.2', 'Top Up Device', 'N', 'Y', NO, 'N', 'N', 'IS,GS', 'prepayment'),
  e('4.18', 'Read Meter Balance', 'N', 'Y', DSP, 'N', 'N', 'IS,GS', 'prepayment'),
  e('4.3', 'Read Instantaneous Prepay Values', 'N', 'Y', DSP, 'N', 'N', 'IS,GS', 'prepayment'),
  e('2.1', 'Update Prepay Configuration', 'Y', 'Y', DEVICE, 'N', 'N', 'IS,GS', 'prepayment'),
  // DUIS Service Reference 1 (tariff and price updates) with 1.2.1: both under billing. The
  // traffic sends 1.1.1 mostly as routine, future-dated tariff changes; the few a Change of
  // Supplier chain sends count here too (one process per SRV).
  e('1.1.1', 'Update Import Tariff (Primary Element)', 'Y', 'Y', DEVICE, 'N', 'N', 'IS,GS', 'billing'),
  e('1.2.1', 'Update Price (Primary Element)', 'Y', 'Y', DEVICE, 'N', 'N', 'IS,GS', 'billing'),
  e('6.23', 'Update Security Credentials (CoS)', 'N', 'Y', DSP_AND_DEVICE, 'N', 'N', 'IS,GS', 'change-of-supplier'),
  e('6.15.1', 'Update Security Credentials (KRP)', 'Y', 'Y', DEVICE, 'N', 'N', 'IS,GS,ED,GT', 'change-of-supplier'),
  e('7.4', 'Read Supply Status', 'N', 'Y', NO, 'N', 'N', 'IS,ES,GS,RSA,ED,GT', 'other'),
  e('6.2.7', 'Read Device Configuration (MPxN)', 'N', 'Y', NO, 'N', 'N', 'IS,ES,GS,RSA,ED,GT,OU', 'other'),
  e('8.9', 'Read Device Log', 'N', 'Y', DSP, 'N', 'N', 'IS,GS,OU', 'install-commission'),
  e('11.2', 'Read Firmware Version', 'N', 'Y', DSP, 'N', 'N', 'IS,ES,GS,RSA,ED,GT,OU', 'firmware'),
  e('4.10', 'Read Network Data', 'N', 'Y', DSP, 'Y', 'N', 'IS,GS,ED,GT', 'other'),
  // Sent by the install process (R2); listed so its traffic is measured per SRV too.
  e('8.14.1', 'Communications Hub Status Update - Install Success', 'N', 'N', NO, 'N', 'Y', 'IS,GS', 'install-commission'),
  e('8.14.2', 'Communications Hub Status Update - Install No SM WAN', 'N', 'N', NO, 'N', 'Y', 'IS,GS', 'install-commission'),
  e('8.14.3', 'Communications Hub Status Update - Fault Return', 'N', 'N', NO, 'N', 'Y', 'IS,GS', 'ch-lifecycle'),
  e('8.14.4', 'Communications Hub Status Update - No Fault Return', 'N', 'N', NO, 'N', 'Y', 'IS,GS', 'ch-lifecycle'),
  // Sent by the firmware process (R3), measured per SRV under the Firmware business process of
  // R1 (docs/domain.md §6.2). 11.1 / 11.4 are Non-Device (the DSP's response to the DeviceIDList);
  // 11.3 is critical, but the firmware process sends it signed, without its Transform step, and
  // its `ref` is the FirmwareVersion: class critical, or future-dated with an execution time.
  e('11.1', 'Update Firmware', 'N', 'N', NO, 'N', 'Y', 'IS,GS', 'firmware'),
  { ...e('11.3', 'Activate Firmware', 'Y', 'Y', DEVICE, 'N', 'N', 'IS,GS', 'firmware'), refIsFirmwareVersion: true },
  e('11.4', 'Update PPMID Firmware', 'N', 'N', NO, 'N', 'Y', 'IS,GS', 'firmware'),
  // Commissioning, sent by the install process (R1 Install & Commission): 8.11 adds each meter to
  // the CH's device log, then 8.1.1 (critical: Transform, then the Signed Pre-Command).
  e('8.1.1', 'Commission Device', 'Y', 'Y', NO, 'N', 'N', 'IS,GS', 'install-commission'),
  e('8.11', 'Update HAN Device Log', 'N', 'Y', DSP, 'N', 'N', 'IS,GS,OU', 'install-commission'),
];

export const SRV_COUNT = SRV_CATALOGUE.length;

const INDEX = new Map<string, number>(SRV_CATALOGUE.map((s, i) => [s.srv, i]));

/** Position of an SRV in the catalogue, or -1 when smsim does not measure it. */
export function srvIndex(srv: string): number {
  return INDEX.get(srv) ?? -1;
}

/**
 * Response classes, each with its own Target Response Time (docs/domain.md §2.3, [UNVERIFIED]
 * defaults, overridable per scenario). The class follows from the catalogue and the request:
 * a critical SRV's first request is the Transform (Pre-Command returned), its Signed Pre-Command
 * is "critical"; a request with an execution offset is future-dated; a DCC-scheduled execution
 * carries its schedule in `ref`.
 */
export const ResponseClass = { ON_DEMAND: 0, CRITICAL: 1, TRANSFORM: 2, FUTURE_DATED: 3, DCC_SCHEDULED: 4, NON_DEVICE: 5 } as const;
export const RESPONSE_CLASS_COUNT = 6;
export const RESPONSE_CLASS_LABELS: readonly string[] = [
  'on-demand',
  'critical',
  'transform',
  'future-dated',
  'dcc-scheduled',
  'non-device',
];

/** CPM1 (On-Demand Service Responses) and CPM2 (Future-Dated) classes (PMM p3–p4; docs/domain.md §2.1). */
export const CPM1_CLASSES: readonly string[] = ['on-demand', 'critical'];
/** DCC-scheduled executions count with future-dated ones: DSP 1.3 "Scheduling Times" is a CPM2 measure [ASSUMPTION]. */
export const CPM2_CLASSES: readonly string[] = ['future-dated', 'dcc-scheduled'];

/** The class of a Service Request as seen on the wire (see proto EVENT_KIND_SERVICE_REQUEST). */
export function responseClassOf(entry: SrvEntry, ref: number, executionOffsetMs: number): number {
  if (entry.nonDevice) return ResponseClass.NON_DEVICE;
  if (entry.refIsFirmwareVersion === true)
    return executionOffsetMs > 0 ? ResponseClass.FUTURE_DATED : entry.critical ? ResponseClass.CRITICAL : ResponseClass.ON_DEMAND;
  if (entry.dccScheduled && ref !== 0) return ResponseClass.DCC_SCHEDULED;
  if (executionOffsetMs > 0) return ResponseClass.FUTURE_DATED;
  if (entry.critical) return ref === 0 ? ResponseClass.TRANSFORM : ResponseClass.CRITICAL;
  return ResponseClass.ON_DEMAND;
}

/** Target Response Times per class, ms. */
export interface TargetResponseTimes {
  readonly onDemand: number;
  readonly critical: number;
  readonly transform: number;
  readonly futureDated: number;
  readonly dccScheduled: number;
  readonly nonDevice: number;
  /** Alerts: from receipt at the CH (DCC Alert: generation) to the Service User's confirmation (R4). */
  readonly alert: number;
}

/** docs/domain.md §2.3 working defaults [UNVERIFIED]; Non-Device "seconds (not found)": 10 s [ASSUMPTION]. */
export const DEFAULT_TRT: TargetResponseTimes = {
  onDemand: 30_000,
  critical: 60_000,
  transform: 3_000,
  futureDated: 30_000,
  dccScheduled: 30_000,
  nonDevice: 10_000,
  alert: 60_000,
};

/** TRT per class index, for the hot path. */
export function trtByClass(t: TargetResponseTimes): Float64Array {
  return Float64Array.from([t.onDemand, t.critical, t.transform, t.futureDated, t.dccScheduled, t.nonDevice]);
}
