import type { ProcessFactory } from '../sim-context.js';
import { createAlertProcess } from './alerts.js';
import { createInstallProcess } from './install.js';
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
];
