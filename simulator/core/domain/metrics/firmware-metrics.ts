import { ukMonth } from '../../time.js';
import type { EventBatchView } from '../event-batch.js';
import {
  DEVICE_TYPE_NAMES,
  DeviceType,
  EventKind,
  FirmwareAlert,
  INVENTORY_CAPS_MASK,
  INVENTORY_FIRMWARE_SHIFT,
  isSmets1,
  ModelCapability,
  NETWORK_LABELS,
  Outcome,
  smetsLabel,
  Srv,
} from '../vocabulary.js';
import type { Accumulator } from './accumulator.js';
import { bucketLabel } from './histogram.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';

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

const isFirmwareListSrv = (srv: string | undefined): boolean => srv === Srv.UPDATE_FIRMWARE || srv === Srv.UPDATE_PPMID_FIRMWARE;

/** Every code this family reads (SRVs 11.x and firmware alerts). */
const FIRMWARE_CODES: ReadonlySet<string> = new Set<string>([
  Srv.UPDATE_FIRMWARE,
  Srv.READ_FIRMWARE_VERSION,
  Srv.ACTIVATE_FIRMWARE,
  Srv.UPDATE_PPMID_FIRMWARE,
  ...Object.values(FirmwareAlert),
]);

/** A CH image's record: not listed, known only by its activation (R3). */
export function newChImageRecord(version: number, network: number, model: string): TargetRecord {
  return newTargetRecord(campaignLabel(version), DeviceType.CH, network, model, 0, version, Number.NaN, NotMeasurableReason.CH_IMAGE);
}

/**
 * R3 from observed traffic only. A device's model and capabilities come from the inventory
 * (EVENT_KIND_INVENTORY: model in `code`, ModelCapability flags in `value`), never from the
 * scenario. Alerts find their target by (device, ref = the request they report on): device
 * numbers are unique across streams, request ids only within one. Firmware campaigns are low
 * volume, so one small object per target is acceptable here.
 */
