import { z } from 'zod';
import {
  DEFAULT_RESOLVED_WITHIN_TARGET,
  DEFAULT_RESPONDED_WITHIN_TARGET,
  DEFAULT_RESPONSE_TARGET_TEXT,
  DEFAULT_TARGET_TEXT,
  parseTarget,
} from '../domain/incident-targets.js';
import { duration, instant, nonNegative, share } from './schema-primitives.js';

const category = z.number().int('must be a whole number').min(1, 'must be 1–5').max(5, 'must be 1–5');
const networkName = z.enum(['north', 'central', 'south', 'ioc', 'moc', 'foc']);
const resolverName = z.enum(['dcc', 'dsp', 'csp-north', 'csp-central', 'csp-south', 'smets1-sp', 'dco', 'other']);
const target = z
  .string()
  .refine((s) => parseTarget(s) !== undefined, 'must be a Target Resolution Time such as "4h" or "5wd" (Working Days)');
const perCategory = <T extends z.ZodTypeAny>(t: () => T) => z.strictObject({ cat1: t(), cat2: t(), cat3: t(), cat4: t(), cat5: t() });

/** Incidents (MP122B R5, docs/domain.md §2.4). Rates and targets are [ASSUMPTION]/[UNVERIFIED] defaults. */
export const IncidentsSchema = z.strictObject({
  /** Incidents raised per month over the whole estate, per category; default: GB rates scaled. */
  perMonth: perCategory(nonNegative).optional(),
  /** Target Resolution Time per category: clock ("4h") or Working Days ("5wd"). */
  targetResolution: perCategory(() => target).default({ ...DEFAULT_TARGET_TEXT }),
  /** Target Initial Response Time per category (CR1420): clock ("15m") or Working Days ("1wd"). */
  targetInitialResponse: perCategory(() => target).default({ ...DEFAULT_RESPONSE_TARGET_TEXT }),
  /** Share of incidents given their initial response within the Target Initial Response Time, per category. */
  respondedWithinTarget: perCategory(share).default({ ...DEFAULT_RESPONDED_WITHIN_TARGET }),
  /** Share of incidents resolved within their Target Resolution Time, per category. */
  withinTarget: perCategory(share).default({ ...DEFAULT_RESOLVED_WITHIN_TARGET }),
  /** Share of closed incidents re-opened later. */
  reopenShare: share().default(0.03),
  /** Share raised by the DCC (the rest by Service Users). */
  raisedByDcc: share().default(0.25),
  /** Who resolves them: "network" = the CSP of the region, or the SMETS1 SP for SMETS1. */
  resolverGroups: z
    .strictObject({ dcc: nonNegative(), dsp: nonNegative(), network: nonNegative(), dco: nonNegative(), other: nonNegative() })
    .default({ dcc: 0.1, dsp: 0.15, network: 0.6, dco: 0.05, other: 0.1 }),
  /** Incidents at given times (raised in shard 0, network-wide), e.g. to straddle a month end. */
  fixed: z
    .array(
      z.strictObject({
        category,
        network: networkName,
        resolver: resolverName.optional(),
        type: z.string().min(1).max(100).default('FIXED'),
        raised: instant,
        /** Time from raised to the initial response (CR1420); absent = none. */
        respondedAfter: duration('duration').optional(),
        /** Time from raised to closed; absent = still open. */
        resolvedAfter: duration('duration').optional(),
        /** Re-opened this long after closing, and closed again after `reclosedAfter`. */
        reopenedAfter: duration('duration').optional(),
        reclosedAfter: duration('duration').optional(),
      }),
    )
    .max(10_000)
    .default([]),
});

/** Outages of the end-to-end service per CSP region / SMETS1 cohort (MP122B R6). */
export const OutagesSchema = z.strictObject({
  networks: z.array(networkName).max(6).default(['north', 'central', 'south', 'ioc', 'moc', 'foc']),
  planned: z
    .strictObject({ perMonth: nonNegative().default(1), duration: duration('duration').default('2h') })
    .default({ perMonth: 1, duration: '2h' }),
  unplanned: z
    .strictObject({ perMonth: nonNegative().default(0.5), meanDuration: duration('duration').default('40m') })
    .default({ perMonth: 0.5, meanDuration: '40m' }),
  fixed: z
    .array(z.strictObject({ network: networkName, start: instant, duration: duration('duration'), planned: z.boolean().default(false) }))
    .max(10_000)
    .default([]),
});
