import { readFile } from 'node:fs/promises';
import { type Document, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { isSmsimError, SmsimError } from '../../simulator/core/errors.js';
import { resolveScenario, type ResolvedScenario } from '../../simulator/core/scenario/resolve.js';
import { ScenarioSchema } from '../../simulator/core/scenario/schema.js';
import { didYouMeanText } from '../expect/did-you-mean.js';
import { parseExpectation } from '../expect/expectations.js';
import { knownKeysAt } from './schema-keys.js';
import { positionInScalar, positionOf, type SourcePosition } from './yaml-positions.js';

/** Scenario files larger than this are refused before parsing (a scenario is a few KB). */
const MAX_SCENARIO_BYTES = 1024 * 1024;

export interface LoadedScenario {
  readonly file: string;
  readonly scenario: ResolvedScenario;
}

/** One problem of a scenario file: where it is (line and column, 1-based), the value's path, what is wrong. */
export interface ScenarioProblem {
  readonly line?: number;
  readonly column?: number;
  /** e.g. `estate.premises`, `expect[1]`; absent for a YAML syntax error. */
  readonly path?: string;
  readonly message: string;
}

/** Reads, parses and validates a scenario file; every problem is reported, with its place in the file. */
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

/**
 * Parses and validates scenario YAML; `source` names the file in messages. YAML syntax errors,
 * schema errors and expectation errors are all collected, so an author fixes them in one go:
 * the error's `details.issues` has one "file:line:column: path: what is wrong" line per problem
 * (`details.problems` the same, structured).
 */
export function parseScenarioText(text: string, source: string): ResolvedScenario {
  if (text.length > MAX_SCENARIO_BYTES)
    throw new SmsimError('SMSIM_ERR_SCENARIO_PARSE', `${source}: scenario is larger than ${MAX_SCENARIO_BYTES} bytes`);
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  const syntax = syntaxProblems(doc, lines, text);
  let raw: unknown;
  try {
    // maxAliasCount bounds alias expansion, so a "billion laughs" document fails fast.
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const why = err instanceof RangeError && /call stack/i.test(err.message) ? 'nested too deeply' : (err as Error).message;
    if (syntax.length > 0) fail('SMSIM_ERR_SCENARIO_PARSE', syntax, source);
    throw new SmsimError('SMSIM_ERR_SCENARIO_PARSE', `${source}: ${why}`, { cause: err });
  }
  // A document with syntax errors still has a tree (the parser recovers): its schema and
  // expectation problems are listed too, so one run shows every mistake.
  const parsed = ScenarioSchema.safeParse(raw ?? {});
  // A schema problem on a line with a syntax error is that error's echo (a mis-indented key read as a value): one message.
  const syntaxLines = new Set(syntax.map((p) => p.line));
  const problems = [
    ...syntax,
    ...(parsed.success ? [] : schemaProblems(parsed.error.issues, doc, lines)).filter((p) => !syntaxLines.has(p.line)),
    ...expectationProblems(raw, doc, lines, text),
  ];
  if (problems.length > 0 || !parsed.success)
    fail(syntax.length > 0 ? 'SMSIM_ERR_SCENARIO_PARSE' : 'SMSIM_ERR_SCENARIO_INVALID', problems, source);
  return resolveScenario(parsed.data);
}

/** "file:line:column: path: message" (the form editors and CI logs turn into links). */
export function formatProblem(source: string, p: ScenarioProblem): string {
  const at = p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`;
  return `${source}${at}: ${p.path === undefined ? '' : `${p.path}: `}${p.message}`;
}

function fail(code: 'SMSIM_ERR_SCENARIO_PARSE' | 'SMSIM_ERR_SCENARIO_INVALID', found: ScenarioProblem[], source: string): never {
  const problems = [...found].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const issues = problems.map((p) => formatProblem(source, p));
  const message = issues.length === 1 ? (issues[0] as string) : `${issues.length} problems in ${source}:\n  ${issues.join('\n  ')}`;
  throw new SmsimError(code, message, { details: { issues, problems } });
}

const at = (pos: SourcePosition | undefined): { line?: number; column?: number } =>
  pos === undefined ? {} : { line: pos.line, column: pos.column };

/** YAML syntax errors, one per line (the parser often reports one mistake twice). */
function syntaxProblems(doc: Document, lines: LineCounter, text: string): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  const seen = new Set<number>();
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    if (seen.has(line)) continue;
    seen.add(line);
    // The parser recurses per nesting level: a document nested thousands deep overflows its stack.
    let message = /call stack/i.test(e.message) ? 'nested too deeply' : (e.message.split('\n')[0] as string);
    if (e.code === 'DUPLICATE_KEY') message = `key ${keyAt(text, e.pos[0])} is set twice in this mapping (keys must be unique)`;
    if (e.code === 'BAD_INDENT' || e.code === 'BLOCK_AS_IMPLICIT_KEY' || e.code === 'MULTILINE_IMPLICIT_KEY')
      message = `${message} (check the indentation here and on the next line)`;
    out.push({ line, column: col, message });
  }
  return out;
}

/** The key written at `offset`, quoted for a message. */
function keyAt(text: string, offset: number): string {
  const key = /^(?:"[^"\n]*"|'[^'\n]*'|[^:\s]+)/.exec(text.slice(offset, offset + 200))?.[0] ?? '';
  return key.startsWith('"') ? key : `"${key.replace(/^'|'$/g, '')}"`;
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(top level)' : out;
}

/** Each zod issue where it is in the file; an unknown key with the known key it is closest to. */
function schemaProblems(issues: readonly z.core.$ZodIssue[], doc: Document, lines: LineCounter): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  for (const issue of issues) {
    const path = pathText(issue.path);
    const where = at(positionOf(doc, lines, issue.path));
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(ScenarioSchema, issue.path);
      for (const key of issue.keys)
        out.push({
          ...at(positionOf(doc, lines, [...issue.path, key], { key: true })),
          path: pathText([...issue.path, key]),
          message: `unknown key${didYouMeanText(key, known)}`,
        });
      continue;
    }
    if (issue.code === 'invalid_type') {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      const message =
        received === 'undefined'
          ? 'is required'
          : `must be ${article(issue.expected)}${received === undefined ? '' : ` (got ${received})`}`;
      out.push({ ...where, path, message });
      continue;
    }
    if (issue.code === 'invalid_value' && issue.values.every((v) => typeof v === 'string')) {
      const values = issue.values as string[];
      const got = valueAt(doc, issue.path);
      const guess = typeof got === 'string' ? didYouMeanText(got, values) : '';
      out.push({ ...where, path, message: `must be one of ${values.join(', ')}${guess}` });
      continue;
    }
    out.push({ ...where, path, message: issue.message });
  }
  return out;
}

function valueAt(doc: Document, path: ReadonlyArray<PropertyKey>): unknown {
  const node = doc.getIn(path as unknown[], true);
  return isScalar(node) ? node.value : undefined;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * Expectations are part of the scenario: a bad one is bad input, found before anything runs,
 * and pointed at to the column of what is wrong.
 */
function expectationProblems(raw: unknown, doc: Document, lines: LineCounter, text: string): ScenarioProblem[] {
  const list = typeof raw === 'object' && raw !== null ? (raw as { expect?: unknown }).expect : undefined;
  if (!Array.isArray(list)) return [];
  const out: ScenarioProblem[] = [];
  list.forEach((line: unknown, i) => {
    if (typeof line !== 'string') return;
    try {
      parseExpectation(line);
    } catch (err) {
      const offset = isSmsimError(err) && typeof err.details.offset === 'number' ? err.details.offset : 0;
      out.push({
        ...at(positionInScalar(doc, lines, text, ['expect', i], offset)),
        path: `expect[${i}]`,
        message: `expectation ${i + 1} "${line}": ${(err as Error).message}`,
      });
    }
  });
  return out;
}
