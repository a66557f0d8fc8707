import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { fetchReport } from '../../harness/pipeline/report-client.js';
import { SMALL, freePort, killChildren, serve, smsim, smsimProcess, type CliResult } from '../helpers/cli.js';

/**
 * Runs as the unit of work, with real processes on 127.0.0.1: one long-lived `smsim serve`
 * holds several runs, a run stopped by kill -9 is resumed to an exact finish, the shard
 * processes of one run (as a Kubernetes Indexed Job starts them) are merged into the run's
 * report, and a figure the pipeline does not compute is "not reported".
 */

afterEach(killChildren);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Report {
  runId: string;
  fingerprint: string;
  run: { sent: number; acked: number; lost: number; duplicates: number; batches: number; resumed?: { batches: number; events: number } };
  shards: Array<{ index: number; fingerprint: string }>;
  metrics: Array<{ id: string; labels: Record<string, string>; truth: number; observed: number; reported: number | null }>;
  expectations: Array<{ expect: string; passed: boolean; notReported?: string[] }>;
  expectationsDeferred?: true;
  passed: boolean;
}

const parse = (r: CliResult): Report => JSON.parse(r.stdout) as Report;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'smsim-runs-'));

/** truth and observed of every row, keyed: what must not depend on how a run was split or stopped. */
const figures = (r: Report): Record<string, [number, number]> =>
  Object.fromEntries(r.metrics.map((m) => [`${m.id}${JSON.stringify(m.labels)}`, [m.truth, m.observed]]));

/** The reference single-process run of SMALL on the embedded pipeline. */
async function reference(): Promise<Report> {
  const r = await smsim(['run', SMALL, '--json', '--no-progress']);
  expect(r.code).toBe(0);
  return parse(r);
}

function exact(r: Report): void {
  expect(r.run.lost).toBe(0);
  expect(r.run.duplicates).toBe(0);
  expect(r.run.acked).toBe(r.run.sent);
  for (const m of r.metrics) expect(m.reported, `${m.id} ${JSON.stringify(m.labels)}`).toBe(m.observed);
  expect(r.passed).toBe(true);
}

