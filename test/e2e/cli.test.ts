import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SMALL, freePort, killChildren, serve, smsim } from '../helpers/cli.js';

afterEach(killChildren);

describe('smsim CLI (real processes)', () => {
  it('runs a scenario end to end, writes report.json and report.md, exits 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'smsim-cli-'));
    const r = await smsim(['run', SMALL, '--workers', '2', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Install & Leave (8.14.2)');
    expect(r.stdout).toContain('Result: PASS');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({
      schemaVersion: 2,
      seed: '7',
      runId: expect.stringMatching(/^small-[0-9a-f]{12}$/) as string,
      scenario: { name: 'small', shardCount: 3 },
      passed: true,
      run: { lost: 0, duplicates: 0 },
    });
    expect(report.run.sent).toBeGreaterThan(10_000);
    expect(report.run.acked).toBe(report.run.sent);
    for (const m of report.metrics) expect(m.reported).toBe(m.observed);
    expect(report.metrics.find((m: { id: string }) => m.id === 'install.installAndLeave')).toMatchObject({
      labels: { region: expect.any(String), day: expect.any(String) },
    });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('# smsim report: small');
  });

  it('gives the same fingerprint on two runs with different worker counts', async () => {
    const a = JSON.parse((await smsim(['run', SMALL, '--workers', '1', '--json'])).stdout);
    const b = JSON.parse((await smsim(['run', SMALL, '--workers', '2', '--json'])).stdout);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.metrics).toEqual(b.metrics);
  });

  it('sends batches of --batch-size events: the same figures, other batches (and so another fingerprint)', async () => {
    const a = JSON.parse((await smsim(['run', SMALL, '--workers', '1', '--json'])).stdout);
    const b = JSON.parse((await smsim(['run', SMALL, '--workers', '1', '--json', '--batch-size', '250'])).stdout);
    expect(b.run.sent).toBe(a.run.sent);
    expect(b.metrics).toEqual(a.metrics);
    // One shard's batches hold at most 250 events (an action may run a few past the mark).
    expect(b.run.batches).toBeGreaterThan(a.run.batches * 3);
    expect(b.fingerprint).not.toBe(a.fingerprint);
    const bad = await smsim(['run', SMALL, '--batch-size', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--batch-size must be a whole number from 1 to 100000');
  });

  it('validates a scenario without running it', async () => {
    const ok = await smsim(['validate', 'scenarios/default.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe('scenarios/default.yaml: valid (100000 premises in 10 shards, 7 days)');
    expect(ok.stdout).toMatch(
      /\n {2}estimate: ~[\d,]+ events in ~[\d,]+ batches, ~[\d.]+ s unpaced \(installs [\d,]+, serviceRequests [\d,]+, alerts [\d,]+; how: smsim validate --help\)\n$/,
    );
    const bad = await smsim(['validate', 'test/fixtures/scenarios/nope.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[SMSIM_ERR_SCENARIO_NOT_FOUND]');
  });

  it('exits 1 when an expectation fails', async () => {
    const r = await smsim(['run', 'test/fixtures/scenarios/small-failing.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  install.installAndLeave.reported == install.installAndLeave.truth');
    expect(r.stdout).toContain('Result: FAIL');
  });

  it('exits 2 with every problem listed for an invalid scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsim-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'name: bad\nseed: 1\nstart: "2026-03-02"\nduration: 1d\nestate: { premises: -5 }\nserviceUsers: [{ name: A, share: 2 }]\ntraffic: { installs: { perDay: -1 } }\n',
    );
    const r = await smsim(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:5:21: estate.premises: must be ≥ 1`);
    expect(r.stderr).toContain(`${file}:6:34: serviceUsers[0].share: must be between 0 and 1`);
    expect(r.stderr).toContain(`${file}:7:32: traffic.installs.perDay: must be ≥ 0`);
    expect(r.stderr).toContain('[SMSIM_ERR_SCENARIO_INVALID]');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 with one clear line for a missing file, bad usage and an unreachable target', async () => {
    const missing = await smsim(['run', 'scenarios/nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('scenarios/nope.yaml: cannot read scenario (no such file)');
    const usage = await smsim(['run', SMALL, '--workers', 'lots']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--workers must be a whole number');
    const noTarget = await smsim(['emit', SMALL]);
    expect(noTarget.code).toBe(2);
    // A port nothing listens on.
    const port = await freePort();
    const unreachable = await smsim(['emit', SMALL, '--target', `127.0.0.1:${port}`]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(`127.0.0.1:${port}`);
    expect(unreachable.stderr).toContain('[SMSIM_ERR_TARGET_UNREACHABLE]');
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
  });

  it('serves the reference pipeline stand-alone and takes traffic from emit', async () => {
    const { child: server, address } = await serve(['--port', '0']);
    try {
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      const r = await smsim(['emit', SMALL, '--target', address, '--json']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.pipeline).toEqual({
        kind: 'external',
        target: address,
        families: ['alert', 'availability', 'firmware', 'incident', 'install', 'pmr', 'srv'],
      });
      expect(report.run.lost).toBe(0);
      // The port is taken now: a second server must say so and exit 2.
      const clash = await smsim(['serve', '--port', address.split(':')[1] as string]);
      expect(clash.code).toBe(2);
      expect(clash.stderr).toContain('[SMSIM_ERR_ADDRESS_IN_USE]');
    } finally {
      server.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => server.on('close', resolve));
    expect(code).toBe(0);
  });
});
