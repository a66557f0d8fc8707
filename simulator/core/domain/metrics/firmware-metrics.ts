import type { EventBatchView } from '../event-batch.js';
import {
  DeviceType,
  EventKind,
  FirmwareAlert,
  INVENTORY_CAPS_MASK,
  INVENTORY_FIRMWARE_SHIFT,
  isSmets1,
  ModelCapability,
  Outcome,
  Srv,
} from '../vocabulary.js';
import type { MetricFamily } from './metric-family.js';
import { MetricTable, type MetricSample } from './metric-table.js';

import {
  campaignLabel,
  FirmwareFigures,
  newChImageRecord,
  newTargetRecord,
  NotMeasurableReason,
  type TargetRecord,
} from './firmware-figures.js';

const isFirmwareListSrv = (srv: string | undefined): boolean => srv === Srv.UPDATE_FIRMWARE || srv === Srv.UPDATE_PPMID_FIRMWARE;

/** Every code this family reads (SRVs 11.x and firmware alerts). */
const FIRMWARE_CODES: ReadonlySet<string> = new Set<string>([
  Srv.UPDATE_FIRMWARE,
  Srv.READ_FIRMWARE_VERSION,
  Srv.ACTIVATE_FIRMWARE,
  Srv.UPDATE_PPMID_FIRMWARE,
  ...Object.values(FirmwareAlert),
]);

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
