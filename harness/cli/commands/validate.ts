import type { Command } from 'commander';
import { loadScenario } from '../../scenario/load-scenario.js';
import type { CommandContext } from '../context.js';

export function registerValidate(program: Command, { io }: CommandContext): void {
  program
    .command('validate <scenario>')
    .description('check a scenario file and print what it resolves to')
    .action(async (file: string) => {
      const { scenario } = await loadScenario(file);
      io.stdout.write(
        `${file}: valid (${scenario.estate.premises} premises in ${scenario.estate.shardCount} shards, ${scenario.durationMs / 86_400_000} days)\n`,
      );
    });
}
