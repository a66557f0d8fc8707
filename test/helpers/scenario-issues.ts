import { expect } from 'vitest';
import { parseScenarioText } from '../../harness/scenario/load-scenario.js';
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

/** The issues a refused scenario lists (fails the test if the scenario is accepted). */
export function issuesOf(text: string, source = 'x.yaml'): string[] {
  try {
    parseScenarioText(text, source);
  } catch (err) {
    expect(isSmsimError(err)).toBe(true);
    return ((err as SmsimError).details.issues as string[] | undefined) ?? [(err as SmsimError).message];
  }
  throw new Error('expected the scenario to be refused');
}
