import type { Command } from 'commander';
import { dropRun, listRuns } from '../../pipeline/report-client.js';
import type { CommandContext } from '../context.js';
import { hostPort, readPem, tokenOf } from '../options.js';

interface RunsFlags {
  target: string;
  tlsCa?: string;
  token?: string;
  json?: boolean;
}

/** `smsim runs list|drop`: what a long-lived pipeline holds, and retention by hand. */
export function registerRuns(program: Command, { io }: CommandContext): void {
  const runs = program.command('runs').description('list the runs a pipeline holds, or drop one (Reporting.ListRuns / DropRun)');
  const withTarget = (cmd: Command): Command =>
    cmd
      .requiredOption('-t, --target <host:port>', 'the pipeline', hostPort)
      .option('--tls-ca <file>', 'dial the pipeline over TLS, trusting this CA (PEM)')
      .option('--token <token>', 'bearer token for the pipeline (default: $SMSIM_TOKEN)');
  const security = async (flags: RunsFlags) => ({
    ...(flags.tlsCa === undefined ? {} : { caPem: await readPem(flags.tlsCa, 'CA certificate') }),
    ...tokenOf(flags.token, io),
  });

  withTarget(runs.command('list').description('the runs the pipeline holds, with their streams and events'))
    .option('--json', 'print the list as JSON')
    .action(async (flags: RunsFlags) => {
      const list = await listRuns(flags.target, { security: await security(flags) });
      if (flags.json === true) {
        io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        io.stdout.write(`no runs at ${flags.target}\n`);
        return;
      }
      io.stdout.write(`${'run id'.padEnd(40)} ${'streams'.padStart(8)} ${'batches'.padStart(10)} ${'events'.padStart(14)}  last event\n`);
      for (const r of list) {
        const last = r.lastEventMs > 0 ? new Date(r.lastEventMs).toISOString() : '—';
        // Acked batches the pipeline lost (a repaired journal): never shown as a complete run.
        const lost = r.lostBatches > 0 ? `  INCOMPLETE: ${r.lostBatches} acked batches lost` : '';
        io.stdout.write(
          `${(r.runId === '' ? '""' : r.runId).padEnd(40)} ${String(r.streams).padStart(8)} ${r.batchesAccepted.toLocaleString('en-GB').padStart(10)} ${r.eventsAccepted.toLocaleString('en-GB').padStart(14)}  ${last}${lost}\n`,
        );
      }
    });

  withTarget(runs.command('drop <runId>').description('forget a run: its metrics, delivery state and journal records')).action(
    async (runId: string, flags: RunsFlags) => {
      const dropped = await dropRun(flags.target, runId, { security: await security(flags) });
      io.stdout.write(dropped ? `dropped run ${runId} at ${flags.target}\n` : `no run ${runId} at ${flags.target}: nothing dropped\n`);
    },
  );
}
