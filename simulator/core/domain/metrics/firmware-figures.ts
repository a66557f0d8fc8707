import { ukMonth } from '../../time.js';
import { DEVICE_TYPE_NAMES, DeviceType, NETWORK_LABELS, Outcome, smetsLabel } from '../vocabulary.js';
import type { Accumulator } from './accumulator.js';
import { bucketLabel } from './histogram.js';
import type { MetricTable } from './metric-table.js';

/*
 * R3's counting, shared by the truth (simulator/core/processes/firmware.ts) and the firmware
 * metric family: the ids, one record per target, and the accumulator that turns records into
 * figures, so the two views count by one rule.
 */

/**
 * Metric ids of R3, firmware management (docs/metrics.md). Counts are labelled
 * {campaign, month, deviceType, smets, network, model}; `month` is the UK month of the event that
 * decided the figure (listing for targets, the acknowledgement for received, execution for an
 * activation). Distributions (`…Ms`) are labelled {campaign, deviceType, smets, network, bucket}.
 */
export const FirmwareMetric = {
  /** Devices listed in an 11.1 / 11.4 DeviceIDList, once per (campaign, device). */
  TARGETS: 'firmware.targets',
  /** Targets whose request failed DSP validation. */
  REJECTED: 'firmware.rejected',
  /**
   * Targets whose image reached their Communications Hub: N60 (SMETS2 ESME / GSME), or the SMETS1
   * SP's distribution status for a model that cannot acknowledge (IOC/MDS PPMIDs, CR1440).
   */
  CH_DISTRIBUTED: 'firmware.chDistributed',
  /** Targets whose image could not be delivered to their CH (N61, or the SMETS1 SP's failure status for such a model). */
  CH_DISTRIBUTION_FAILED: 'firmware.chDistributionFailed',
  /**
   * Targets whose HAN received the image: acknowledged by 0x8F72 or CCS08 0x8F8A (SMETS2), or the
   * SMETS1 SP's distribution status (CR1440) (truth: really received).
   */
  RECEIVED: 'firmware.received',
  /** Targets with a negative acknowledgement (0x8F1C, CCS08 0x8F89) or an N61, and no positive one. */
  FAILED: 'firmware.failed',
  /**
   * Targets whose receipt nobody can report, kept apart from failed; label `reason`: the model
   * cannot acknowledge, a CH image, or a SMETS1 target without SMETS1 SP data. Never in truth.
   */
  NOT_MEASURABLE: 'firmware.notMeasurable',
  /** Targets that can acknowledge and have not yet, with no negative signal. */
  AWAITING_ACK: 'firmware.awaitingAck',
  /** The naive "no ack = failure" reading: accepted targets without a positive acknowledgement. */
  NAIVE_FAILED: 'firmware.naiveFailed',
  /** Successful activations: 11.3 Execution Outcome success, 0x8F66, or CS09 success. */
  ACTIVATED: 'firmware.activated',
  /** Failed activations, label `outcome`. */
  ACTIVATION_FAILED: 'firmware.activationFailed',
  /**
   * CH images activated: the CSP / SMETS1 SP sends a CH image over its own network and activates
   * it (no 11.1 / 11.3); the DCC sees only the activation, as the inventory's firmware version (R3).
   */
  CH_ACTIVATED: 'firmware.chActivated',
  /** 11.2 Read Firmware Version returned the campaign's version. */
  VERSION_CONFIRMED: 'firmware.versionConfirmed',
  /** Time from the 11.1 / 11.4 to the image acknowledgement (truth: to receipt), ms. */
  TIME_TO_RECEIPT_MS: 'firmware.timeToReceiptMs',
  /** Time from the 11.1 / 11.4 to a successful activation, ms. */
  TIME_TO_ACTIVATION_MS: 'firmware.timeToActivationMs',
} as const;

export const NotMeasurableReason = {
  NONE: '',
  NO_ACK: 'modelCannotAck',
  CH_IMAGE: 'chImage',
  NO_SMETS1_SP_DATA: 'noSmets1SpData',
} as const;

