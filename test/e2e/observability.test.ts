import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SMALL, freePort, killChildren, serve, smsim, smsimProcess } from '../helpers/cli.js';

/**
 * `smsim serve --metrics-port` and the gRPC health service, seen as an operator sees them: a
 * real HTTP scrape of /metrics while a real run streams into a real `smsim serve`, and the
 * standard grpc.health.v1.Health client of grpc-health-check.
 */

afterEach(killChildren);

const TOKEN = 'observability-token';

/** Every sample of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return samples(await res.text());
}

type HealthClient = grpc.Client & {
  Check(req: { service: string }, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
  Watch(req: { service: string }): grpc.ClientReadableStream<{ status: string }>;
};
const HealthClient = grpc.makeClientConstructor(healthService, 'Health') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
) => HealthClient;

const check = (client: HealthClient, name: string): Promise<string> =>
  new Promise((resolve, reject) =>
    client.Check({ service: name }, (err, res) => (err === null ? resolve(res?.status ?? '') : reject(err))),
  );

describe('smsim serve --metrics-port', () => {
  it('/metrics shows the ingest counters rising during a run, and its totals after it', async () => {
    const metricsPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'smsim-metrics-'));
    const { child, address } = await serve(['-p', '0', '--metrics-port', String(metricsPort), '--data-dir', dataDir, '--token', TOKEN]);
    const url = `http://127.0.0.1:${metricsPort}/metrics`;
    const before = await scrape(url);
    expect(before.get('smsim_ingest_events_total')).toBe(0);
    expect(before.get('smsim_runs_held')).toBe(0);
    expect(before.has('process_cpu_seconds_total')).toBe(true);

    // Paced: ~24,600 events at 5,000 events/s is some 5 s of batches to scrape between.
    const junit = join(dataDir, 'junit.xml');
    const run = smsimProcess(['emit', SMALL, '-t', address, '--rate', '5000', '--json', '--no-progress', '--junit', junit], {
      env: { SMSIM_TOKEN: TOKEN },
    });
    let finished = false;
    void run.done.then(() => (finished = true));
    const during: Array<Map<string, number>> = [];
    while (!finished) {
      const s = await scrape(url);
      if (!finished) during.push(s);
      await new Promise((r) => setTimeout(r, 150));
    }
    const r = await run.done;
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { run: { sent: number; batches: number } };
    const events = during.map((s) => s.get('smsim_ingest_events_total') as number);
    // Two scrapes while the run streamed, the second with more events than the first, both short of the total.
    const rising = events.filter((e) => e > 0 && e < report.run.sent);
    expect(new Set(rising).size).toBeGreaterThanOrEqual(2);
    expect(events).toEqual([...events].sort((a, b) => a - b));
    expect(during.some((s) => (s.get('smsim_ingest_streams_open') as number) > 0)).toBe(true);

    const after = await scrape(url);
    expect(after.get('smsim_ingest_events_total')).toBe(report.run.sent);
    expect(after.get('smsim_ingest_batches_total')).toBe(report.run.batches);
    expect(after.get('smsim_ingest_acks_total{status="OK"}')).toBe(report.run.batches);
    expect(after.get('smsim_ingest_duplicate_batches_total')).toBe(0);
    expect(after.get('smsim_ingest_streams_open')).toBe(0);
    expect(after.get('smsim_runs_held')).toBe(1);
    expect(after.get('smsim_journal_records_total')).toBe(report.run.batches);
    const journalBytes = readFileSync(join(dataDir, 'ingest.journal')).length;
    expect(after.get('smsim_journal_size_bytes')).toBe(journalBytes);
    // Everything but the file's 8-byte magic was written by this process.
    expect(after.get('smsim_journal_written_bytes_total')).toBe(journalBytes - 8);
    // emit takes --junit as run does.
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuite name="small" package="smsim" tests="3" failures="0"/);
    // One fdatasync per commit (--fsync batch groups records into commits).
    expect(after.get('smsim_journal_fsync_seconds_count')).toBeGreaterThan(0);
    expect(after.get('smsim_journal_fsync_seconds_count')).toBeLessThanOrEqual(report.run.batches);

    // A refusal is counted by its code: a wrong token.
    const refused = await smsim(['runs', 'list', '-t', address], { env: { SMSIM_TOKEN: 'wrong' } });
    expect(refused.code).toBe(2);
    expect((await scrape(url)).get('smsim_ingest_refused_calls_total{code="SMSIM_ERR_UNAUTHENTICATED"}')).toBe(1);
    const notFound = await fetch(`http://127.0.0.1:${metricsPort}/`);
    expect(notFound.status).toBe(404);
    child.kill('SIGTERM');
  });

  it('the gRPC health service answers SERVING for the server and each service, and NOT_SERVING once it stops', async () => {
    const { child, address } = await serve(['-p', '0', '--token', TOKEN]);
    const client = new HealthClient(address, grpc.credentials.createInsecure());
    try {
      // Probes carry no token: the health service does not ask for one.
      expect(await check(client, '')).toBe('SERVING');
      expect(await check(client, 'smsim.v1.Ingest')).toBe('SERVING');
      expect(await check(client, 'smsim.v1.Reporting')).toBe('SERVING');
      const unknown = await check(client, 'no.such.Service').catch((err: grpc.ServiceError) => err.code);
      expect(unknown).toBe(grpc.status.NOT_FOUND);
      const statuses: string[] = [];
      const watch = client.Watch({ service: '' });
      watch.on('error', () => undefined);
      const notServing = new Promise<void>((resolve) =>
        watch.on('data', (m: { status: string }) => {
          statuses.push(m.status);
          if (m.status === 'SERVING') child.kill('SIGTERM');
          if (m.status === 'NOT_SERVING') resolve();
        }),
      );
      await notServing;
      expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
    } finally {
      client.close();
    }
  });

  it('a metrics port in use is refused before the pipeline starts (exit 2)', async () => {
    const { address } = await serve(['-p', '0', '--metrics-port', '0']);
    const port = address.slice(address.lastIndexOf(':') + 1);
    const r = await smsim(['serve', '-p', '0', '--metrics-port', port]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--metrics-port: cannot listen on 127.0.0.1:${port}: the address is in use`);
    expect(r.stderr).toContain('SMSIM_ERR_ADDRESS_IN_USE');
  });

  it('help, the README and docs/observability.md name the options and every metric /metrics serves', async () => {
    const help = await smsim(['serve', '--help']);
    // Commander wraps the descriptions to the terminal's width.
    const flat = help.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('--metrics-port <port> serve Prometheus metrics over HTTP at /metrics on this port');
    expect(flat).toContain('--metrics-host <host> address the metrics endpoint binds');
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('`--metrics-port <port>`');
    expect(readme).toContain('`--metrics-host <host>`');
    const metricsPort = await freePort();
    await serve(['-p', '0', '--metrics-port', String(metricsPort), '--data-dir', mkdtempSync(join(tmpdir(), 'smsim-metrics-'))]);
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const served = [...new Set([...text.matchAll(/^# TYPE (smsim_\w+) /gm)].map((m) => m[1]))].sort();
    const doc = readFileSync('docs/observability.md', 'utf8');
    const documented = [...new Set([...doc.matchAll(/^\| `(smsim_\w+)`/gm)].map((m) => m[1]))].sort();
    expect(documented).toEqual(served);
  });
});
