/**
 * The domain vocabulary shared by the simulator, its truth accumulators and the reference
 * pipeline. Numeric values mirror the enums of proto/smsim/v1/events.proto exactly (a contract
 * test checks it), so columns travel as small integers.
 */

export const EventKind = {
  SERVICE_REQUEST: 1,
  SERVICE_RESPONSE: 2,
  DEVICE_LIST_ENTRY: 3,
  DEVICE_ALERT: 4,
  DCC_ALERT: 5,
  INCIDENT_RAISED: 6,
  INCIDENT_CLOSED: 7,
  INCIDENT_REOPENED: 8,
  INVENTORY: 9,
  OUTAGE_START: 10,
  OUTAGE_END: 11,
  INCIDENT_RESPONDED: 12,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];
export const EVENT_KIND_MAX = 12;

export const DeviceType = {
  CH: 1,
  ESME: 2,
  GSME: 3,
  GPF: 4,
  IHD: 5,
  PPMID: 6,
  HCALCS: 7,
} as const;
export type DeviceType = (typeof DeviceType)[keyof typeof DeviceType];
export const DEVICE_TYPE_MAX = 7;
export const DEVICE_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'CH',
  2: 'ESME',
  3: 'GSME',
  4: 'GPF',
  5: 'IHD',
  6: 'PPMID',
  7: 'HCALCS',
};

/** A SMETS2 CSP region or a SMETS1 cohort (docs/domain.md §3). */
export const Network = {
  CSP_NORTH: 1,
  CSP_CENTRAL: 2,
  CSP_SOUTH: 3,
  SMETS1_IOC: 4,
  SMETS1_MOC: 5,
  SMETS1_FOC: 6,
} as const;
export type Network = (typeof Network)[keyof typeof Network];
export const NETWORK_MAX = 6;

/** Label values used in reports: regions for SMETS2, cohorts for SMETS1. */
export const NETWORK_LABELS: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'north',
  2: 'central',
  3: 'south',
  4: 'ioc',
  5: 'moc',
  6: 'foc',
};
/** Label → Network number ("north" → 1 … "foc" → 6), for scenario files. */
export const NETWORK_BY_LABEL: Readonly<Record<string, number>> = { north: 1, central: 2, south: 3, ioc: 4, moc: 5, foc: 6 };
export const REGIONS = ['north', 'central', 'south'] as const;
export type Region = (typeof REGIONS)[number];
export const COHORTS = ['ioc', 'moc', 'foc'] as const;
export type Cohort = (typeof COHORTS)[number];

export function isSmets1(network: number): boolean {
  return network >= Network.SMETS1_IOC && network <= Network.SMETS1_FOC;
}

export function smetsLabel(network: number): 'smets1' | 'smets2' {
  return isSmets1(network) ? 'smets1' : 'smets2';
}

export const Outcome = {
  SUCCESS: 1,
  FAILURE: 2,
  TIMEOUT: 3,
  REJECTED: 4,
  ACCEPTED: 5,
  NO_IMAGE_HELD: 6,
  HASH_MISMATCH: 7,
  ACTIVATION_FAILURE: 8,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];
export const OUTCOME_MAX = 8;

export const ResolverGroup = {
  DCC: 1,
  DSP: 2,
  CSP_NORTH: 3,
  CSP_CENTRAL: 4,
  CSP_SOUTH: 5,
  SMETS1_SP: 6,
  DCO: 7,
  OTHER: 8,
} as const;
export type ResolverGroup = (typeof ResolverGroup)[keyof typeof ResolverGroup];
export const RESOLVER_GROUP_MAX = 8;

/** SRV numbers (DUIS; docs/domain.md §1.2, §6.1). */
export const Srv = {
  CH_INSTALL_SUCCESS: '8.14.1',
  CH_INSTALL_NO_SM_WAN: '8.14.2',
  CH_FAULT_RETURN: '8.14.3',
  CH_NO_FAULT_RETURN: '8.14.4',
  COMMISSION_DEVICE: '8.1.1',
  UPDATE_HAN_DEVICE_LOG: '8.11',
  UPDATE_FIRMWARE: '11.1',
  READ_FIRMWARE_VERSION: '11.2',
  ACTIVATE_FIRMWARE: '11.3',
  UPDATE_PPMID_FIRMWARE: '11.4',
} as const;

