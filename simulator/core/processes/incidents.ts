import { type IncidentTargets, resolutionDeadline, targetsFrom } from '../domain/incident-targets.js';
import { IncidentLedger, type IncidentEventKind } from '../domain/metrics/incident-metrics.js';
import { EventKind, isSmets1, ResolverGroup } from '../domain/vocabulary.js';
import { networkResolver } from '../domain/incident-targets.js';
import { SLOT_DEVICE_TYPE, Slot } from '../estate.js';
import { cumulative, type Rng } from '../rng.js';
import type { ResolvedIncidents } from '../scenario/resolve-incidents.js';
import type { BusinessProcess, SimContext } from '../sim-context.js';
import { DAY, HOUR, MINUTE, ukMidnight } from '../time.js';

const Action = { DAY_START: 0, RAISE: 1, FIXED: 2 } as const;

/** Incident ids of this process: 2^40 + shard × 2^20 + k, apart from ctx.nextId()'s small ids. */
const ID_BASE = 2 ** 40;
const ID_SHARD = 2 ** 20;
const DAYS_PER_MONTH = 365.25 / 12;

/** When an incident raised at `t0` gets its initial response and is closed, by the incident process. */
export interface IncidentTimeline {
  readonly respondAt: number;
  readonly closeAt: number;
}

/**
 * The incident process (docs/domain.md §2.4): the resolver responds within the Target Initial
 * Response Time with probability `respondedShare`, else after it; resolves within the Target
 * Resolution Time with probability `resolvedShare`, else after it; never closes before it responds.
 */
export function incidentTimeline(
  rng: Rng,
  targets: IncidentTargets,
  responseTargets: IncidentTargets,
  category: number,
  t0: number,
  resolvedShare: number,
  respondedShare: number,
): IncidentTimeline {
  const deadline = resolutionDeadline(targets, category, t0);
  const window = deadline - t0;
  const closeAt = rng.chance(resolvedShare)
    ? t0 + Math.max(MINUTE, Math.round(rng.uniform(0.05, 1) * window))
    : deadline + MINUTE + Math.round(rng.exponential(window * 0.5));
  const rWindow = resolutionDeadline(responseTargets, category, t0) - t0;
  const respondAfter = rng.chance(respondedShare)
    ? Math.max(1000, Math.round(rng.uniform(0.1, 1) * rWindow))
    : rWindow + MINUTE + Math.round(rng.exponential(rWindow));
  return { respondAt: Math.min(t0 + respondAfter, closeAt), closeAt };
}

/**
 * Incidents of Category 1–5 (MP122B R5, docs/domain.md §2.4): raised by Service Users or by the DCC,
 * on SMETS1 or SMETS2 networks, resolved by a resolver group within or beyond the Target
 * Resolution Time, sometimes re-opened; many straddle a month end. Random incidents arrive
 * 24/7 in every shard at the scenario's rate scaled to the shard; `fixed` ones are network-wide
 * and raised in shard 0 only.
 */
