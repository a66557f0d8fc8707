import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { SmsimError } from '../../simulator/core/errors.js';
import { resolveScenario, type ResolvedScenario } from '../../simulator/core/scenario/resolve.js';
import { ScenarioSchema } from '../../simulator/core/scenario/schema.js';
import { parseExpectations } from '../expect/expectations.js';

/** Scenario files larger than this are refused before parsing (a scenario is a few KB). */
const MAX_SCENARIO_BYTES = 1024 * 1024;

export interface LoadedScenario {
  readonly file: string;
  readonly scenario: ResolvedScenario;
}

/** Reads, parses and validates a scenario file; every problem is reported, with its path. */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String((err as Error).message);
    throw new SmsimError('SMSIM_ERR_SCENARIO_NOT_FOUND', `${file}: cannot read scenario (${why})`, { details: { file }, cause: err });
  }
  return { file, scenario: parseScenarioText(text, file) };
}

/** Parses and validates scenario YAML; `source` names the file in messages. */
export function parseScenarioText(text: string, source: string): ResolvedScenario {
  if (text.length > MAX_SCENARIO_BYTES)
    throw new SmsimError('SMSIM_ERR_SCENARIO_PARSE', `${source}: scenario is larger than ${MAX_SCENARIO_BYTES} bytes`);
  // maxAliasCount bounds alias expansion, so a "billion laughs" document fails fast.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    // The parser recurses per nesting level: a document nested thousands deep overflows its stack.
    const issues = doc.errors.map(
      (e) => `${source}:${e.linePos?.[0]?.line ?? '?'}: ${/call stack/i.test(e.message) ? 'nested too deeply' : e.message.split('\n')[0]}`,
    );
    throw new SmsimError('SMSIM_ERR_SCENARIO_PARSE', issues.join('\n'), { details: { issues } });
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const why = err instanceof RangeError && /call stack/i.test(err.message) ? 'nested too deeply' : (err as Error).message;
    throw new SmsimError('SMSIM_ERR_SCENARIO_PARSE', `${source}: ${why}`, { cause: err });
  }
  const parsed = ScenarioSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues, source);
    throw new SmsimError('SMSIM_ERR_SCENARIO_INVALID', issues.join('\n'), { details: { issues } });
  }
  const scenario = resolveScenario(parsed.data);
  // Expectations are part of the scenario: a bad one is bad input, found before anything runs.
  const expectIssues: string[] = [];
  scenario.expect.forEach((line, i) => {
    try {
      parseExpectations([line]);
    } catch (err) {
      expectIssues.push(`${source}: expect[${i}]: ${(err as Error).message}`);
    }
  });
  if (expectIssues.length > 0)
    throw new SmsimError('SMSIM_ERR_SCENARIO_INVALID', expectIssues.join('\n'), { details: { issues: expectIssues } });
  return scenario;
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(top level)' : out;
}

/** One line per problem: "file: path: what is wrong". */
export function formatIssues(issues: readonly z.core.$ZodIssue[], source: string): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const at = pathText(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${source}: ${pathText([...issue.path, key])}: unknown key`);
      continue;
    }
    if (issue.code === 'invalid_type') {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      lines.push(
        received === 'undefined'
          ? `${source}: ${at}: is required`
          : `${source}: ${at}: must be ${article(issue.expected)}${received === undefined ? '' : ` (got ${received})`}`,
      );
      continue;
    }
    lines.push(`${source}: ${at}: ${issue.message}`);
  }
  return lines;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