describe('runs against a long-lived pipeline (real processes)', () => {
  it('kill -9 of the emitter mid-run: starting it again is refused, --resume finishes it exactly', async () => {
    const { address } = await serve(['--port', '0']);
    const run = ['emit', SMALL, '--target', address, '--run-id', 'killed', '--no-progress', '--json'];
    // Paced, so the run lasts seconds and the kill lands mid-run.
    const first = smsimProcess([...run, '--rate', '4000']);
    const deadline = Date.now() + 30_000;
    let accepted = 0;
    while (accepted < 5000) {
      if (Date.now() > deadline) throw new Error(`only ${accepted} events accepted`);
      await sleep(50);
      accepted = (await fetchReport(address, 'killed', 0, { timeoutMs: 1000 })).stats.eventsAccepted;
    }
    first.child.kill('SIGKILL');
    expect((await first.done).code).toBeNull();

    const again = await smsim(run);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds run killed \(3 of this run's 3 shard streams, \d+ events\): add --resume/);
    expect(again.stderr).toContain('[SMSIM_ERR_RUN_EXISTS]');

    const resumed = await smsim([...run, '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const r = parse(resumed);
    exact(r);
    expect(r.run.resumed?.events).toBeGreaterThanOrEqual(5000);
    expect(r.run.resumed?.events).toBeLessThan(r.run.sent);
    const whole = await reference();
    expect(r.fingerprint).toBe(whole.fingerprint);
    expect(figures(r)).toEqual(figures(whole));
    // The pipeline counted every event of the run exactly once over the two processes.
    expect((await fetchReport(address, 'killed', 0)).stats).toMatchObject({ eventsAccepted: whole.run.sent, duplicateBatches: 0 });
  }, 120_000);

  it('one pipeline, two runs: both pass, each reported apart; a dropped run stays dropped after a kill -9 and restart', async () => {
    const port = await freePort();
    const dataDir = tmp();
    let server: ChildProcess = (await serve(['--port', String(port), '--data-dir', dataDir])).child;
    const address = `127.0.0.1:${port}`;
    const a = await smsim(['emit', SMALL, '--target', address, '--run-id', 'run-a', '--no-progress', '--json']);
    const b = await smsim(['emit', SMALL, '--target', address, '--run-id', 'run-b', '--no-progress', '--json']);
    expect([a.code, b.code]).toEqual([0, 0]);
    exact(parse(a));
    exact(parse(b));
    expect(parse(a).runId).toBe('run-a');

    const dropped = await smsim(['runs', 'drop', 'run-a', '--target', address]);
    expect(dropped.stdout).toBe(`dropped run run-a at ${address}\n`);
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    server = (await serve(['--port', String(port), '--data-dir', dataDir])).child;
    const list = await smsim(['runs', 'list', '--target', address, '--json']);
    expect(JSON.parse(list.stdout)).toEqual([
      {
        runId: 'run-b',
        streams: 3,
        batchesAccepted: parse(b).run.batches,
        eventsAccepted: parse(b).run.sent,
        lastEventMs: expect.any(Number) as number,
        lostBatches: 0,
      },
    ]);
    // The journal kept run-b apart, with its acked_through per stream: a resume sends nothing.
    const resumed = await smsim(['emit', SMALL, '--target', address, '--run-id', 'run-b', '--resume', '--no-progress', '--json']);
    expect(resumed.code).toBe(0);
    expect(parse(resumed).run.resumed).toEqual({ batches: parse(b).run.batches, events: parse(b).run.sent });
    exact(parse(resumed));
  }, 120_000);

  it('the Indexed Job of deploy/k8s, two pods into one pipeline, then its merge Job: the single-process run exactly', async () => {
    const { address } = await serve(['--port', '0']);
    const results = tmp();
    // The pods' arguments as deploy/k8s/indexed-job.yaml gives them, with this test's pipeline,
    // scenario, shard count and volume, and $(VAR) expanded as Kubernetes does.
    const job = parseYaml(readFileSync('deploy/k8s/indexed-job.yaml', 'utf8')) as {
      spec: { completions: number; template: { spec: { containers: Array<{ args: string[] }> } } };
    };
    const podArgs = (index: number): string[] =>
      (job.spec.template.spec.containers[0]?.args ?? []).map((a) =>
        a
          .replace('scenarios/gb-day.yaml', SMALL)
          .replace('pipeline.perf.svc.cluster.local:50051', address)
          .replace(`job/${job.spec.completions}`, 'job/2')
          .replace('/results', results)
          .replace('$(SHARD_INDEX)', String(index)),
      );
    expect(podArgs(1)).toEqual([
      'emit',
      SMALL,
      '--target',
      address,
      '--shard',
      'job/2',
      '--run-id',
      'gb-day-build-1234',
      '--resume',
      '--no-progress',
      '--out',
      `${results}/shard-1`,
    ]);
    const dirs = [`${results}/shard-0`, `${results}/shard-1`];
    const shards = await Promise.all(
      [0, 1].map((index) => smsim([...podArgs(index), '--json'], { env: { JOB_COMPLETION_INDEX: String(index) } })),
    );
    for (const s of shards) {
      expect(s.stderr).toBe('');
      expect(s.code).toBe(0);
      // A partial run leaves its expectations to the merge; the pipeline's Report covers every
      // process of the run, so none of it is set beside this process's shards.
      expect(parse(s)).toMatchObject({ expectations: [], expectationsDeferred: true, passed: true });
      for (const m of parse(s).metrics) expect(m.reported).toBeNull();
    }
    expect(shards.map((s) => parse(s).shards.map((x) => x.index))).toEqual([[0, 2], [1]]);

    const mergeJob = parseYaml(readFileSync('deploy/k8s/merge-job.yaml', 'utf8')) as {
      spec: { template: { spec: { containers: Array<{ args: string[] }> } } };
    };
    const mergeArgs = (mergeJob.spec.template.spec.containers[0]?.args ?? [])
      .filter((a) => !/shard-[23]$/.test(a))
      .map((a) => a.replace('/results', results));
    expect(mergeArgs).toEqual(['merge', ...dirs, '--out', `${results}/merged`]);
    const merged = await smsim([...mergeArgs, '--json']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    const m = parse(merged);
    const whole = await reference();
    expect(m.runId).toBe('gb-day-build-1234');
    expect(m.fingerprint).toBe(whole.fingerprint);
    expect(figures(m)).toEqual(figures(whole));
    expect(m.expectations.map((e) => [e.expect, e.passed])).toEqual(whole.expectations.map((e) => [e.expect, e.passed]));
    exact(m);

    const incomplete = await smsim(['merge', dirs[0] as string]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toMatch(/shards 1 of the 3 in scenario "small" are in none of the reports: the run is incomplete/);
    const twice = await smsim(['merge', dirs[0] as string, dirs[0] as string]);
    expect(twice.stderr).toMatch(/shard 0 is in both .* shard sets must not overlap/);
  }, 120_000);

  it('a shard selection that selects nothing, or a Job index that is not there, is a usage error', async () => {
    const none = await smsim(['run', SMALL, '--shard', '3/4', '--no-progress']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--shard 3\/4 selects none of the 3 shards of .*small\.yaml/);
    const noIndex = await smsim(['run', SMALL, '--shard', 'job/2', '--no-progress']);
    expect(noIndex.code).toBe(2);
    expect(noIndex.stderr).toMatch(/\$JOB_COMPLETION_INDEX, which is not set/);
  });

  it('a pipeline killed and restarted right after the last ack: the final Report is retried and the run completes', async () => {
    const port = await freePort();
    const dataDir = tmp();
    let server: ChildProcess = (await serve(['--port', String(port), '--data-dir', dataDir])).child;
    const address = `127.0.0.1:${port}`;
    const whole = await reference();
    const emit = smsim([
      'emit',
      SMALL,
      '--target',
      address,
      '--run-id',
      'restart',
      '--no-progress',
      '--json',
      '--reconnect-timeout',
      '20s',
    ]);
    // As soon as every event is in, the pipeline dies; it is back 1 s later.
    for (;;) {
      const accepted = await fetchReport(address, 'restart', 0, { timeoutMs: 1000 }).then(
        (r) => r.stats.eventsAccepted,
        () => 0,
      );
      if (accepted >= whole.run.sent) break;
      await sleep(5);
    }
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    await sleep(1000);
    server = (await serve(['--port', String(port), '--data-dir', dataDir])).child;
    const r = await emit;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    exact(parse(r));
    expect(server.pid).toBeDefined();
  }, 120_000);

  it('a pipeline that does not compute a family: its figures are "not reported" in every output, and an expectation on them fails saying so', async () => {
    const { address } = await serve(['--port', '0', '--families', 'srv,alert']);
    const out = tmp();
    const r = await smsim(['emit', SMALL, '--target', address, '--out', out, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL.*install\.installAndLeave\.reported == install\.installAndLeave\.observed.*not reported/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report & { pipeline: { families: string[] } };
    expect(report.pipeline.families).toEqual(['alert', 'srv']);
    const install = report.metrics.filter((m) => m.id.startsWith('install.'));
    expect(install.length).toBeGreaterThan(0);
    for (const m of install) expect(m.reported).toBeNull();
    expect(report.expectations.find((e) => e.expect.startsWith('install.'))).toMatchObject({
      passed: false,
      notReported: ['install.installAndLeave.reported'],
    });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('not reported');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('not reported');
    // CPM5 (incidents) has data but the pipeline does not compute incidents: not measured, null.
    const pmr = JSON.parse(readFileSync(join(out, 'pmr.json'), 'utf8')) as {
      months: Array<{
        cpms: Array<{ cpm: string; measured: boolean; notReported?: true; within: { truth: number; reported: number | null } }>;
      }>;
    };
    const cpm5 = pmr.months.flatMap((m) => m.cpms).filter((c) => c.cpm === 'CPM5' && c.within.truth > 0);
    expect(cpm5.length).toBeGreaterThan(0);
    for (const c of cpm5) expect(c).toMatchObject({ measured: false, notReported: true, within: { reported: null } });
    expect(r.stdout).toMatch(/pipeline external at .* · not reported: incident, install, pmr/);
  }, 120_000);
});
