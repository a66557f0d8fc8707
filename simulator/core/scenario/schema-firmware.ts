import { z } from 'zod';
import { FIRMWARE_DEVICE_TYPES, NETWORK_NAMES, nonNegative, offset, positiveInt, share } from './schema-primitives.js';

/** A device model and what it can do with firmware (docs/domain.md §1.5–1.7; MP122B R3). */
export const DeviceModelSchema = z.strictObject({
  /** The model as the DCC inventory holds it (sent as the INVENTORY event's code). */
  name: z.string().min(1, 'must not be empty').max(60, 'must be at most 60 characters'),
  deviceType: z.enum(FIRMWARE_DEVICE_TYPES),
  /** Networks where this model is fitted; default every network. */
  networks: z.array(z.enum(NETWORK_NAMES)).min(1).optional(),
  /** Weight among the models of the same device type fitted on a network. */
  share: nonNegative().default(1),
  /** false for models that cannot acknowledge receipt of an image (IOC/MDS PPMIDs, R3). */
  acksImage: z.boolean().default(true),
  /** Whether 11.3 may be future-dated for this model. */
  futureDatedActivation: z.boolean().default(true),
});

/** One firmware campaign: one image for one device type, sent as many 11.1 (or 11.4) requests. */
export const FirmwareCampaignSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  deviceType: z.enum(FIRMWARE_DEVICE_TYPES),
  /** The image's FirmwareVersion (1–255), unique per campaign: what the pipeline can see of a campaign. */
  firmwareVersion: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(255, 'must be ≤ 255'),
  /** When the first 11.1 is sent, after the scenario start. */
  start: offset.default('0s'),
  /** The 11.1 requests are spread evenly over this period. */
  submitOver: offset.default('1d'),
  /** Share of eligible devices (type, networks, models) that the campaign targets. */
  targetShare: share().default(1),
  networks: z.array(z.enum(NETWORK_NAMES)).min(1).optional(),
  /** Only devices of these models; default every model. */
  models: z.array(z.string().min(1).max(60)).min(1).optional(),
  /** Devices per DeviceIDList (U13: the DUIS limit is unknown). */
  requestSize: positiveInt(50_000).default(500),
  /** Service User's delay from the image acknowledgement (CH: from the 11.1) to 11.3. */
  activateAfter: offset.default('1d'),
  /** Share of 11.3 sent future-dated (to models that support it). */
  futureDatedShare: share().default(0.3),
  /** How far ahead a future-dated 11.3 executes. */
  futureDatedLead: offset.default('12h'),
  /** 11.2 Read Firmware Version after a successful activation, this long after it. */
  readBackAfter: offset.default('2h'),
});

export const FirmwareOutageSchema = z.strictObject({
  network: z.enum(NETWORK_NAMES),
  /** Offset from the scenario start. */
  start: offset,
  duration: offset,
});

/** Firmware delivery, acknowledgement and activation (R3; docs/domain.md §1.4–1.7, §4.2). */
export const FirmwareSchema = z.strictObject({
  deviceModels: z.array(DeviceModelSchema).max(250).optional(),
  /**
   * Whether the SMETS1 Service Providers report each SMETS1 target's firmware distribution (CR1440:
   * "the success or failure and Round Trip Time of both the upload and activation"). false: the
   * interim, where SMETS1 firmware is measured by 11.3 activation only.
   */
  smets1SpData: z.boolean().default(true),
  /** PPMID premises whose CH runs SECMP0007 firmware able to deliver PPMID images [ASSUMPTION]. */
  chPpmidFirmwareShare: share().default(0.95),
  campaigns: z
    .array(FirmwareCampaignSchema)
    .min(1, 'must list at least one campaign')
    .max(100)
    .superRefine((campaigns, ctx) => {
      const seen = new Set<number>();
      campaigns.forEach((c, i) => {
        if (seen.has(c.firmwareVersion))
          ctx.addIssue({ code: 'custom', path: [i, 'firmwareVersion'], message: "must differ from every other campaign's" });
        seen.add(c.firmwareVersion);
      });
    }),
  /** Share of 11.1 / 11.4 requests failing DSP validation. */
  dspRejectShare: share().default(0.002),
  /** Median WAN delivery time to the CH (CSP / SMETS1 SP): "multiday" (S7b) [ASSUMPTION]. */
  wanDelayMedian: offset.default('8h'),
  /** Median HAN transfer time from the CH to the device. */
  hanDelayMedian: offset.default('2h'),
  /** Per-attempt failure of the WAN and of the HAN legs; attempts are retried. */
  wanAttemptFailure: share().default(0.03),
  hanAttemptFailure: share().default(0.05),
  maxWanAttempts: positiveInt(20).default(3),
  maxHanAttempts: positiveInt(20).default(3),
  retryAfter: offset.default('6h'),
  /** Share of targets offline when the campaign reaches them, and for how long (mean). */
  offlineShare: share().default(0.02),
  offlineMean: offset.default('2d'),
  /** Share of received images failing verification (0x8F1C). */
  verificationFailure: share().default(0.005),
  /** Share of image acknowledgements lost on the way to the DCC. */
  ackLoss: share().default(0.002),
  /** 11.3 Execution Outcomes on a device holding the image: hash mismatch, activation failure. */
  hashMismatch: share().default(0.002),
  activationFailure: share().default(0.005),
  /** WAN outages during which no image reaches a CH of that network. */
  outages: z.array(FirmwareOutageSchema).max(100).default([]),
});
