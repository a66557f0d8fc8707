import { expect } from 'vitest';
import { formatProblem, parseScenarioText, type ScenarioProblem } from '../../harness/scenario/load-scenario.js';
import { isSmsimError, type SmsimError } from '../../simulator/core/errors.js';

/** The head of a minimal valid scenario (no traffic), for tests to append blocks to. */
export const MINIMAL_SCENARIO = `
name: t
seed: 1
start: "2026-03-02"
duration: 1d
estate: { premises: 1000 }
serviceUsers: [{ name: A, share: 1 }]
`;

/**
 * The issues a refused scenario lists, as "file: path: what is wrong" without the line and column
 * (tests of a message do not depend on where the mistake sits; located tests use
 * locatedIssuesOf). Fails the test if the scenario is accepted.
 */
export function issuesOf(text: string, source = 'x.yaml'): string[] {
  const err = refusal(text, source);
  const problems = err.details.problems as ScenarioProblem[] | undefined;
  return problems?.map((p) => formatProblem(source, { path: p.path, message: p.message } as ScenarioProblem)) ?? [err.message];
}

/** The issues a refused scenario lists, each "file:line:column: path: what is wrong". */
export function locatedIssuesOf(text: string, source = 'x.yaml'): string[] {
  const err = refusal(text, source);
  return (err.details.issues as string[] | undefined) ?? [err.message];
}

function refusal(text: string, source: string): SmsimError {
  try {
    parseScenarioText(text, source);
  } catch (err) {
    expect(isSmsimError(err)).toBe(true);
    return err as SmsimError;
  }
  throw new Error('expected the scenario to be refused');
}
