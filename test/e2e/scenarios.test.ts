import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/run-scenario.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';

/*
 * Every scenario in scenarios/ (gb-* excepted: minutes long, run by `npm run bench`) runs end to
 * end through real workers and real gRPC and meets its own expectations, as `smsim run` would.
 */
const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml') && !f.startsWith('gb-'));

describe('every scenario meets its expectations', () => {
  it.each(files)(
    '%s',
    async (file) => {
      const { scenario } = await loadScenario(join('scenarios', file));
      const report = await runScenario({ scenario, scenarioFile: file, workers: 2 });
      expect(report.expectations.filter((e) => !e.passed)).toEqual([]);
      expect(report.run).toMatchObject({ lost: 0, duplicates: 0, rejected: 0 });
      expect(report.run.acked).toBe(report.run.sent);
    },
    120_000,
  );
});
