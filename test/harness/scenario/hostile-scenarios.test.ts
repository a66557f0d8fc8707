import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSmsimError, type SmsimError } from '../../../simulator/core/errors.js';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { MINIMAL_SCENARIO } from '../../helpers/scenario-issues.js';

/**
 * Hostile scenarios (issue #7, docs/reliability.md): every class is refused with its error code
 * and a message naming the path; nothing else is ever thrown.
 */

const VALID =
  MINIMAL_SCENARIO +
  `traffic: { installs: { perDay: 10 } }
`;

function refusal(text: string): SmsimError {
  try {
    parseScenarioText(text, 'x.yaml');
  } catch (err) {
    if (isSmsimError(err)) return err;
    throw err;
  }
  throw new Error('expected the scenario to be refused');
}

const bomb = (): string => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 12; i++) {
    const [prev, next] = [String.fromCharCode(97 + i), String.fromCharCode(98 + i)];
    lines.push(`${next}: &${next} [*${prev},*${prev},*${prev},*${prev}]`);
  }
  return lines.join('\n');
};

const HOSTILE: Array<[string, string, string, RegExp]> = [
  ['unknown key (top level)', `${VALID}colour: blue\n`, 'SMSIM_ERR_SCENARIO_INVALID', /x\.yaml:\d+:\d+: colour: unknown key/],
  [
    'unknown key (nested)',
    VALID.replace('{ premises: 1000 }', '{ premises: 1000, flats: 3 }'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: estate\.flats: unknown key/,
  ],
  [
    'prototype pollution key',
    `${VALID}__proto__: { polluted: 1 }\n`,
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: __proto__: unknown key/,
  ],
  [
    'wrong type',
    VALID.replace('premises: 1000', 'premises: "many"'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: estate\.premises: must be a number \(got string\)/,
  ],
  [
    'wrong type (binary tag)',
    VALID.replace('name: t', 'name: !!binary aGVsbG8='),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: name: must be a string/,
  ],
  ['not a mapping', '- a\n- b\n', 'SMSIM_ERR_SCENARIO_INVALID', /x\.yaml:\d+:\d+: \(top level\): must be an object \(got array\)/],
  [
    'out of range',
    VALID.replace('share: 1 }', 'share: 1.5 }'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: serviceUsers\[0\]\.share: must be between 0 and 1/,
  ],
  [
    'negative',
    VALID.replace('perDay: 10', 'perDay: -1'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: traffic\.installs\.perDay: must be ≥ 0/,
  ],
  [
    'huge value (premises)',
    VALID.replace('premises: 1000', 'premises: 1e30'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: estate\.premises: must be ≤ 40000000/,
  ],
  [
    'huge value (rate)',
    VALID.replace('perDay: 10', 'perDay: 1e300'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: traffic\.installs\.perDay: must be ≤ 1e12/,
  ],
  [
    'huge value (infinity)',
    VALID.replace('perDay: 10', 'perDay: .inf'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: traffic\.installs\.perDay: must be a number \(got Infinity\)/,
  ],
  [
    'huge value (NaN)',
    VALID.replace('perDay: 10', 'perDay: .nan'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: traffic\.installs\.perDay: must be a number \(got NaN\)/,
  ],
  [
    'huge value (duration)',
    VALID.replace('duration: 1d', 'duration: 100000000d'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: duration: must be a duration .*at most 400d/,
  ],
  [
    'huge value (name of 100 kB)',
    VALID.replace('name: t', `name: ${'x'.repeat(100_000)}`),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: name: must be at most 200 characters/,
  ],
  [
    'huge list',
    VALID.replace('[{ name: A, share: 1 }]', `[${Array.from({ length: 1001 }, (_, i) => `{name: U${i}, share: 0.001}`).join(',')}]`),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: serviceUsers: .*<=1000 items/,
  ],
  [
    'huge file (> 1 MiB)',
    `${VALID}description: "${'x'.repeat(1024 * 1024)}"\n`,
    'SMSIM_ERR_SCENARIO_PARSE',
    /x\.yaml: scenario is larger than 1048576 bytes/,
  ],
  [
    'invalid date (30 February, hour 25)',
    VALID.replace('"2026-03-02"', '"2026-02-30T25:00:00Z"'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: start: "2026-02-30T25:00:00Z" is not a calendar date: day 30 does not exist/,
  ],
  [
    'invalid date (not a date)',
    VALID.replace('"2026-03-02"', '"next tuesday"'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: start: must be an ISO 8601 date/,
  ],
  [
    'invalid date (year 1)',
    VALID.replace('"2026-03-02"', '"0001-01-01"'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: start: must be between 2000-01-01 and 2097-12-31/,
  ],
  [
    'invalid date (year 99999)',
    VALID.replace('"2026-03-02"', '"+099999-01-01"'),
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: start: must be an ISO 8601 date/,
  ],
  ['YAML bomb (alias expansion)', bomb(), 'SMSIM_ERR_SCENARIO_PARSE', /x\.yaml: .*alias/i],
  [
    'YAML bomb (nesting 50 000 deep)',
    `name: ${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    'SMSIM_ERR_SCENARIO_PARSE',
    /x\.yaml:.*nested too deeply/,
  ],
  [
    'duplicate key',
    `${VALID}seed: 2\n`,
    'SMSIM_ERR_SCENARIO_PARSE',
    /x\.yaml:9:1: key "seed" is set twice in this mapping \(keys must be unique\)/,
  ],
  ['malformed YAML', 'name: [unclosed\n', 'SMSIM_ERR_SCENARIO_PARSE', /x\.yaml:/],
  [
    'bad expectation',
    `${VALID}expect: ["run.lost = 0"]\n`,
    'SMSIM_ERR_SCENARIO_INVALID',
    /x\.yaml:\d+:\d+: expect\[0\]: .*unexpected "= 0"/,
  ],
];

describe('hostile scenarios', () => {
  it.each(HOSTILE)('%s → %s', (_name, text, code, message) => {
    const err = refusal(text);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/\n\s+at /);
  });
});

describe('fuzz: random and mutated scenario text (fast-check)', () => {
  const corpus = [VALID, readFileSync('test/fixtures/scenarios/small.yaml', 'utf8'), readFileSync('scenarios/default.yaml', 'utf8')];
  const yamlish = fc.constantFrom(
    ':',
    '-',
    '[',
    ']',
    '{',
    '}',
    '&a',
    '*a',
    '!!',
    '"',
    "'",
    '\n',
    '  ',
    '#',
    '1e309',
    '-1',
    'null',
    '~',
    '<<:',
    '|',
    '>',
    '?',
    ',',
    '%YAML 1.2',
    '---',
    '...',
    '\t',
    '\u0000',
    '2026-13-45',
  );
  const mutated = fc
    .tuple(
      fc.constantFrom(...corpus),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.oneof(yamlish, fc.string({ maxLength: 8 }))), { minLength: 1, maxLength: 6 }),
    )
    .map(([text, edits]) => {
      let out = text;
      for (const [at, del, insert] of edits) {
        const p = at % (out.length + 1);
        out = out.slice(0, p) + insert + out.slice(p + del);
      }
      return out;
    });

  it('every input is either a valid scenario or an SmsimError with a SCENARIO code, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 300 }), fc.stringMatching(/^[a-z{}[\]:,\-\n &*!"0-9.]{0,200}$/)), (text) => {
        try {
          const s = parseScenarioText(text, 'fuzz.yaml');
          expect(s.endMs).toBeGreaterThan(s.startMs);
        } catch (err) {
          expect(isSmsimError(err), String(err)).toBe(true);
          expect((err as SmsimError).code).toMatch(/^SMSIM_ERR_SCENARIO_(PARSE|INVALID)$/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