const OUTCOME_LABELS: Readonly<Record<number, string>> = {
  [Outcome.FAILURE]: 'failure',
  [Outcome.TIMEOUT]: 'timeout',
  [Outcome.REJECTED]: 'rejected',
  [Outcome.NO_IMAGE_HELD]: 'noImageHeld',
  [Outcome.HASH_MISMATCH]: 'hashMismatch',
  [Outcome.ACTIVATION_FAILURE]: 'activationFailure',
};

/**
 * What is known about one (campaign, target device): by the truth (what the device experienced)
 * or by the observed traffic. Times are ms since the epoch, NaN when it did not happen; both sides
 * turn a record into figures with `FirmwareFigures`, so truth and observed share ids and labels.
 */
export interface TargetRecord {
  readonly campaign: string;
  readonly deviceType: number;
  readonly network: number;
  readonly model: string;
  requestId: number;
  readonly version: number;
  listedAt: number;
  rejectedAt: number;
  chDeliveredAt: number;
  chFailedAt: number;
  receivedAt: number;
  failedAt: number;
  notMeasurable: string;
  activationRequestId: number;
  activatedAt: number;
  activationFailedAt: number;
  activationOutcome: number;
  confirmedAt: number;
}

export function newTargetRecord(
  campaign: string,
  deviceType: number,
  network: number,
  model: string,
  requestId: number,
  version: number,
  listedAt: number,
  notMeasurable: string,
): TargetRecord {
  return {
    campaign,
    deviceType,
    network,
    model,
    requestId,
    version,
    listedAt,
    rejectedAt: Number.NaN,
    chDeliveredAt: Number.NaN,
    chFailedAt: Number.NaN,
    receivedAt: Number.NaN,
    failedAt: Number.NaN,
    notMeasurable,
    activationRequestId: 0,
    activatedAt: Number.NaN,
    activationFailedAt: Number.NaN,
    activationOutcome: 0,
    confirmedAt: Number.NaN,
  };
}

/** The campaign label: the image's FirmwareVersion, all the DCC sees of a campaign. */
export function campaignLabel(version: number): string {
  return `v${version}`;
}

interface FigureCount {
  readonly id: string;
  readonly r: TargetRecord;
  /** '' for a distribution (labelled without month and model). */
  readonly month: string;
  readonly extraName: string;
  readonly extraValue: string;
  n: number;
}

/**
 * Turns target records into figures. Records are judged as of the report time, when every time
 * in them is known. Targets are counted into a map keyed by a flat string first and labels are
 * built once per distinct figure, not once per target: a GB-scale campaign has millions of
 * targets and MetricTable.add sorts label names on every call.
 */
export class FirmwareFigures implements Accumulator {
  private readonly records: TargetRecord[] = [];

  add(r: TargetRecord): void {
    this.records.push(r);
  }

  /** Adds the figures of every record as of `asOfMs` to `out`, with their labels. */
  report(out: MetricTable, asOfMs: number): void {
    const counts = new Map<string, FigureCount>();
    for (const r of this.records) judge(counts, r, asOfMs);
    for (const c of counts.values()) {
      const r = c.r;
      const labels: Record<string, string> = {
        campaign: r.campaign,
        deviceType: DEVICE_TYPE_NAMES[r.deviceType] ?? 'unspecified',
        smets: smetsLabel(r.network),
        network: NETWORK_LABELS[r.network] ?? 'unknown',
      };
      if (c.month !== '') {
        labels.month = c.month;
        labels.model = r.model;
      }
      if (c.extraName !== '') labels[c.extraName] = c.extraValue;
      out.add(c.id, labels, c.n);
    }
  }
}

/**
 * One target's figures as of `asOfMs`. Precedence (MP122B R3): rejected; else received (a
 * positive acknowledgement wins over an earlier negative one, since a retry may succeed); else
 * failed (negative acknowledgement or N61); else not measurable (the model cannot acknowledge,
 * or a CH image) — never failed; else awaiting acknowledgement.
 */
