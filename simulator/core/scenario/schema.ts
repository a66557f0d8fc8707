import { z } from 'zod';
import { parseDuration } from '../time.js';

/*
 * The scenario file format (YAML, validated here). Every object is strict: an unknown key is an
 * error, never silently ignored. Defaults come from the published GB figures (domain/gb-figures),
 * scaled to the scenario's estate. docs/scenarios.md documents each field.
 */

const share = (): z.ZodNumber => z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const nonNegative = (): z.ZodNumber => z.number().min(0, 'must be ≥ 0').max(1e12, 'must be ≤ 1e12');
const positiveInt = (max: number): z.ZodNumber =>
  z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(max, `must be ≤ ${max}`);

const duration = (what: string) =>
  z.string().refine((s) => {
    const ms = parseDuration(s);
    return ms !== undefined && ms > 0 && ms <= 400 * 24 * 3600 * 1000;
  }, `must be a ${what} such as "7d", "12h" or "30m" (at most 400d)`);

const instant = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) && Number.isFinite(Date.parse(s)),
    'must be an ISO 8601 date or date-time such as "2026-03-02" or "2026-03-02T00:00:00Z"',
  )
  // The wire refuses event times outside 2000–2099 as absurd (harness/wire/codec.ts); a run of up
  // to 400 days from this start stays inside.
  .refine((s) => {
    const ms = Date.parse(s);
    return !Number.isFinite(ms) || (ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2098, 0, 1));
  }, 'must be between 2000-01-01 and 2097-12-31');

/** Shares that must add up to 1 (regions, cohorts). */
function addUpToOne(v: Record<string, number>, ctx: z.RefinementCtx): void {
  const sum = Object.values(v).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) ctx.addIssue({ code: 'custom', message: `shares must add up to 1 (they add up to ${sum})` });
}

const regionShares = z.strictObject({ north: share(), central: share(), south: share() }).superRefine(addUpToOne);
const cohortShares = z.strictObject({ ioc: share(), moc: share(), foc: share() }).superRefine(addUpToOne);
const perRegion = z.strictObject({ north: share(), central: share(), south: share() });

export const EstateSchema = z.strictObject({
  /** Premises in service at the start (SMETS2 and SMETS1). */
  premises: positiveInt(40_000_000),
  /** Premises per shard: the unit of determinism and of parallel work. */
  premisesPerShard: positiveInt(10_000_000).default(10_000),
  smets1Share: share().optional(),
  regions: regionShares.optional(),
  cohorts: cohortShares.optional(),
  gasShare: share().optional(),
  ppmidShare: share().optional(),
});

export const InstallReportingSchema = z.strictObject({
  /** Share of WAN-connected installs this Service User reports with 8.14.1. */
  sends8141: share().default(0.99),
  /** Share of installs without SM WAN this Service User reports with 8.14.2. */
  sends8142: share().default(0.95),
  /** Share of installs without SM WAN for which it raises a no-WAN Incident (CR1429). */
  raisesNoWanIncident: share().default(0.3),
});

export const ServiceUserSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  /** Share of premises (and of installs) this Service User supplies. */
  share: share(),
  installReporting: InstallReportingSchema.default({ sends8141: 0.99, sends8142: 0.95, raisesNoWanIncident: 0.3 }),
});

export const InstallsSchema = z.strictObject({
  /** CH installs per day over the whole estate; default: the GB rate scaled to the estate. */
  perDay: nonNegative().optional(),
  /** Installs on Saturdays and Sundays as a share of the weekday rate. */
  weekendFactor: share().default(0.3),
  noWanAtInstall: perRegion.optional(),
  faultReturnShare: share().optional(),
  noFaultReturnShare: share().optional(),
  /** What happens to CHs installed without SM WAN: connect within 90 days, later, or (rest) never. */
  wanLater: z
    .strictObject({ within90Days: share().default(0.55), after90Days: share().default(0.15) })
    .superRefine((v, ctx) => {
      if (v.within90Days + v.after90Days > 1 + 1e-9)
        ctx.addIssue({ code: 'custom', message: 'within90Days + after90Days must be ≤ 1' });
    })
    .default({ within90Days: 0.55, after90Days: 0.15 }),
  /** Share of 8.1.1 Commission Device requests that succeed. */
  commissionSuccess: share().default(0.985),
});

export const TrafficSchema = z.strictObject({
  installs: InstallsSchema.optional(),
});

export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    description: z.string().max(20_000).optional(),
    seed: z.union([z.number().int('must be a whole number'), z.string().min(1).max(200)], {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a whole number or a non-empty string'),
    }),
    start: instant,
    duration: duration('duration'),
    /** Events per batch on the wire (DESIGN.md §5: ~1000 is the sweet spot). */
    batchSize: positiveInt(100_000).default(1000),
    estate: EstateSchema,
    serviceUsers: z
      .array(ServiceUserSchema)
      .min(1, 'must list at least one Service User')
      .max(1000)
      .superRefine((users, ctx) => {
        const sum = users.reduce((a, u) => a + u.share, 0);
        if (Math.abs(sum - 1) > 1e-6) ctx.addIssue({ code: 'custom', message: `shares must add up to 1 (they add up to ${sum})` });
      }),
    traffic: TrafficSchema.default({}),
    /** Expectations checked after the run (see docs/expectations.md). */
    expect: z.array(z.string().min(1).max(1000)).max(1000).default([]),
  });

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;
