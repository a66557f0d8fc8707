import { z } from 'zod';
import { FdPattern, SRV_CATALOGUE, srvIndex } from '../domain/srv-catalogue.js';
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
  );

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

/** How a Service User orchestrates dependent SRVs (MP122B R1). */
export const OrchestrationSchema = z.strictObject({
  /** Share of dependent SRVs sent without waiting for the previous one's success. */
  ignoresDependencies: share().default(0),
});

export const ServiceUserSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  /** A Supplier (import / gas) or a network operator (receives power alerts; supplies no premises). */
  role: z.enum(['supplier', 'networkOperator']).default('supplier'),
  orchestration: OrchestrationSchema.default({ ignoresDependencies: 0 }),
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
  /** The daily SRV mix; default: the GB mix (DOMAIN.md §6.3). */
  mix: z.array(MixEntrySchema).max(200).optional(),
  /** Change of Supplier chains (6.23 then a dependent 1.1.1) per premises per day. */
  changeOfSupplierPerPremisesPerDay: nonNegative().optional(),
  latency: z.strictObject({ north: latencyProfile, central: latencyProfile, south: latencyProfile, smets1: latencyProfile }).partial().optional(),
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

export const TrafficSchema = z.strictObject({
  installs: InstallsSchema.optional(),
  serviceRequests: ServiceRequestsSchema.optional(),
  alerts: AlertsSchema.optional(),
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
    measurement: MeasurementSchema.default({ targets: {}, exclusions: [] }),
    /** Expectations checked after the run (see docs/expectations.md). */
    expect: z.array(z.string().min(1).max(1000)).max(1000).default([]),
  })
  .superRefine(checkServiceTraffic);

/** Cross-field checks of the SRV mix and the exclusion list (each issue with its path). */
function checkServiceTraffic(s: { serviceUsers: ReadonlyArray<{ name: string }>; traffic: z.output<typeof TrafficSchema>; measurement: z.output<typeof MeasurementSchema> }, ctx: z.RefinementCtx): void {
  (s.traffic.serviceRequests?.mix ?? []).forEach((m, i) => {
    const path = ['traffic', 'serviceRequests', 'mix', i];
    const entry = SRV_CATALOGUE[srvIndex(m.srv)];
    if (entry === undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, 'srv'], message: `SRV ${m.srv} is not in smsim's SRV catalogue (docs/metrics.md)` });
      return;
    }
    if (m.dccScheduled && !entry.dccScheduled) ctx.addIssue({ code: 'custom', path: [...path, 'dccScheduled'], message: `SRV ${m.srv} cannot be DCC-scheduled (DUIS request matrix)` });
    if (m.futureDatedShare > 0 && entry.fdPattern === FdPattern.NO)
      ctx.addIssue({ code: 'custom', path: [...path, 'futureDatedShare'], message: `SRV ${m.srv} cannot be future-dated (DUIS request matrix)` });
    if (entry.nonDevice) ctx.addIssue({ code: 'custom', path: [...path, 'srv'], message: `SRV ${m.srv} is a Non-Device request; the mix sends device SRVs` });
  });
  const names = new Set(s.serviceUsers.map((u) => u.name));
  s.measurement.exclusions.forEach((x, i) => {
    const path = ['measurement', 'exclusions', i];
    if (x.user !== undefined && !names.has(x.user)) ctx.addIssue({ code: 'custom', path: [...path, 'user'], message: `no Service User named "${x.user}"` });
    if (x.srv !== undefined && srvIndex(x.srv) < 0) ctx.addIssue({ code: 'custom', path: [...path, 'srv'], message: `SRV ${x.srv} is not in smsim's SRV catalogue` });
    if (Date.parse(x.validTo) <= Date.parse(x.validFrom)) ctx.addIssue({ code: 'custom', path: [...path, 'validTo'], message: 'must be after validFrom' });
  });
}

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;