export function createIncidentProcess(ctx: SimContext, cfg: ResolvedIncidents): BusinessProcess {
  const rng = ctx.rng('incidents');
  const { scenario, estate, sampler } = ctx;
  const targets = targetsFrom(cfg.targetText);
  const responseTargets = targetsFrom(cfg.responseTargetText);
  const truth = new IncidentLedger(targets, responseTargets);
  const shardShare = estate.initialCount / scenario.estate.premises;
  const w = cfg.resolverWeights;
  const resolverCum = cumulative([w.dcc, w.dsp, w.network, w.dco, w.other]);
  const RESOLVER_PICK = [ResolverGroup.DCC, ResolverGroup.DSP, -1, ResolverGroup.DCO, ResolverGroup.OTHER];
  let counter = 0;

  interface Incident {
    id: number;
    category: number;
    network: number;
    resolver: number;
    device: number;
    user: number;
    type: string;
  }

  const emit = (at: number, kind: IncidentEventKind, inc: Incident): void => {
    const fields = {
      kind,
      timeMs: 0,
      code: inc.type,
      requestId: inc.id,
      value: inc.category,
      device: inc.device,
      deviceType: inc.device === 0 ? 0 : (SLOT_DEVICE_TYPE[Slot.ESME] as number),
      network: inc.network,
      user: inc.user,
      resolverGroup: inc.resolver,
    };
    if (at === ctx.now) ctx.emit(fields);
    else ctx.emitAt(at, fields);
    const key = `${inc.id}/${inc.device}`;
    truth.add(kind, key, at, inc.category, inc.network, inc.resolver);
  };

  const pickResolver = (network: number): number => {
    const r = RESOLVER_PICK[rng.pickCumulative(resolverCum)] as number;
    return r === -1 ? networkResolver(network) : r;
  };

  return {
    name: 'incidents',
    start() {
      ctx.schedule(scenario.startMs, Action.DAY_START, ukMidnight(scenario.startMs));
      if (ctx.shard !== 0) return;
      cfg.fixed.forEach((f, i) => {
        if (f.raisedMs >= scenario.startMs) ctx.schedule(f.raisedMs, Action.FIXED, i);
      });
    },
    handle(action, a) {
      switch (action) {
        case Action.DAY_START: {
          const next = ukMidnight(a + DAY + 2 * HOUR);
          ctx.schedule(Math.max(next, ctx.now), Action.DAY_START, next);
          for (let c = 1; c <= 5; c++) {
            const n = rng.poisson(((cfg.perMonth[c] as number) / DAYS_PER_MONTH) * shardShare);
            for (let i = 0; i < n; i++) {
              const at = a + Math.floor(rng.uniform(0, DAY));
              if (at >= ctx.now) ctx.schedule(at, Action.RAISE, c);
            }
          }
          break;
        }
        case Action.RAISE:
          raiseRandom(a);
          break;
        case Action.FIXED:
          raiseFixed(a);
          break;
        default:
          throw new RangeError(`incidents: unknown action ${action}`);
      }
    },
    truth(out, asOfMs) {
      truth.report(out, asOfMs);
    },
  };

  function nextIncidentId(): number {
    return ID_BASE + ctx.shard * ID_SHARD + ++counter;
  }

  function raiseRandom(category: number): void {
    // Category 1–2 are service-wide; 3–5 are mostly about one premises' devices [ASSUMPTION].
    let network: number;
    let device = 0;
    if (category <= 2 || estate.count === 0) network = sampler.network(rng);
    else {
      const p = rng.int(estate.count);
      network = estate.network[p] as number;
      device = estate.device(p, Slot.ESME);
    }
    const user = rng.chance(cfg.raisedByDcc) ? 0 : sampler.user(rng);
    let resolver = pickResolver(network);
    if (resolver === ResolverGroup.DCO && !isSmets1(network)) resolver = networkResolver(network);
    const inc: Incident = { id: nextIncidentId(), category, network, resolver, device, user, type: `CAT${category}` };
    const t0 = ctx.now;
    emit(t0, EventKind.INCIDENT_RAISED, inc);
    const { respondAt, closeAt } = incidentTimeline(
      rng,
      targets,
      responseTargets,
      category,
      t0,
      cfg.withinTarget[category] as number,
      cfg.respondedWithinTarget[category] as number,
    );
    emit(respondAt, EventKind.INCIDENT_RESPONDED, inc);
    emit(closeAt, EventKind.INCIDENT_CLOSED, inc);
    if (rng.chance(cfg.reopenShare)) {
      const reopenAt = closeAt + Math.round(rng.uniform(1 * HOUR, 3 * DAY));
      emit(reopenAt, EventKind.INCIDENT_REOPENED, inc);
      emit(reopenAt + Math.round(rng.uniform(1 * HOUR, 2 * DAY)), EventKind.INCIDENT_CLOSED, inc);
    }
  }

  function raiseFixed(index: number): void {
    const f = cfg.fixed[index];
    if (f === undefined) return;
    const inc: Incident = {
      id: nextIncidentId(),
      category: f.category,
      network: f.network,
      resolver: f.resolver === 0 ? networkResolver(f.network) : f.resolver,
      device: 0,
      user: 0,
      type: f.type,
    };
    const t0 = ctx.now;
    emit(t0, EventKind.INCIDENT_RAISED, inc);
    if (!Number.isNaN(f.respondedAfterMs)) emit(t0 + f.respondedAfterMs, EventKind.INCIDENT_RESPONDED, inc);
    if (Number.isNaN(f.resolvedAfterMs)) return;
    const closeAt = t0 + f.resolvedAfterMs;
    emit(closeAt, EventKind.INCIDENT_CLOSED, inc);
    if (Number.isNaN(f.reopenedAfterMs)) return;
    const reopenAt = closeAt + f.reopenedAfterMs;
    emit(reopenAt, EventKind.INCIDENT_REOPENED, inc);
    if (!Number.isNaN(f.reclosedAfterMs)) emit(reopenAt + f.reclosedAfterMs, EventKind.INCIDENT_CLOSED, inc);
  }
}