export function createFirmwareMetrics(smets1SpData = true): MetricFamily {
  const inventory = new Map<number, { model: string; caps: number }>();
  const targets = new Map<number, TargetRecord[]>();
  /** Devices listed per 11.1 / 11.4 request, until its Service Response (firmware request ids are unique across streams). */
  const listed = new Map<number, number[]>();

  const byRequest = (device: number, requestId: number): TargetRecord | undefined =>
    targets.get(device)?.find((r) => r.requestId === requestId);
  const byVersion = (device: number, version: number): TargetRecord | undefined => {
    const rs = targets.get(device);
    if (rs === undefined) return undefined;
    for (let i = rs.length - 1; i >= 0; i--) if ((rs[i] as TargetRecord).version === version) return rs[i];
    return undefined;
  };
  const byActivation = (device: number, requestId: number): TargetRecord | undefined =>
    targets.get(device)?.find((r) => r.activationRequestId === requestId);
  const activation = (r: TargetRecord | undefined, time: number, outcome: number): void => {
    if (r === undefined || !Number.isNaN(r.activatedAt)) return;
    if (outcome === Outcome.SUCCESS) r.activatedAt = time;
    else if (outcome !== Outcome.ACCEPTED) {
      r.activationFailedAt = time;
      r.activationOutcome = outcome;
    }
  };

  return {
    apply(b: EventBatchView) {
      const n = b.eventCount;
      // Firmware is a sliver of the traffic (docs/domain.md §6.3: 0.5–2 %): decide per dictionary
      // entry, once per batch, whether a code matters, so other events cost one array read.
      const relevant = new Uint8Array(b.dictionary.length);
      b.dictionary.forEach((c, i) => {
        relevant[i] = FIRMWARE_CODES.has(c) ? 1 : 0;
      });
      for (let i = 0; i < n; i++) {
        const kind = b.kind[i] as number;
        if (kind === EventKind.INVENTORY) {
          const device = b.device[i] as number;
          const value = b.value[i] as number;
          const model = b.dictionary[b.code[i] as number] ?? '';
          inventory.set(device, { model, caps: value & INVENTORY_CAPS_MASK });
          const running = (value >> INVENTORY_FIRMWARE_SHIFT) & 0xff;
          // A CH running a new image its Service Provider activated: the CH firmware measure.
          if (running !== 0 && b.deviceType[i] === DeviceType.CH && byVersion(device, running) === undefined) {
            const r = newChImageRecord(running, b.network[i] as number, model);
            r.activatedAt = b.baseTimeMs + (b.timeDeltaMs[i] as number);
            const list = targets.get(device);
            if (list === undefined) targets.set(device, [r]);
            else list.push(r);
          }
          continue;
        }
        if (relevant[b.code[i] as number] !== 1 || kind < EventKind.SERVICE_REQUEST || kind > EventKind.DCC_ALERT) continue;
        const code = b.dictionary[b.code[i] as number];
        const time = b.baseTimeMs + (b.timeDeltaMs[i] as number);
        const device = b.device[i] as number;
        switch (kind) {
          case EventKind.DEVICE_LIST_ENTRY: {
            if (!isFirmwareListSrv(code)) break;
            const version = b.ref[i] as number;
            if (byVersion(device, version) !== undefined) break; // listed again: still one target
            const inv = inventory.get(device);
            const deviceType = b.deviceType[i] as number;
            const reason =
              deviceType === DeviceType.CH
                ? NotMeasurableReason.CH_IMAGE
                : isSmets1(b.network[i] as number) && !smets1SpData
                  ? NotMeasurableReason.NO_SMETS1_SP_DATA
                  : inv !== undefined && (inv.caps & ModelCapability.NO_IMAGE_ACK) !== 0
                    ? NotMeasurableReason.NO_ACK
                    : NotMeasurableReason.NONE;
            const requestId = b.requestId[i] as number;
            const r = newTargetRecord(
              campaignLabel(version),
              deviceType,
              b.network[i] as number,
              inv?.model ?? 'unknown',
              requestId,
              version,
              time,
              reason,
            );
            const list = targets.get(device);
            if (list === undefined) targets.set(device, [r]);
            else list.push(r);
            const devices = listed.get(requestId);
            if (devices === undefined) listed.set(requestId, [device]);
            else devices.push(device);
            break;
          }
          case EventKind.SERVICE_REQUEST:
            if (code === Srv.ACTIVATE_FIRMWARE) {
              const r = byVersion(device, b.ref[i] as number);
              if (r !== undefined) r.activationRequestId = b.requestId[i] as number;
            }
            break;
          case EventKind.SERVICE_RESPONSE: {
            const outcome = b.outcome[i] as number;
            const requestId = b.requestId[i] as number;
            if (isFirmwareListSrv(code)) {
              if (outcome === Outcome.REJECTED) {
                for (const d of listed.get(requestId) ?? []) {
                  const r = byRequest(d, requestId);
                  if (r !== undefined) r.rejectedAt = time;
                }
              }
              listed.delete(requestId);
            } else if (code === Srv.ACTIVATE_FIRMWARE) {
              activation(byActivation(device, requestId), time, outcome);
            } else if (code === Srv.READ_FIRMWARE_VERSION && outcome === Outcome.SUCCESS) {
              const r = byVersion(device, b.value[i] as number);
              if (r !== undefined && Number.isNaN(r.confirmedAt)) r.confirmedAt = time;
            }
            break;
          }
          case EventKind.DCC_ALERT: {
            const r = byRequest(device, b.ref[i] as number);
            if (r === undefined) break;
            if (code === FirmwareAlert.DELIVERED) {
              if (Number.isNaN(r.chDeliveredAt)) r.chDeliveredAt = time;
            } else if (code === FirmwareAlert.DELIVERY_FAILED) {
              r.chFailedAt = time;
              r.failedAt = time;
            } else if (code === FirmwareAlert.S1SP_DISTRIBUTED) {
              // For a model that cannot acknowledge, the SMETS1 SP reports "the distribution
              // status to the Communications Hub" only (MP122B); otherwise receipt by the device.
              if (r.notMeasurable === NotMeasurableReason.NO_ACK) {
                if (Number.isNaN(r.chDeliveredAt)) r.chDeliveredAt = time;
              } else if (Number.isNaN(r.receivedAt)) r.receivedAt = time;
            } else if (code === FirmwareAlert.S1SP_DISTRIBUTION_FAILED) {
              if (r.notMeasurable === NotMeasurableReason.NO_ACK) r.chFailedAt = time;
              r.failedAt = time;
            }
            break;
          }
          case EventKind.DEVICE_ALERT: {
            const ref = b.ref[i] as number;
            if (code === FirmwareAlert.FUTURE_DATED_SUCCESS || code === FirmwareAlert.FUTURE_DATED_FAILURE) {
              const outcome =
                code === FirmwareAlert.FUTURE_DATED_SUCCESS ? Outcome.SUCCESS : (b.outcome[i] as number) || Outcome.ACTIVATION_FAILURE;
              activation(byActivation(device, ref), time, outcome);
              break;
            }
            const r = byRequest(device, ref);
            if (r === undefined) break;
            if (code === FirmwareAlert.RECEIPT_VERIFIED || code === FirmwareAlert.TRANSFER_SUCCESS) {
              if (Number.isNaN(r.receivedAt)) r.receivedAt = time;
            } else if (code === FirmwareAlert.RECEIPT_VERIFICATION_FAILED || code === FirmwareAlert.TRANSFER_FAIL) {
              r.failedAt = time;
            } else if (code === FirmwareAlert.PPMID_ACTIVATION) {
              activation(r, time, (b.outcome[i] as number) || Outcome.SUCCESS);
            }
            break;
          }
          default:
            break;
        }
      }
    },
    report(asOfMs: number): MetricSample[] {
      // Map iteration order follows arrival order, but the table sorts its samples, so the
      // report does not depend on it.
      const figures = new FirmwareFigures();
      for (const rs of targets.values()) for (const r of rs) figures.add(r);
      const out = new MetricTable();
      figures.report(out, asOfMs);
      return out.samples();
    },
  };
}
