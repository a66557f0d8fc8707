/**
 * Default daily Service Request mix and alert traffic for a GB-shaped estate. Every value is an
 * [ASSUMPTION] (docs/domain.md §6.3, §4.2) a scenario can override.
 *
 * Anchors: ~2.2 bn messages a month ≈ 73 m a day (V-8) over ~17.8 m premises ≈ 4 messages per
 * premises per day, a request and its response being 2; ~60 % of messages are daily-read bursts
 * (V-1b), DCC-scheduled overnight; alerts 5–15 % of messages (§4.2).
 */

export type MixProfile = 'overnight' | 'daytime' | 'flat';

export interface MixEntryDefault {
  readonly srv: string;
  /** Requests per premises per day. */
  readonly perPremisesPerDay: number;
  /** DCC-scheduled executions (the SRV must allow it, §6.4) rather than User requests. */
  readonly dccScheduled?: boolean;
  /** Share of requests sent future-dated (the SRV's FD pattern must allow it). */
  readonly futureDatedShare?: number;
  readonly profile: MixProfile;
}

export const GB_SRV_MIX: readonly MixEntryDefault[] = [
  // Daily-read bursts (§6.3: 55–60 % of requests), DCC-scheduled overnight.
  { srv: '4.8.1', perPremisesPerDay: 0.5, dccScheduled: true, profile: 'overnight' },
  { srv: '4.6.1', perPremisesPerDay: 0.45, dccScheduled: true, profile: 'overnight' },
  { srv: '4.17', perPremisesPerDay: 0.25, dccScheduled: true, profile: 'overnight' },
  // On-demand reads 8–10 %.
  { srv: '4.1.1', perPremisesPerDay: 0.17, profile: 'daytime' },
  // Prepayment 8–12 %.
  { srv: '2.2', perPremisesPerDay: 0.1, profile: 'daytime' },
  { srv: '4.18', perPremisesPerDay: 0.05, profile: 'daytime' },
  { srv: '4.3', perPremisesPerDay: 0.03, profile: 'daytime' },
  { srv: '2.1', perPremisesPerDay: 0.005, profile: 'daytime' },
  // Tariff / price 3–5 %, mostly future-dated.
  { srv: '1.2.1', perPremisesPerDay: 0.03, futureDatedShare: 0.9, profile: 'daytime' },
  { srv: '1.1.1', perPremisesPerDay: 0.02, futureDatedShare: 0.8, profile: 'daytime' },
  // Security 3–5 % (KRP updates, critical).
  { srv: '6.15.1', perPremisesPerDay: 0.02, profile: 'flat' },
  // Config / other.
  { srv: '7.4', perPremisesPerDay: 0.03, profile: 'daytime' },
  { srv: '6.2.7', perPremisesPerDay: 0.02, profile: 'daytime' },
  { srv: '8.9', perPremisesPerDay: 0.01, profile: 'daytime' },
  { srv: '11.2', perPremisesPerDay: 0.01, profile: 'daytime' },
];

/** Change of Supplier: 6.23 (CoS credentials), then the new Supplier's 1.1.1 tariff, which depends on it. */
export const GB_CHANGE_OF_SUPPLIER_PER_PREMISES_PER_DAY = 0.001;

/** Hours of the UK day each profile covers: overnight reads 01:00–05:00, daytime 07:00–22:00. */
export const PROFILE_HOURS: Readonly<Record<MixProfile, readonly [number, number]>> = {
  overnight: [1, 5],
  daytime: [7, 22],
  flat: [0, 24],
};

/**
 * Round trip to the device by network (median ms, log-normal sigma) [ASSUMPTION, docs/domain.md
 * §3.4]: LRR in the North is slower; the South, with more mesh sites, a little slower than Central.
 */
export const GB_RESPONSE_LATENCY = {
  north: { median: 9_000, sigma: 0.6 },
  central: { median: 4_200, sigma: 0.5 },
  south: { median: 4_800, sigma: 0.55 },
  smets1: { median: 7_000, sigma: 0.7 },
} as const;

export const GB_FAILURE_SHARE = { smets2: 0.004, smets1: 0.01 } as const;
/** The DCC gives up on a device after this long and answers with a timeout [ASSUMPTION]. */
export const GB_RESPONSE_TIMEOUT_MS = 120_000;

/** Device and DCC alerts per premises per day (≈ 5 % of messages, §4.2) [ASSUMPTION]. */
export const GB_ALERTS_PER_PREMISES_PER_DAY = 0.2;
export const GB_ALERT_CODE_WEIGHTS: Readonly<Record<string, number>> = {
  '0x8F35': 0.2,
  '0x8F36': 0.1,
  '0x8F3F': 0.05,
  '0x810D': 0.3,
  '0x8F0F': 0.1,
  '0x8F0C': 0.15,
  N24: 0.1,
};

/** Median ms of each alert hop [ASSUMPTION]: CH → CSP / SMETS1 SP validated, → DSP validated, → User, → User confirms. */
export const GB_ALERT_HOP_MEDIANS = {
  cspValidation: { north: 2_500, central: 1_100, south: 1_300, smets1: 3_000 },
  dspValidation: 300,
  delivery: 400,
  confirmation: 800,
} as const;

/**
 * Alert Storm Protection (SECMP0062; TMM): alerts the DSP passes per minute, GB-wide, before it
 * throttles [ASSUMPTION]; codes on the TMM exclusion list are never throttled.
 */
export const GB_STORM_PROTECTION_PER_MINUTE = 30_000;
export const GB_STORM_PROTECTION_EXEMPT: readonly string[] = ['0x8F3F', '0x8F75'];
/** Alerts a CSP (or the SMETS1 SPs) validate per second, GB-wide [ASSUMPTION]. */
export const GB_CSP_ALERT_CAPACITY_PER_SECOND = 1_000;
