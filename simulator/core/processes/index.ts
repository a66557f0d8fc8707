import type { ProcessFactory } from '../sim-context.js';
import { createIncidentProcess } from './incidents.js';
import { createFirmwareProcess } from './firmware.js';
import { createInstallProcess } from './install.js';
import { createOutageProcess } from './outages.js';
import { createAlertProcess } from './alerts.js';
import { createServiceRequestProcess } from './service-requests.js';

/**
 * The business processes every shard runs, in a fixed order (the order is part of the
 * determinism contract: a process's index names its RNG substream and its actions).
 * A process returns null when the scenario does not ask for it.
 */
export const PROCESS_FACTORIES: readonly ProcessFactory[] = [
  (ctx) => (ctx.scenario.installs === null ? null : createInstallProcess(ctx, ctx.scenario.installs)),
  (ctx) => (ctx.scenario.serviceRequests === null ? null : createServiceRequestProcess(ctx, ctx.scenario.serviceRequests)),
  (ctx) => (ctx.scenario.alerts === null ? null : createAlertProcess(ctx, ctx.scenario.alerts)),
  (ctx) => (ctx.scenario.incidents === null ? null : createIncidentProcess(ctx, ctx.scenario.incidents)),
  // Outages are network-wide: every shard obeys ctx.outages, shard 0 alone reports them.
  (ctx) => (ctx.scenario.outages === null || ctx.shard !== 0 ? null : createOutageProcess(ctx)),
  (ctx) => (ctx.scenario.firmware === null ? null : createFirmwareProcess(ctx, ctx.scenario.firmware)),
];
