import { z } from 'zod';
import { BANK_HOLIDAYS_FIRST_YEAR, BANK_HOLIDAYS_LAST_YEAR } from '../calendar/bank-holidays.js';
import { DEFAULT_TARGET_TEXT, parseTarget } from '../domain/incident-targets.js';
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

const category = z.number().int('must be a whole number').min(1, 'must be 1–5').max(5, 'must be 1–5');
const networkName = z.enum(['north', 'central', 'south', 'ioc', 'moc', 'foc']);
const resolverName = z.enum(['dcc', 'dsp', 'csp-north', 'csp-central', 'csp-south', 'smets1-sp', 'dco', 'other']);
const target = z
  .string()
  .refine((s) => parseTarget(s) !== undefined, 'must be a Target Resolution Time such as "4h" or "5wd" (Working Days)');
const perCategory = <T extends z.ZodTypeAny>(t: () => T) => z.strictObject({ cat1: t(), cat2: t(), cat3: t(), cat4: t(), cat5: t() });

/** Incidents (MP122B R5, DOMAIN.md §2.4). Rates and targets are [ASSUMPTION]/[UNVERIFIED] defaults. */
export const IncidentsSchema = z.strictObject({
  /** Incidents raised per month over the whole estate, per category; default: GB rates scaled. */
  perMonth: perCategory(nonNegative).optional(),
  /** Target Resolution Time per category: clock ("4h") or Working Days ("5wd"). */
  targetResolution: perCategory(() => target).default({ ...DEFAULT_TARGET_TEXT }),
  /** Share of incidents resolved within their Target Resolution Time, per category. */
  withinTarget: perCategory(share).default({ cat1: 0.95, cat2: 0.92, cat3: 0.9, cat4: 0.88, cat5: 0.92 }),
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
  planned: z.strictObject({ perMonth: nonNegative().default(1), duration: duration('duration').default('2h') }).default({ perMonth: 1, duration: '2h' }),
  unplanned: z
    .strictObject({ perMonth: nonNegative().default(0.5), meanDuration: duration('duration').default('40m') })
    .default({ perMonth: 0.5, meanDuration: '40m' }),
  fixed: z
    .array(z.strictObject({ network: networkName, start: instant, duration: duration('duration'), planned: z.boolean().default(false) }))
    .max(10_000)
    .default([]),
});

/** A duration from a reference time, zero allowed ("0s", "36h", "2d"). */
const offset = z.string().refine((s) => {
  const ms = parseDuration(s);
  return ms !== undefined && ms >= 0 && ms <= 400 * 24 * 3600 * 1000;
}, 'must be a duration such as "0s", "12h" or "2d" (at most 400d)');

const FIRMWARE_DEVICE_TYPES = ['CH', 'ESME', 'GSME', 'PPMID'] as const;
const NETWORK_NAMES = ['north', 'central', 'south', 'ioc', 'moc', 'foc'] as const;

/** A device model and what it can do with firmware (DOMAIN.md §1.5–1.7; MP122B R3). */
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

/** Firmware delivery, acknowledgement and activation (R3; DOMAIN.md §1.4–1.7, §4.2). */
export const FirmwareSchema = z.strictObject({
  deviceModels: z.array(DeviceModelSchema).max(250).optional(),
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
          ctx.addIssue({ code: 'custom', path: [i, 'firmwareVersion'], message: 'must differ from every other campaign\'s' });
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
  incidents: IncidentsSchema.optional(),
  outages: OutagesSchema.optional(),
  firmware: FirmwareSchema.optional(),
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
    reporting: ReportingSchema.default({ lateness: '48h' }),
    measurement: MeasurementSchema.default({ targets: {}, exclusions: [] }),
    /** Expectations checked after the run (see docs/expectations.md). */
    expect: z.array(z.string().min(1).max(1000)).max(1000).default([]),
  })
  .superRefine((s, ctx) => {
    checkServiceTraffic(s, ctx);
    // Reporting months and Working Days need the bank-holiday data (R7); it covers these years,
    // with two months' slack after the run for the PMR due date.
    const year = Number(s.start.slice(0, 4));
    const endYear = new Date(Date.parse(s.start.length === 10 ? `${s.start}T00:00:00Z` : s.start) + (parseDuration(s.duration) ?? 0) + 62 * 86_400_000).getUTCFullYear();
    if (year < BANK_HOLIDAYS_FIRST_YEAR || endYear > BANK_HOLIDAYS_LAST_YEAR)
      ctx.addIssue({ code: 'custom', path: ['start'], message: `must fall within the Working Day calendar (${BANK_HOLIDAYS_FIRST_YEAR}–${BANK_HOLIDAYS_LAST_YEAR}, with the run and two months after it)` });
  });

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
