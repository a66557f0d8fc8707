import type { Command } from 'commander';
import { SmsimError } from '../../../simulator/core/errors.js';
import { type FetchedReport, fetchReport } from '../../pipeline/report-client.js';
import { renderJunit } from '../../report/render-junit.js';
import { renderTerminal } from '../../report/render-terminal.js';
import { checkJunitFile, writeJunit } from '../../report/write-junit.js';
import { checkOutDir } from '../../report/out-dir.js';
import { readRunDir, writeReport } from '../../report/write-report.js';
import { mergeRunReports, type ShardReport } from '../../run/merge-runs.js';
import { stdoutStyle } from '../colour.js';
import { ExitCode, type CommandContext } from '../context.js';
import { familyList, hostPort, readPem, tokenOf } from '../options.js';

interface MergeFlags {
  out?: string;
  target?: string;
  tlsCa?: string;
  token?: string;
  families?: string[];
  json?: boolean;
  junit?: string;
}

/**
 * `smsim merge DIR...`: the shard processes of one run (`--shard i/N` on N machines, e.g. a
 * Kubernetes Indexed Job) each wrote a run directory; this makes the whole run's report and
 * checks its expectations, exiting like `run`.
 */
export function registerMerge(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('merge <runDirs...>')
    .description("combine the run directories of a run's shard processes into the whole run's report, and check its expectations")
    .option('-o, --out <dir>', 'write the merged report.json, report.md, report.html and pmr.json here')
    .option(
      '-t, --target <host:port>',
      "the pipeline to ask for the run's Report (default: the one the shard processes streamed into)",
      hostPort,
    )
    .option('--tls-ca <file>', 'dial the pipeline over TLS, trusting this CA (PEM)')
    .option('--token <token>', 'bearer token for the pipeline (default: $SMSIM_TOKEN)')
    .option('--families <list>', 'metric families the pipeline computes (default: what its Report says)', familyList)
    .option('--json', 'print the merged report.json to stdout instead of the summary')
    .option('--junit <file>', "also write the whole run's expectations as JUnit XML for CI (one testcase per expectation)")
    .action(async (dirs: string[], flags: MergeFlags) => {
      const startedAt = new Date();
      if (flags.out !== undefined) await checkOutDir(flags.out);
      if (flags.junit !== undefined) await checkJunitFile(flags.junit);
      const parts: ShardReport[] = [];
      for (const dir of dirs) parts.push({ source: dir, report: await readRunDir(dir) });
      const first = parts[0]?.report;
      if (first === undefined) throw new SmsimError('SMSIM_ERR_MERGE_INVALID', 'nothing to merge');
      // Shards on embedded pipelines each had their own; shards streamed into one pipeline are
      // judged by what that pipeline holds of the whole run now.
      let pipeline: { readonly report: FetchedReport; readonly families?: readonly string[] } | undefined;
      if (first.pipeline.kind === 'external') {
        const target = flags.target ?? first.pipeline.target;
        const security = {
          ...(flags.tlsCa === undefined ? {} : { caPem: await readPem(flags.tlsCa, 'CA certificate') }),
          ...tokenOf(flags.token, io),
        };
        const report = await fetchReport(target, first.runId, first.window.endMs, { security });
        pipeline = { report, ...(flags.families === undefined ? {} : { families: flags.families }) };
      }
      const merged = mergeRunReports(parts, pipeline);
      if (flags.out !== undefined) await writeReport(flags.out, merged);
      if (flags.junit !== undefined) await writeJunit(flags.junit, renderJunit(merged, { startedAt }));
      io.stdout.write(flags.json === true ? `${JSON.stringify(merged, null, 2)}\n` : `${renderTerminal(merged, stdoutStyle(io))}\n`);
      if (flags.out !== undefined && flags.json !== true)
        io.stdout.write(`\nReport written to ${flags.out}/report.json, report.md, report.html and pmr.json\n`);
      setExitCode(merged.passed ? ExitCode.PASS : ExitCode.EXPECTATIONS_FAILED);
    });
}
