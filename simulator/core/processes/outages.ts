import { incidentTargetsOf, networkResolver, responseTargetsOf } from '../domain/incident-targets.js';
import { addOutage, OUTAGE_PLANNED, OUTAGE_UNPLANNED } from '../domain/metrics/availability-metrics.js';
import { IncidentLedger } from '../domain/metrics/incident-metrics.js';
import { EventKind } from '../domain/vocabulary.js';
import type { BusinessProcess, SimContext } from '../sim-context.js';
import { MINUTE } from '../time.js';

const Action = { START: 0 } as const;

/** An unplanned outage of a whole region is a Category 2 incident raised by the DCC [ASSUMPTION]. */
const OUTAGE_INCIDENT_CATEGORY = 2;
export const INCIDENT_OUTAGE = 'OUTAGE';
/** Incident ids for outages: 2^39 + outage id, apart from other processes' ids. */
const INCIDENT_ID_BASE = 2 ** 39;

/**
 * Emits the network-wide outage schedule (ctx.outages) as OUTAGE_START / OUTAGE_END events and
 * keeps availability truth (MP122B R6). Runs in shard 0 only, so nothing is counted twice; every
 * shard still obeys the same schedule through ctx.outages. When the scenario has incidents, an
 * unplanned outage also raises a DCC Category 2 incident, closed when the service is back.
 */
export function createOutageProcess(ctx: SimContext): BusinessProcess {
  const { scenario, outages } = ctx;
  const incidents =
    scenario.incidents === null ? null : new IncidentLedger(incidentTargetsOf(scenario.incidents), responseTargetsOf(scenario.incidents));
  return {
    name: 'outages',
    start() {
      outages.outages.forEach((o, i) => {
        ctx.schedule(Math.max(o.startMs, scenario.startMs), Action.START, i);
      });
    },
    handle(action, a) {
      if (action !== Action.START) throw new RangeError(`outages: unknown action ${action}`);
      const o = outages.outages[a];
      if (o === undefined) return;
      const code = o.planned ? OUTAGE_PLANNED : OUTAGE_UNPLANNED;
      ctx.emit({ kind: EventKind.OUTAGE_START, timeMs: 0, requestId: o.id, network: o.network, code });
      ctx.emitAt(o.endMs, { kind: EventKind.OUTAGE_END, timeMs: 0, requestId: o.id, network: o.network, code });
      if (incidents === null || o.planned) return;
      const id = INCIDENT_ID_BASE + o.id;
      const resolver = networkResolver(o.network);
      const raisedAt = Math.min(ctx.now + 5 * MINUTE, o.endMs);
      const fields = {
        timeMs: 0,
        code: INCIDENT_OUTAGE,
        requestId: id,
        value: OUTAGE_INCIDENT_CATEGORY,
        network: o.network,
        user: 0,
        resolverGroup: resolver,
      };
      ctx.emitAt(raisedAt, { kind: EventKind.INCIDENT_RAISED, ...fields });
      // The DCC raised it about its own service: it is responding as it raises it.
      ctx.emitAt(raisedAt, { kind: EventKind.INCIDENT_RESPONDED, ...fields });
      ctx.emitAt(o.endMs, { kind: EventKind.INCIDENT_CLOSED, ...fields });
      incidents.add(EventKind.INCIDENT_RAISED, `${id}/0`, raisedAt, OUTAGE_INCIDENT_CATEGORY, o.network, resolver);
      incidents.add(EventKind.INCIDENT_RESPONDED, `${id}/0`, raisedAt, OUTAGE_INCIDENT_CATEGORY, o.network, resolver);
      incidents.add(EventKind.INCIDENT_CLOSED, `${id}/0`, o.endMs, OUTAGE_INCIDENT_CATEGORY, o.network, resolver);
    },
    truth(out, asOfMs) {
      for (const o of outages.outages) addOutage(out, o.network, o.planned, Math.max(o.startMs, scenario.startMs), o.endMs, asOfMs);
      incidents?.report(out, asOfMs);
    },
  };
}
