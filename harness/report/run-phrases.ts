import { expectationSides } from '../expect/expectation-sides.js';
import type { ExpectationResult } from '../expect/expectations.js';
import { familyOf } from '../oracle/families.js';
import { NOT_REPORTED, num, reportedNum } from './format.js';
import type { RunFigures, RunReport } from './run-report.js';

/*
 * Phrases the terminal summary, report.md and report.html share, so the three outputs say the
 * same thing about a run in the same words.
 */

/**
 * An expectation's two sides, named and with their unit: "truth 62,463 ms, limit 60,000 ms"; one
 * that refers to a figure the pipeline does not report names those references instead ("not
 * reported: install.installAndLeave.reported"), as its failure comes from them, not from the
 * comparison.
 */
export function expectationValues(e: ExpectationResult): string {
  if (e.notReported !== undefined && e.notReported.length > 0) return `${NOT_REPORTED}: ${e.notReported.join(', ')}`;
  const sides = expectationSides(e.expect) ?? { left: 'left', right: 'right' };
  return `${sides.left} ${sideValue(e.left, e)}, ${sides.right} ${sideValue(e.right, e)}`;
}

/** One side of an expectation with its unit: "4,735 ms". */
export function sideValue(value: number | null, e: ExpectationResult): string {
  return value === null || e.unit === undefined ? reportedNum(value) : `${reportedNum(value)} ${e.unit}`;
}

/** For a partial run: "deferred to smsim merge (this run covers 2 of the scenario's 8 shards)". */
export function deferredNote(report: RunReport): string | undefined {
  if (report.expectationsDeferred !== true) return undefined;
  return `deferred to smsim merge (this run covers ${num(report.run.shards)} of the scenario's ${num(report.scenario.shardCount)} shards)`;
}

/**
 * For an interrupted run: "not evaluated: the run was interrupted (SIGINT) with 3 of 10 shards
 * complete; every shard's traffic was simulated up to 2026-03-04T05:12:00.000Z".
 */
export function interruptedNote(report: RunReport): string | undefined {
  const i = report.interrupted;
  if (i === undefined) return undefined;
  const total = i.shardsComplete + i.shardsStopped;
  return `not evaluated: the run was interrupted (${i.signal}) with ${num(i.shardsComplete)} of ${num(total)} shards complete; every shard's traffic was simulated up to ${i.atVirtual}`;
}

/** Why this run's expectations were not checked (interrupted, or deferred to smsim merge), if they were not. */
export function uncheckedNote(report: RunReport): string | undefined {
  return interruptedNote(report) ?? deferredNote(report);
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
 * PASS / FAIL, or DEFERRED for a partial run and INTERRUPTED for a run stopped by a signal: they
 * checked no expectation, so a PASS would claim more than they know.
 */
export function resultWord(report: RunReport): 'PASS' | 'FAIL' | 'DEFERRED' | 'INTERRUPTED' {
  if (report.interrupted !== undefined) return 'INTERRUPTED';
  if (report.expectationsDeferred === true && report.expectations.length === 0) return 'DEFERRED';
  return report.passed ? 'PASS' : 'FAIL';
}
