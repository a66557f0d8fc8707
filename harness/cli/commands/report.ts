import type { Command } from 'commander';
import { readRunDir, renderRunDir } from '../../report/write-report.js';
import type { CommandContext } from '../context.js';

export function registerReport(program: Command, { io }: CommandContext): void {
  program
    .command('report <runDir>')
    .description("re-render report.md, report.html and pmr.json (the PMR) from a run directory's report.json")
    .action(async (dir: string) => {
      const report = await readRunDir(dir);
      const files = await renderRunDir(dir, report);
      io.stdout.write(`Rendered ${files.join(', ')}\n`);
    });
}