function judge(counts: Map<string, FigureCount>, r: TargetRecord, asOfMs: number): void {
  // A CH image is never listed in a DeviceIDList: "measure only the activation of the Image".
  if (r.deviceType === DeviceType.CH && Number.isNaN(r.listedAt)) {
    if (r.activatedAt <= asOfMs) count(counts, FirmwareMetric.CH_ACTIVATED, r, r.activatedAt);
    else if (r.activationFailedAt <= asOfMs)
      count(counts, FirmwareMetric.ACTIVATION_FAILED, r, r.activationFailedAt, 'outcome', OUTCOME_LABELS[r.activationOutcome] ?? 'failure');
    return;
  }
  if (!(r.listedAt <= asOfMs)) return;
  count(counts, FirmwareMetric.TARGETS, r, r.listedAt);
  if (r.rejectedAt <= asOfMs) {
    count(counts, FirmwareMetric.REJECTED, r, r.rejectedAt);
    return;
  }
  if (r.chDeliveredAt <= asOfMs) count(counts, FirmwareMetric.CH_DISTRIBUTED, r, r.chDeliveredAt);
  else if (r.chFailedAt <= asOfMs) count(counts, FirmwareMetric.CH_DISTRIBUTION_FAILED, r, r.chFailedAt);
  if (r.receivedAt <= asOfMs) {
    count(counts, FirmwareMetric.RECEIVED, r, r.receivedAt);
    count(counts, FirmwareMetric.TIME_TO_RECEIPT_MS, r, Number.NaN, 'bucket', bucketLabel(r.receivedAt - r.listedAt));
  } else {
    count(counts, FirmwareMetric.NAIVE_FAILED, r, r.listedAt);
    if (r.failedAt <= asOfMs) count(counts, FirmwareMetric.FAILED, r, r.failedAt);
    else if (r.notMeasurable !== '') count(counts, FirmwareMetric.NOT_MEASURABLE, r, r.listedAt, 'reason', r.notMeasurable);
    else count(counts, FirmwareMetric.AWAITING_ACK, r, r.listedAt);
  }
  if (r.activatedAt <= asOfMs) {
    count(counts, FirmwareMetric.ACTIVATED, r, r.activatedAt);
    if (r.deviceType === DeviceType.CH) count(counts, FirmwareMetric.CH_ACTIVATED, r, r.activatedAt);
    count(counts, FirmwareMetric.TIME_TO_ACTIVATION_MS, r, Number.NaN, 'bucket', bucketLabel(r.activatedAt - r.listedAt));
  } else if (r.activationFailedAt <= asOfMs) {
    count(counts, FirmwareMetric.ACTIVATION_FAILED, r, r.activationFailedAt, 'outcome', OUTCOME_LABELS[r.activationOutcome] ?? 'failure');
  }
  if (r.confirmedAt <= asOfMs) count(counts, FirmwareMetric.VERSION_CONFIRMED, r, r.confirmedAt);
}

/** `at` NaN: a distribution, labelled without month and model. */
function count(counts: Map<string, FigureCount>, id: string, r: TargetRecord, at: number, extraName = '', extraValue = ''): void {
  const month = Number.isNaN(at) ? '' : ukMonth(at);
  const key = `${id}\u0000${r.campaign}\u0000${r.deviceType}\u0000${r.network}\u0000${month === '' ? '' : r.model}\u0000${month}\u0000${extraValue}`;
  const c = counts.get(key);
  if (c === undefined) counts.set(key, { id, r, month, extraName, extraValue, n: 1 });
  else c.n++;
}

/** A CH image's record: not listed, known only by its activation (R3). */
export function newChImageRecord(version: number, network: number, model: string): TargetRecord {
  return newTargetRecord(campaignLabel(version), DeviceType.CH, network, model, 0, version, Number.NaN, NotMeasurableReason.CH_IMAGE);
}
