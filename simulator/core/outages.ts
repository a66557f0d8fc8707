import { createRng, deriveSeed } from './rng.js';
import type { ResolvedOutages } from './scenario/resolve-incidents.js';
import type { ResolvedScenario } from './scenario/resolve.js';
import { DAY, HOUR, MINUTE, ukMidnight } from './time.js';
import { NETWORK_MAX } from './domain/vocabulary.js';

/** One outage of the end-to-end service for a network (a CSP region or a SMETS1 cohort's SP). */
export interface Outage {
  readonly id: number;
  readonly network: number;
  readonly planned: boolean;
  /** [startMs, endMs), whole minutes. */
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * When each network is down (MP122B R6). Outages are network-wide, not per shard: the schedule
 * comes from the scenario seed alone (`deriveSeed(seed, 'outages')`), so every shard sees the
 * same one, and processes ask it before they use the WAN. This is the hook other processes
 * (service requests, alerts) call: `isUp(network, t)` and `nextUpTime(network, t)`.
 */
export interface OutageSchedule {
  /** All outages, by start time (ties by network). Per network they never overlap. */
  readonly outages: readonly Outage[];
  /** Whether the end-to-end service for `network` is up at `t`. */
  isUp(network: number, t: number): boolean;
  /** `t` if the network is up then, else the end of the outage that covers `t`. */
  nextUpTime(network: number, t: number): number;
}

/** A schedule with no outages (scenarios without `traffic.outages`). */
export const NO_OUTAGES: OutageSchedule = { outages: [], isUp: () => true, nextUpTime: (_n, t) => t };

export function buildOutageSchedule(scenario: ResolvedScenario): OutageSchedule {
  const cfg = scenario.outages;
  if (cfg === null) return NO_OUTAGES;
  return scheduleFrom(drawOutages(scenario, cfg));
}

function drawOutages(scenario: ResolvedScenario, cfg: ResolvedOutages): Outage[] {
  const rng = createRng(deriveSeed(scenario.seed, 'outages'));
  const raw: Array<Omit<Outage, 'id'>> = [];
  const minute = (ms: number): number => Math.round(ms / MINUTE) * MINUTE;
  const { startMs, endMs } = scenario;
  const days = Math.ceil((endMs - startMs) / DAY);
  for (const network of cfg.networks) {
    for (let d = 0; d < days; d++) {
      const midnight = ukMidnight(startMs + d * DAY + 12 * HOUR);
      // Planned maintenance in the small hours, announced in advance (PMM p13: excluded from
      // unscheduled downtime) [ASSUMPTION: 00:00–04:00 UK time].
      if (rng.chance(cfg.plannedPerMonth / 30.4)) {
        const s = minute(midnight + rng.uniform(0, 4 * HOUR));
        raw.push({ network, planned: true, startMs: s, endMs: s + Math.max(MINUTE, minute(cfg.plannedDurationMs)) });
      }
      if (rng.chance(cfg.unplannedPerMonth / 30.4)) {
        const s = minute(midnight + rng.uniform(0, DAY));
        raw.push({
          network,
          planned: false,
          startMs: s,
          endMs: s + Math.max(MINUTE, minute(rng.exponential(cfg.unplannedMeanDurationMs))),
        });
      }
    }
  }
  for (const o of cfg.fixed)
    raw.push({
      network: o.network,
      planned: o.planned,
      startMs: minute(o.startMs),
      endMs: minute(o.startMs) + Math.max(MINUTE, minute(o.durationMs)),
    });
  raw.sort((a, b) => a.startMs - b.startMs || a.network - b.network || Number(a.planned) - Number(b.planned));
  // Per network, drop an outage that starts inside an earlier one and stretch the earlier one.
  const lastByNetwork: Array<Omit<Outage, 'id'> | undefined> = [];
  const kept: Array<Omit<Outage, 'id'>> = [];
  for (const o of raw) {
    const prev = lastByNetwork[o.network];
    if (prev !== undefined && o.startMs < prev.endMs) {
      const merged = { ...prev, endMs: Math.max(prev.endMs, o.endMs) };
      kept[kept.indexOf(prev)] = merged;
      lastByNetwork[o.network] = merged;
      continue;
    }
    if (o.startMs >= endMs || o.endMs <= startMs) continue;
    kept.push(o);
    lastByNetwork[o.network] = o;
  }
  return kept.map((o, i) => ({ ...o, id: i + 1 }));
}

export function scheduleFrom(outages: readonly Outage[]): OutageSchedule {
  const byNetwork: Outage[][] = Array.from({ length: NETWORK_MAX + 1 }, () => []);
  for (const o of outages) byNetwork[o.network]?.push(o);
  const covering = (network: number, t: number): Outage | undefined => {
    const list = byNetwork[network];
    if (list === undefined || list.length === 0) return undefined;
    // Binary search: the last outage starting at or before t.
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as Outage).startMs <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const o = found < 0 ? undefined : list[found];
    return o !== undefined && t < o.endMs ? o : undefined;
  };
  return {
    outages,
    isUp: (network, t) => covering(network, t) === undefined,
    nextUpTime: (network, t) => covering(network, t)?.endMs ?? t,
  };
}

/**
 * The schedule as high-volume processes read it: `advance(t)` once per time slice, then
 * `upAt(network, t)` for any `t` ≥ the last advance. While no outage of that network ends after
 * the last advance and starts at or before `t` — nearly always — it is one comparison, no search.
 */
export class OutageCursor {
  /** Whether the schedule has any outage at all: when false the caller can skip the check. */
  readonly any: boolean;
  private readonly byNetwork: Outage[][];
  private readonly next = new Int32Array(NETWORK_MAX + 1);
  /** Start of the first outage per network ending after the last advance (Infinity: none). */
  private readonly nextStart = new Float64Array(NETWORK_MAX + 1).fill(Number.POSITIVE_INFINITY);

  constructor(private readonly schedule: OutageSchedule) {
    this.any = schedule.outages.length > 0;
    this.byNetwork = Array.from({ length: NETWORK_MAX + 1 }, () => []);
    for (const o of schedule.outages) this.byNetwork[o.network]?.push(o);
    this.advance(Number.NEGATIVE_INFINITY);
  }

  advance(t: number): void {
    if (!this.any) return;
    for (let n = 0; n <= NETWORK_MAX; n++) {
      const list = this.byNetwork[n] as Outage[];
      let i = this.next[n] as number;
      while (i < list.length && (list[i] as Outage).endMs <= t) i++;
      this.next[n] = i;
      this.nextStart[n] = i < list.length ? (list[i] as Outage).startMs : Number.POSITIVE_INFINITY;
    }
  }

  /** `t` if `network` is up then, else when it is next up (past back-to-back outages too). */
  upAt(network: number, t: number): number {
    if (t < (this.nextStart[network] as number)) return t;
    let up = this.schedule.nextUpTime(network, t);
    while (up !== t) {
      t = up;
      up = this.schedule.nextUpTime(network, t);
    }
    return up;
  }
}