/**
 * Firmware alert codes (docs/domain.md §1.5, GP `alertCodes`): the Firmware Distribution Receipt
 * Alert carries 0x8F72 (verified) or 0x8F1C (verification failed); CCS08 Firmware Transfer Alert
 * from the CH 0x8F8A / 0x8F89; future-dated 11.3 outcome 0x8F66 / 0x8F67; DCC Alerts N60 / N61
 * (S7b). GBCS gives CS09 (PPMID Firmware Activation Alert) no alert code in the sources we
 * have, so its use-case name stands in for one [ASSUMPTION].
 */
export const FirmwareAlert = {
  RECEIPT_VERIFIED: '0x8F72',
  RECEIPT_VERIFICATION_FAILED: '0x8F1C',
  TRANSFER_SUCCESS: '0x8F8A',
  TRANSFER_FAIL: '0x8F89',
  FUTURE_DATED_SUCCESS: '0x8F66',
  FUTURE_DATED_FAILURE: '0x8F67',
  PPMID_ACTIVATION: 'CS09',
  DELIVERED: 'N60',
  DELIVERY_FAILED: 'N61',
  /**
   * SMETS1 SP firmware distribution status (CR1440: "the success or failure and Round Trip Time of
   * both the upload and activation of Firmware Images to individual Devices"), sent as DCC Alerts:
   * the image reached the device (its SMETS1 comms hub for a model that cannot acknowledge), or
   * did not. MP122B names "three new SMETS1 Service Providers Alerts" but not their codes, so
   * these names stand in for them [ASSUMPTION]; activation is told by the 11.3 response.
   */
  S1SP_DISTRIBUTED: 'S1SP-FW-DELIVERED',
  S1SP_DISTRIBUTION_FAILED: 'S1SP-FW-NOT-DELIVERED',
} as const;

/**
 * An INVENTORY event's `value`: capability flags in bits 0–7 (ModelCapability), and in bits 8–15
 * the FirmwareVersion the device runs once its Service Provider has activated an image itself
 * (CH firmware, sent directly over the CSP / SMETS1 SP network: MP122B R3), 0 = not stated.
 */
export const INVENTORY_CAPS_MASK = 0xff;
export const INVENTORY_FIRMWARE_SHIFT = 8;

/**
 * Capability flags of a device model, sent as the `value` of an EVENT_KIND_INVENTORY event (as
 * the DCC inventory / Central Products List would hold them). 0 = fully capable, so inventory
 * events from other processes (value 0) never mark a device as unable to acknowledge.
 */
export const ModelCapability = {
  /** The device cannot acknowledge receipt of a firmware image (IOC/MDS PPMIDs, MP122B R3). */
  NO_IMAGE_ACK: 1,
  /** The device cannot activate firmware at a future date-time (11.3 future-dated). */
  NO_FUTURE_DATED_ACTIVATION: 2,
  /** PPMIDs: the device's CH does not run SECMP0007 firmware able to deliver PPMID images. */
  CH_NO_PPMID_FIRMWARE: 4,
} as const;

/** Incident type raised by a Supplier or CSP when a CH has no SM WAN at install (CR1429). */
export const INCIDENT_NO_SM_WAN = 'NO_SM_WAN';

/** GBCS Device Alert codes smsim's alert traffic uses (docs/domain.md §1.8, [FACT] GP util.ts). */
export const AlertCode = {
  SUPPLY_OUTAGE_RESTORED: '0x8F35',
  SUPPLY_OUTAGE_RESTORED_3MIN: '0x8F36',
  TAMPER_DETECT: '0x8F3F',
  LOW_CREDIT: '0x810D',
  CREDIT_BELOW_DISABLEMENT: '0x8F0F',
  CLOCK_NOT_ADJUSTED: '0x8F0C',
  /** DCC Alert: result of an 8.11 Update HAN Device Log (§1.6). */
  DCC_N24: 'N24',
} as const;
