import { z } from 'zod';
import { BANK_HOLIDAYS_FIRST_YEAR, BANK_HOLIDAYS_LAST_YEAR } from '../calendar/bank-holidays.js';
import { FdPattern, SRV_CATALOGUE, srvIndex } from '../domain/srv-catalogue.js';
import { parseDuration } from '../time.js';
import { MAX_EVENTS_PER_BATCH, MAX_SHARDS } from '../domain/wire-limits.js';
import { FirmwareSchema } from './schema-firmware.js';
import { IncidentsSchema, OutagesSchema } from './schema-incidents.js';
import { duration, instant, nonNegative, positiveInt, share } from './schema-primitives.js';
import { AlertsSchema, MeasurementSchema, ServiceRequestsSchema } from './schema-service-traffic.js';

/*
 * The scenario file format (YAML, validated here). Every object is strict: an unknown key is an
 * error, never silently ignored. Defaults come from the published GB figures (domain/gb-figures),
 * scaled to the scenario's estate. docs/scenarios.md documents each field.
 */

/** Shares that must add up to 1 (regions, cohorts). */
function addUpToOne(v: Record<string, number>, ctx: z.RefinementCtx): void {
  const sum = Object.values(v).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) ctx.addIssue({ code: 'custom', message: `shares must add up to 1 (they add up to ${sum})` });
}

const regionShares = z.strictObject({ north: share(), central: share(), south: share() }).superRefine(addUpToOne);
const cohortShares = z.strictObject({ ioc: share(), moc: share(), foc: share() }).superRefine(addUpToOne);
const perRegion = z.strictObject({ north: share(), central: share(), south: share() });

export const EstateSchema = z
  .strictObject({
    /** Premises in service at the start (SMETS2 and SMETS1). */
    premises: positiveInt(40_000_000),
    /** Premises per shard: the unit of determinism and of parallel work. */
    premisesPerShard: positiveInt(10_000_000).default(10_000),
    smets1Share: share().optional(),
    regions: regionShares.optional(),
    cohorts: cohortShares.optional(),
    gasShare: share().optional(),
    ppmidShare: share().optional(),
  })
  .superRefine((e, ctx) => {
    // One Ingest stream per shard: a default pipeline holds MAX_SHARDS streams per run (wire-limits.ts).
    const shards = Math.ceil(e.premises / e.premisesPerShard);
    if (shards > MAX_SHARDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['premisesPerShard'],
        message: `makes ${shards} shards, more than ${MAX_SHARDS}: at least ${Math.ceil(e.premises / MAX_SHARDS)} premises per shard`,
      });
    }
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
      if (v.within90Days + v.after90Days > 1 + 1e-9) ctx.addIssue({ code: 'custom', message: 'within90Days + after90Days must be ≤ 1' });
    })
    .default({ within90Days: 0.55, after90Days: 0.15 }),
  /** Share of 8.1.1 Commission Device requests that succeed. */
  commissionSuccess: share().default(0.985),
  /**
   * How a no-WAN Incident raised at install is closed: `incidentProcess` (the CSP responds and
   * resolves it like any Category 4 Incident, whether or not the WAN has appeared) or
   * `wanConnected` (it stays open until the CH reaches the SM WAN, so it nearly always misses its
   * Target Resolution Time and pulls CPM5 down).
   */
  noWanIncidentClosure: z.enum(['incidentProcess', 'wanConnected']).default('incidentProcess'),
});

export const TrafficSchema = z.strictObject({
  installs: InstallsSchema.optional(),
  incidents: IncidentsSchema.optional(),
  outages: OutagesSchema.optional(),
  firmware: FirmwareSchema.optional(),
  serviceRequests: ServiceRequestsSchema.optional(),
  alerts: AlertsSchema.optional(),
});

/** Monthly reporting (MP122B R7): how long after month end late events can still arrive. */
export const ReportingSchema = z.strictObject({
  /** The longest target response time: a month is final this long after it ends. */
  lateness: duration('duration').default('48h'),
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
    /** Events per batch on the wire (~1000 measured as the sweet spot between per-batch costs and latency). */
    batchSize: positiveInt(MAX_EVENTS_PER_BATCH).default(1000),
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
    reporting: ReportingSchema.default({ lateness: '48h' }),
    measurement: MeasurementSchema.default({ targets: {}, exclusions: [], withinTarget: 'successfulResponse' }),
    /** Expectations checked after the run (see docs/expectations.md). */
    expect: z.array(z.string().min(1).max(1000)).max(1000).default([]),
  })
  .superRefine((s, ctx) => {
    checkServiceTraffic(s, ctx);
    // Reporting months and Working Days need the bank-holiday data (R7); it covers these years,
    // with two months' slack after the run for the PMR due date.
    const year = Number(s.start.slice(0, 4));
    const endYear = new Date(
      Date.parse(s.start.length === 10 ? `${s.start}T00:00:00Z` : s.start) + (parseDuration(s.duration) ?? 0) + 62 * 86_400_000,
    ).getUTCFullYear();
    if (year < BANK_HOLIDAYS_FIRST_YEAR || endYear > BANK_HOLIDAYS_LAST_YEAR)
      ctx.addIssue({
        code: 'custom',
        path: ['start'],
        message: `must fall within the Working Day calendar (${BANK_HOLIDAYS_FIRST_YEAR}–${BANK_HOLIDAYS_LAST_YEAR}, with the run and two months after it)`,
      });
  });

/** Cross-field checks of the SRV mix and the exclusion list (each issue with its path). */
function checkServiceTraffic(
  s: {
    serviceUsers: ReadonlyArray<{ name: string }>;
    traffic: z.output<typeof TrafficSchema>;
    measurement: z.output<typeof MeasurementSchema>;
  },
  ctx: z.RefinementCtx,
): void {
  (s.traffic.serviceRequests?.mix ?? []).forEach((m, i) => {
    const path = ['traffic', 'serviceRequests', 'mix', i];
    const entry = SRV_CATALOGUE[srvIndex(m.srv)];
    if (entry === undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, 'srv'], message: `SRV ${m.srv} is not in smsim's SRV catalogue (docs/metrics.md)` });
      return;
    }
    if (m.dccScheduled && !entry.dccScheduled)
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'dccScheduled'],
        message: `SRV ${m.srv} cannot be DCC-scheduled (DUIS request matrix)`,
      });
    if (m.futureDatedShare > 0 && entry.fdPattern === FdPattern.NO)
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'futureDatedShare'],
        message: `SRV ${m.srv} cannot be future-dated (DUIS request matrix)`,
      });
    if (entry.nonDevice)
      ctx.addIssue({ code: 'custom', path: [...path, 'srv'], message: `SRV ${m.srv} is a Non-Device request; the mix sends device SRVs` });
  });
  const names = new Set(s.serviceUsers.map((u) => u.name));
  s.measurement.exclusions.forEach((x, i) => {
    const path = ['measurement', 'exclusions', i];
    if (x.user !== undefined && !names.has(x.user))
      ctx.addIssue({ code: 'custom', path: [...path, 'user'], message: `no Service User named "${x.user}"` });
    if (x.srv !== undefined && srvIndex(x.srv) < 0)
      ctx.addIssue({ code: 'custom', path: [...path, 'srv'], message: `SRV ${x.srv} is not in smsim's SRV catalogue` });
    if (Date.parse(x.validTo) <= Date.parse(x.validFrom))
      ctx.addIssue({ code: 'custom', path: [...path, 'validTo'], message: 'must be after validFrom' });
  });
}

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;
