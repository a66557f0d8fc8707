import type { ExpectationResult } from '../expect/expectations.js';
import { familyOf } from '../oracle/families.js';
import { NOT_REPORTED, num, reportedNum } from './format.js';
import type { RunFigures, RunReport } from './run-report.js';

/*
 * Phrases the terminal summary, report.md and report.html share, so the three outputs say the
 * same thing about a run in the same words.
 */

/**
 * An expectation's two sides: "left 3, right 4"; one that refers to a figure the pipeline does
 * not report names those references instead ("not reported: install.installAndLeave.reported"),
 * as its failure comes from them, not from the comparison.
 */
export function expectationValues(e: ExpectationResult): string {
  if (e.notReported !== undefined && e.notReported.length > 0) return `${NOT_REPORTED}: ${e.notReported.join(', ')}`;
  return `left ${reportedNum(e.left)}, right ${reportedNum(e.right)}`;
}

/** For a partial run: "deferred to smsim merge (this run covers 2 of the scenario's 8 shards)". */
export function deferredNote(report: RunReport): string | undefined {
  if (report.expectationsDeferred !== true) return undefined;
  return `deferred to smsim merge (this run covers ${num(report.run.shards)} of the scenario's ${num(report.scenario.shardCount)} shards)`;
}

/** For a resumed run: "3 batches (1,200 events) delivered by an earlier process". */
export function resumedNote(run: RunFigures): string | undefined {
  if (run.resumed === undefined) return undefined;
  const { batches, events } = run.resumed;
  return `${num(batches)} batch${batches === 1 ? '' : 'es'} (${num(events)} event${events === 1 ? '' : 's'}) delivered by an earlier process`;
}

/** The families among the run's figures whose reported values are null, sorted. */
export function notReportedFamilies(report: RunReport): string[] {
  const out = new Set<string>();
  for (const r of report.metrics) if (r.reported === null) out.add(familyOf(r.id));
  return [...out].sort();
}

/**
 * PASS / FAIL, or DEFERRED for a partial run: it checked no expectation, so a PASS would claim
 * more than it knows.
 */
export function resultWord(report: RunReport): 'PASS' | 'FAIL' | 'DEFERRED' {
  if (report.expectationsDeferred === true && report.expectations.length === 0) return 'DEFERRED';
  return report.passed ? 'PASS' : 'FAIL';
}
