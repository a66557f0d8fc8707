import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, serve, smsim } from '../helpers/cli.js';

afterEach(killChildren);

/*
 * The within-target rule (measurement.withinTarget) is pipeline configuration: `smsim serve
 * --scenario` must take it from the scenario, or its CPM1 / CPM2 would differ from the simulator's
 * observed ones. A stand-alone server given the scenario reports exactly what smsim observed; one
 * given nothing reports the default rule (successful responses only), which counts fewer.
 */
const scenario = (dir: string): string => {
  const file = join(dir, 'rule.yaml');
  writeFileSync(
    file,
    `name: rule
seed: 3
start: "2026-03-03"
duration: 1d
estate: { premises: 2000, premisesPerShard: 2000 }
serviceUsers: [{ name: S, share: 1 }]
traffic:
  serviceRequests: { failureShare: { smets2: 0.3, smets1: 0.3 } }
measurement: { withinTarget: responseDelivered }
`,
  );
  return file;
};
type Row = { id: string; labels: Record<string, string>; truth: number; observed: number; reported: number | null };
const total = (rows: readonly Row[], id: string, f: 'observed' | 'reported'): number =>
  rows.filter((r) => r.id === id).reduce((a, r) => a + (r[f] ?? 0), 0);

describe('measurement.withinTarget reaches a stand-alone pipeline through serve --scenario', () => {
  it('reports what smsim observed with the scenario, fewer within target without it', async () => {
    const file = scenario(mkdtempSync(join(tmpdir(), 'smsim-rule-')));
    const withRule = await serve(['--port', '0', '--scenario', file]);
    const a = await smsim(['emit', file, '--target', withRule.address, '--json']);
    withRule.child.kill('SIGTERM');
    expect(a.code).toBe(0);
    const ra = JSON.parse(a.stdout) as { metrics: Row[]; reporting: { withinTargetRule: string } };
    expect(ra.reporting.withinTargetRule).toBe('responseDelivered');
    const observed = total(ra.metrics, 'srv.withinTarget', 'observed');
    const failures = total(ra.metrics, 'srv.failures', 'observed');
    expect(failures).toBeGreaterThan(500);
    expect(total(ra.metrics, 'srv.withinTarget', 'reported')).toBe(observed);

    const plain = await serve(['--port', '0']);
    const b = await smsim(['emit', file, '--target', plain.address, '--json']);
    plain.child.kill('SIGTERM');
    const rb = JSON.parse(b.stdout) as { metrics: Row[] };
    // The same traffic judged by the default rule: the failed responses delivered in time drop out.
    expect(total(rb.metrics, 'srv.withinTarget', 'observed')).toBe(observed);
    expect(total(rb.metrics, 'srv.withinTarget', 'reported')).toBeLessThan(observed - 500);
  }, 120_000);
});
