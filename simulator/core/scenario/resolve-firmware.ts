import { NETWORK_BY_LABEL } from '../domain/vocabulary.js';
import { parseDuration } from '../time.js';
import type { Scenario } from './schema.js';

export interface ResolvedDeviceModel {
  readonly name: string;
  /** DeviceType number (vocabulary.ts). */
  readonly deviceType: number;
  /** Network numbers where it is fitted. */
  readonly networks: readonly number[];
  readonly share: number;
  readonly acksImage: boolean;
  readonly futureDatedActivation: boolean;
}

export interface ResolvedFirmwareCampaign {
  readonly name: string;
  readonly deviceType: number;
  readonly firmwareVersion: number;
  readonly startMs: number;
  readonly submitOverMs: number;
  readonly targetShare: number;
  readonly networks: readonly number[];
  /** Model names, or null for every model. */
  readonly models: readonly string[] | null;
  readonly requestSize: number;
  readonly activateAfterMs: number;
  readonly futureDatedShare: number;
  readonly futureDatedLeadMs: number;
  readonly readBackAfterMs: number;
}

export interface ResolvedFirmware {
  /** Every model; index + 1 is what the estate stores. */
  readonly deviceModels: readonly ResolvedDeviceModel[];
  readonly chPpmidFirmwareShare: number;
  /** CR1440: the SMETS1 SPs report per-device firmware distribution (S1SP firmware alerts). */
  readonly smets1SpData: boolean;
  readonly campaigns: readonly ResolvedFirmwareCampaign[];
  readonly dspRejectShare: number;
  readonly wanDelayMedianMs: number;
  readonly hanDelayMedianMs: number;
  readonly wanAttemptFailure: number;
  readonly hanAttemptFailure: number;
  readonly maxWanAttempts: number;
  readonly maxHanAttempts: number;
  readonly retryAfterMs: number;
  readonly offlineShare: number;
  readonly offlineMeanMs: number;
  readonly verificationFailure: number;
  readonly ackLoss: number;
  readonly hashMismatch: number;
  readonly activationFailure: number;
  readonly outages: ReadonlyArray<{ readonly network: number; readonly startMs: number; readonly endMs: number }>;
}

const ALL_NETWORKS: readonly number[] = [1, 2, 3, 4, 5, 6];
const FIRMWARE_DEVICE_TYPE: Readonly<Record<string, number>> = { CH: 1, ESME: 2, GSME: 3, PPMID: 6 };
const ms = (text: string): number => parseDuration(text) as number;

/**
 * Default device models (docs/domain.md §3.3, U11): every IOC PPMID is an IOC/MDS PPMID, which cannot
 * acknowledge an image (MP122B R3); everything else is a generic, fully capable model. A
 * scenario's `deviceModels` replaces the list; a device type or network with no listed model
 * gets the generic one.
 */
export const DEFAULT_DEVICE_MODELS: readonly ResolvedDeviceModel[] = [
  { name: 'CH-generic', deviceType: 1, networks: ALL_NETWORKS, share: 1, acksImage: true, futureDatedActivation: true },
  { name: 'ESME-generic', deviceType: 2, networks: ALL_NETWORKS, share: 1, acksImage: true, futureDatedActivation: true },
  { name: 'GSME-generic', deviceType: 3, networks: ALL_NETWORKS, share: 1, acksImage: true, futureDatedActivation: true },
  { name: 'PPMID-generic', deviceType: 6, networks: [1, 2, 3, 5, 6], share: 1, acksImage: true, futureDatedActivation: true },
  { name: 'PPMID-IOC-MDS', deviceType: 6, networks: [4], share: 1, acksImage: false, futureDatedActivation: false },
];

type FirmwareInput = NonNullable<Scenario['traffic']['firmware']>;

export function resolveFirmware(f: FirmwareInput, startMs: number): ResolvedFirmware {
  const listed: ResolvedDeviceModel[] = (f.deviceModels ?? []).map((m) => ({
    name: m.name,
    deviceType: FIRMWARE_DEVICE_TYPE[m.deviceType] as number,
    networks: m.networks === undefined ? ALL_NETWORKS : m.networks.map((n) => NETWORK_BY_LABEL[n] as number),
    share: m.share,
    acksImage: m.acksImage,
    futureDatedActivation: m.futureDatedActivation,
  }));
  // Generic models fill any (device type, network) the scenario's list leaves empty.
  const models = f.deviceModels === undefined ? [...DEFAULT_DEVICE_MODELS] : listed;
  for (const generic of DEFAULT_DEVICE_MODELS.slice(0, 4)) {
    const uncovered = ALL_NETWORKS.filter(
      (n) => !models.some((m) => m.deviceType === generic.deviceType && m.share > 0 && m.networks.includes(n)),
    );
    if (uncovered.length > 0 && !models.some((m) => m.name === generic.name)) models.push({ ...generic, networks: uncovered });
  }
  return {
    deviceModels: models,
    chPpmidFirmwareShare: f.chPpmidFirmwareShare,
    smets1SpData: f.smets1SpData,
    campaigns: f.campaigns.map((c) => ({
      name: c.name,
      deviceType: FIRMWARE_DEVICE_TYPE[c.deviceType] as number,
      firmwareVersion: c.firmwareVersion,
      startMs: startMs + ms(c.start),
      submitOverMs: ms(c.submitOver),
      targetShare: c.targetShare,
      networks: c.networks === undefined ? ALL_NETWORKS : c.networks.map((n) => NETWORK_BY_LABEL[n] as number),
      models: c.models ?? null,
      requestSize: c.requestSize,
      activateAfterMs: ms(c.activateAfter),
      futureDatedShare: c.futureDatedShare,
      futureDatedLeadMs: ms(c.futureDatedLead),
      readBackAfterMs: ms(c.readBackAfter),
    })),
    dspRejectShare: f.dspRejectShare,
    wanDelayMedianMs: ms(f.wanDelayMedian),
    hanDelayMedianMs: ms(f.hanDelayMedian),
    wanAttemptFailure: f.wanAttemptFailure,
    hanAttemptFailure: f.hanAttemptFailure,
    maxWanAttempts: f.maxWanAttempts,
    maxHanAttempts: f.maxHanAttempts,
    retryAfterMs: ms(f.retryAfter),
    offlineShare: f.offlineShare,
    offlineMeanMs: ms(f.offlineMean),
    verificationFailure: f.verificationFailure,
    ackLoss: f.ackLoss,
    hashMismatch: f.hashMismatch,
    activationFailure: f.activationFailure,
    outages: f.outages.map((o) => ({
      network: NETWORK_BY_LABEL[o.network] as number,
      startMs: startMs + ms(o.start),
      endMs: startMs + ms(o.start) + ms(o.duration),
    })),
  };
}
