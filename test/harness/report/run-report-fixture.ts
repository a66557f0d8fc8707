import type { MetricRow } from '../../../harness/oracle/metric-row.js';
import type { RunReport } from '../../../harness/report/run-report.js';

/** Every metric family a pipeline can report (families.ts). */
export const ALL_FAMILIES: readonly string[] = ['alert', 'availability', 'firmware', 'incident', 'install', 'pmr', 'srv'];

/** A row; `reported` null is "not reported" (its family is not in the report's pipeline.families). */
export const metricRow = (
  id: string,
  labels: Record<string, string>,
  truth: number,
  observed: number,
  reported: number | null,
): MetricRow => ({ id, labels, truth, observed, reported });

/** A schema-version-2 report of a one-shard run, with every family reported unless overridden. */
export function runReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 2,
    smsimVersion: 'test',
    scenario: { name: 'nr', file: 'nr.yaml', description: '', shardCount: 1, expect: [] },
    runId: 'nr-0123456789ab',
    seed: '7',
    fingerprint: 'a'.repeat(64),
    window: {
      start: '2026-03-01T00:00:00.000Z',
      end: '2026-03-08T00:00:00.000Z',
      startMs: Date.parse('2026-03-01T00:00:00Z'),
      endMs: Date.parse('2026-03-08T00:00:00Z'),
    },
    pipeline: { kind: 'external', target: '127.0.0.1:1', families: ALL_FAMILIES },
    run: {
      workers: 1,
      shards: 1,
      batches: 4,
      bytes: 100,
      sent: 40,
      acked: 40,
      lost: 0,
      duplicates: 0,
      resent: 0,
      rejected: 0,
      wallSeconds: 1,
      eventsPerSecond: 40,
      peakRssBytes: 0,
    },
    shards: [{ index: 0, events: 40, batches: 4, fingerprint: 'b'.repeat(64) }],
    metrics: [],
    reporting: { asOfMs: Date.parse('2026-03-08T00:00:00Z'), latenessMs: 48 * 3_600_000 },
    expectations: [],
    passed: true,
    ...overrides,
  };
}
