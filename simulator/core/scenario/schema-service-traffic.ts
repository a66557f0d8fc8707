import { WITHIN_TARGET_RULES } from '../domain/metrics/metric-config.js';
import { z } from 'zod';
import { duration, instant, nonNegative, share } from './schema-primitives.js';

const latencyProfile = z.strictObject({ median: duration('duration'), sigma: z.number().min(0).max(3) });
const srvCode = z.string().regex(/^\d+(\.\d+){0,2}$/, 'must be an SRV number such as "4.1.1"');

export const MixEntrySchema = z.strictObject({
  srv: srvCode,
  /** Requests per premises per day. */
  perPremisesPerDay: nonNegative(),
  dccScheduled: z.boolean().default(false),
  futureDatedShare: share().default(0),
  profile: z.enum(['overnight', 'daytime', 'flat']).default('daytime'),
});

export const ServiceRequestsSchema = z.strictObject({
  /** Multiplies every rate of the mix (e.g. 0.5 for half the GB traffic per premises). */
  scale: nonNegative().default(1),
  /** The daily SRV mix; default: the GB mix (docs/domain.md §6.3). */
  mix: z.array(MixEntrySchema).max(200).optional(),
  /** Change of Supplier chains (6.23 then a dependent 1.1.1) per premises per day. */
  changeOfSupplierPerPremisesPerDay: nonNegative().optional(),
  latency: z
    .strictObject({ north: latencyProfile, central: latencyProfile, south: latencyProfile, smets1: latencyProfile })
    .partial()
    .optional(),
  failureShare: z.strictObject({ smets2: share(), smets1: share() }).optional(),
  timeout: duration('duration').optional(),
});

export const PowerCutSchema = z.strictObject({
  region: z.enum(['north', 'central', 'south']),
  start: instant,
  duration: duration('duration'),
  /** Share of the region's premises that lose power. */
  affectedShare: share(),
  /** Restore alerts are spread over this long after the power returns (meters randomise). */
  restoreSpread: duration('duration').default('10m'),
});

export const AlertsSchema = z.strictObject({
  perPremisesPerDay: nonNegative().optional(),
  /** Relative weight per alert code (GBCS "0x8F35" or DCC "N24"). */
  codes: z.record(z.string().min(1).max(20), nonNegative()).optional(),
  powerCuts: z.array(PowerCutSchema).max(100).default([]),
  stormProtection: z
    .strictObject({ perMinute: nonNegative().optional(), exempt: z.array(z.string().min(1).max(20)).max(100).optional() })
    .default({}),
  /** Alerts per second each CSP / the SMETS1 SPs validate over the whole estate. */
  cspCapacityPerSecond: nonNegative().optional(),
});

export const ExclusionSchema = z.strictObject({
  measure: z.enum(['srv', 'cpm1', 'cpm2']).default('srv'),
  /** Service User name (as in serviceUsers). */
  user: z.string().min(1).max(100).optional(),
  srv: srvCode.optional(),
  network: z.enum(['north', 'central', 'south', 'ioc', 'moc', 'foc']).optional(),
  device: z.number().int().min(1).optional(),
  reason: z.enum(['user-orchestration', 'allowed-exception', 'access-not-granted', 'other']),
  validFrom: instant,
  validTo: instant,
});

/** Pipeline configuration: Target Response Times and the governed exclusion list. */
export const MeasurementSchema = z.strictObject({
  targets: z
    .strictObject({
      onDemand: duration('duration'),
      critical: duration('duration'),
      transform: duration('duration'),
      futureDated: duration('duration'),
      dccScheduled: duration('duration'),
      nonDevice: duration('duration'),
      alert: duration('duration'),
    })
    .partial()
    .default({}),
  exclusions: z.array(ExclusionSchema).max(10_000).default([]),
  /** Which responses count within target (docs/metrics.md): successful ones, or any delivered in time. */
  withinTarget: z.enum(WITHIN_TARGET_RULES).default('successfulResponse'),
});
