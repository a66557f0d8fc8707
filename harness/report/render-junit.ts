import type { ExpectationResult } from '../expect/expectations.js';
import type { RunReport } from './run-report.js';
import { expectationValues, uncheckedNote } from './run-phrases.js';

/*
 * JUnit XML for CI servers: one testsuite per run (the scenario), one testcase per expectation.
 * It validates against the schema Jenkins' xUnit plugin reads (junit-10.xsd), which GitLab,
 * GitHub Actions reporters and Azure DevOps read too: properties only on the testsuite, times in
 * seconds, the timestamp as an ISO 8601 date-time without a zone (UTC here).
 */

/** XML 1.0 can carry neither C0 controls other than tab, LF and CR, nor lone surrogates, nor U+FFFE/FFFF, even escaped. */
function xmlChars(s: string): string {
  let out = '';
  // By code point: a lone surrogate comes through on its own.
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) continue;
    out += ch;
  }
  return out;
}

/** Text for an attribute or element content: escaped, and characters XML cannot carry dropped. */
export function xmlText(s: string): string {
  return xmlChars(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;');
}

/** Element content keeps its line breaks. */
const xmlBody = (s: string): string => xmlText(s).replace(/&#10;/g, '\n');

const seconds = (s: number): string => (Number.isFinite(s) && s > 0 ? s.toFixed(3) : '0');

/** 2026-03-02T09:00:00 (UTC): the form the Ant and Surefire schemas take for a testsuite's timestamp. */
const junitTimestamp = (d: Date): string => d.toISOString().slice(0, 19);

function testcase(classname: string, e: ExpectationResult): string {
  const open = `    <testcase name="${xmlText(e.expect)}" classname="${xmlText(classname)}" time="0"`;
  const figures = expectationValues(e);
  if (e.passed) return `${open}>\n      <system-out>${xmlBody(figures)}</system-out>\n    </testcase>`;
  const why =
    e.notReported !== undefined && e.notReported.length > 0
      ? 'the pipeline does not report a figure this expectation needs: a missing figure is never taken as 0'
      : 'the comparison does not hold';
  return (
    `${open}>\n      <failure type="expectation" message="${xmlText(figures)}">` +
    `${xmlBody(`expect: ${e.expect}\n${figures}\n${why}`)}</failure>\n    </testcase>`
  );
}

export interface JunitOptions {
  /** When the run (or the merge that checked it) started. */
  readonly startedAt: Date;
}

/**
 * report.json as JUnit XML. A run that checked no expectation (a shard of a run, left to smsim
 * merge; a run stopped by a signal) lists the scenario's expectations as skipped, with the reason.
 */
export function renderJunit(report: RunReport, options: JunitOptions): string {
  const name = report.scenario.name;
  const unchecked = uncheckedNote(report);
  const cases =
    report.expectations.length > 0
      ? report.expectations.map((e) => testcase(name, e))
      : unchecked === undefined
        ? []
        : report.scenario.expect.map(
            (text) =>
              `    <testcase name="${xmlText(text)}" classname="${xmlText(name)}" time="0">\n` +
              `      <skipped message="${xmlText(unchecked)}"/>\n    </testcase>`,
          );
  const tests = cases.length;
  const failures = report.expectations.filter((e) => !e.passed).length;
  const skipped = report.expectations.length > 0 || unchecked === undefined ? 0 : tests;
  const time = seconds(report.run.wallSeconds);
  const properties: Array<[string, string]> = [
    ['smsim.version', report.smsimVersion],
    ['run.id', report.runId],
    ['run.fingerprint', report.fingerprint],
    ['run.seed', report.seed],
    ['scenario.file', report.scenario.file],
    ['window.start', report.window.start],
    ['window.end', report.window.end],
    ['pipeline', `${report.pipeline.kind} ${report.pipeline.target}`],
    ['run.sent', String(report.run.sent)],
    ['run.acked', String(report.run.acked)],
    ['run.lost', String(report.run.lost)],
    ['run.duplicates', String(report.run.duplicates)],
    ['run.rejected', String(report.run.rejected)],
    ['result', unchecked === undefined ? (report.passed ? 'PASS' : 'FAIL') : report.interrupted !== undefined ? 'INTERRUPTED' : 'DEFERRED'],
  ];
  return junitDocument({ name, id: report.runId, failures, errors: 0, skipped, time, startedAt: options.startedAt, properties, cases });
}

/** A run that could not complete: what the JUnit file says instead of figures. */
export interface FailedRun {
  readonly scenario: { readonly name: string; readonly file: string; readonly expect: readonly string[] };
  readonly runId: string;
  readonly seed: string;
  /** The error's stable code (SMSIM_ERR_…) and message, as the CLI prints them. */
  readonly error: { readonly code: string; readonly message: string };
  readonly wallSeconds: number;
}

/**
 * JUnit XML for a run that failed before it could report (a pipeline unreachable for good, a
 * worker that crashed): each expectation is an <error> with the cause, so the CI server shows why
 * instead of "no test results". A scenario with no expectations gets one testcase for the run.
 */
export function renderJunitFailure(failed: FailedRun, options: JunitOptions): string {
  const name = failed.scenario.name;
  const names = failed.scenario.expect.length > 0 ? failed.scenario.expect : ['run'];
  const message = `the run failed before its expectations could be checked: ${failed.error.message}`;
  const time = seconds(failed.wallSeconds);
  const properties: Array<[string, string]> = [
    ['run.id', failed.runId],
    ['run.seed', failed.seed],
    ['scenario.file', failed.scenario.file],
    ['error.code', failed.error.code],
    ['result', 'ERROR'],
  ];
  const cases = names.map(
    (text) =>
      `    <testcase name="${xmlText(text)}" classname="${xmlText(name)}" time="0">\n` +
      `      <error type="${xmlText(failed.error.code)}" message="${xmlText(message)}"/>\n    </testcase>`,
  );
  return junitDocument({
    name,
    id: failed.runId,
    failures: 0,
    errors: names.length,
    skipped: 0,
    time,
    startedAt: options.startedAt,
    properties,
    cases,
  });
}

interface JunitSuite {
  readonly name: string;
  readonly id: string;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
  /** Seconds, as junit-10.xsd writes them. */
  readonly time: string;
  readonly startedAt: Date;
  readonly properties: ReadonlyArray<readonly [string, string]>;
  /** The <testcase> elements, rendered. */
  readonly cases: readonly string[];
}

/** One <testsuites> holding the run's <testsuite>: the envelope every JUnit file of smsim has. */
function junitDocument(suite: JunitSuite): string {
  const tests = suite.cases.length;
  const counts = `tests="${tests}" failures="${suite.failures}" errors="${suite.errors}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="smsim" ${counts} time="${suite.time}">`,
    `  <testsuite name="${xmlText(suite.name)}" package="smsim" ${counts} skipped="${suite.skipped}" ` +
      `time="${suite.time}" timestamp="${junitTimestamp(suite.startedAt)}" id="${xmlText(suite.id)}">`,
    '    <properties>',
    ...suite.properties.map(([k, v]) => `      <property name="${k}" value="${xmlText(v)}"/>`),
    '    </properties>',
    ...suite.cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
