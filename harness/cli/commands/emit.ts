import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { addRunOptions, runAction } from './run.js';

/** emit is run with --target required: same options, same action, same report. */
export function registerEmit(program: Command, ctx: CommandContext): void {
  addRunOptions(
    program
      .command('emit <scenario>')
      .description("drive a pipeline that runs elsewhere (--target) with a scenario's traffic, and report as run does"),
    true,
  ).action(runAction(ctx));
}
