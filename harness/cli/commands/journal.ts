import type { Command } from 'commander';
import { repairJournal, type RepairResult } from '../../pipeline/journal-repair.js';
import type { CommandContext } from '../context.js';

interface RepairFlags {
  dataDir: string;
  json?: boolean;
}

function describe(r: RepairResult): string {
  if (r.quarantineFile === undefined) return `journal ${r.file}: ${r.keptRecords} intact records, nothing to repair\n`;
  const lines = [
    `journal ${r.file}: kept ${r.keptRecords} intact records (${r.bytesAfter} bytes); quarantined ${r.quarantined.length} unreadable ` +
      `region${r.quarantined.length === 1 ? '' : 's'} to ${r.quarantineFile}:`,
    ...r.quarantined.map((q) => `  byte ${q.offset}, ${q.bytes} bytes: ${q.reason}`),
  ];
  for (const l of r.lost) {
    lines.push(
      `run ${JSON.stringify(l.runId)} stream ${l.streamId}: sequence${l.from === l.to ? ` ${l.from}` : `s ${l.from}..${l.to}`} ` +
        'acked, then lost: counted in lost_batches, the run is known to be incomplete',
    );
  }
  for (const runId of r.redropped) lines.push(`run ${JSON.stringify(runId)}: its lost DropRun record was written again`);
  if (r.lost.length === 0)
    lines.push('no stream has a hole: a record that was the last of its stream is sent again by a resumed emitter (emit --resume)');
  return `${lines.join('\n')}\n`;
}

/** `smsim journal repair`: an explicit repair of a damaged ingest journal (journal-repair.ts). */
export function registerJournal(program: Command, { io }: CommandContext): void {
  const journal = program.command('journal').description("look after a pipeline's ingest journal (serve --data-dir)");
  journal
    .command('repair')
    .description('keep every intact record of a damaged journal, quarantine what cannot be read, rewrite it atomically')
    .requiredOption('--data-dir <dir>', 'the data dir of `smsim serve --data-dir` (no pipeline may be running on it)')
    .option('--json', 'print what was kept and quarantined as JSON')
    .action((flags: RepairFlags) => {
      const result = repairJournal(flags.dataDir);
      io.stdout.write(flags.json === true ? `${JSON.stringify(result, null, 2)}\n` : describe(result));
    });
}
