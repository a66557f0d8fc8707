import type { ProcessFactory } from '../sim-context.js';
import { createFirmwareProcess } from './firmware.js';
import { createInstallProcess } from './install.js';

/**
 * The business processes every shard runs, in a fixed order (the order is part of the
 * determinism contract: a process's index names its RNG substream and its actions).
 * A process returns null when the scenario does not ask for it.
 */
export const PROCESS_FACTORIES: readonly ProcessFactory[] = [
  (ctx) => (ctx.scenario.installs === null ? null : createInstallProcess(ctx, ctx.scenario.installs)),
  (ctx) => (ctx.scenario.firmware === null ? null : createFirmwareProcess(ctx, ctx.scenario.firmware)),
];
