import { SmsimError } from '../../simulator/core/errors.js';
import { METRIC_IDS } from '../../simulator/core/domain/metrics/engine.js';
import { quantileOfBuckets } from '../../simulator/core/domain/metrics/histogram.js';
import { familyOf } from '../oracle/families.js';
import { didYouMeanText } from './did-you-mean.js';
import { FAMILY_LABELS, LABEL_VALUES } from './metric-labels.js';
import { FIGURES, type Figure, type MetricRow } from '../oracle/metric-row.js';

/*
 * Scenario expectations, e.g.
 *   run.lost == 0
 *   install.installAndLeave.reported == install.installAndLeave.observed
 *   install.installAndLeave{region=north}.reported >= 0.9 * install.installAndLeave{region=north}.truth
 * A metric reference sums the figure over every row whose labels include the given ones.
 * Numbers may carry a time unit (250ms, 2s, 5m, 1h), read as milliseconds.
 * A distribution metric (bucket counts, histogram.ts) takes a quantile, k6-style:
 *   alert.hopLatency{hop=ch-user,network=central}.truth.p(99) <= 60s
 */

const COMPARATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;
type Comparator = (typeof COMPARATORS)[number];

type Node =
  | { kind: 'number'; value: number; unit?: 'ms' }
  | { kind: 'run'; field: string }
  | { kind: 'metric'; id: string; labels: Readonly<Record<string, string>>; figure: Figure }
  | { kind: 'quantile'; id: string; labels: Readonly<Record<string, string>>; figure: Figure; q: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Node; right: Node };

export interface Expectation {
  readonly text: string;
  readonly left: Node;
  readonly op: Comparator;
  readonly right: Node;
}

export interface ExpectationContext {
  readonly metrics: readonly MetricRow[];
  readonly run: Readonly<Record<string, number>>;
  /** Families the pipeline reported; a `.reported` of any other is "not reported" even with no row. */
  readonly reportedFamilies?: ReadonlySet<string>;
}

export interface ExpectationResult {
  readonly expect: string;
  readonly passed: boolean;
  /** null: a side refers to a figure the pipeline does not report (see `notReported`). */
  readonly left: number | null;
  readonly right: number | null;
  /** The metric references that are "not reported": the expectation fails and says so. */
  readonly notReported?: readonly string[];
  /** The unit both sides are in ("ms", "s", "bytes", …); absent for counts. */
  readonly unit?: string;
}

export const RUN_FIELDS: readonly string[] = [
  'sent',
  'acked',
  'lost',
  'duplicates',
  'resent',
  'rejected',
  'batches',
  'wallSeconds',
  'eventsPerSecond',
  'peakRssBytes',
  // Paced runs only (NaN otherwise, so a comparison with them fails): ms.
  'scheduleLagP99',
  'ackLatencyP99',
];

/** Units of the run fields; a ratio of two of them has none. */
const RUN_UNITS: Readonly<Record<string, string>> = {
  sent: 'events',
  acked: 'events',
  lost: 'events',
  duplicates: 'events',
  resent: 'batches',
  rejected: 'batches',
  batches: 'batches',
  wallSeconds: 's',
  eventsPerSecond: 'events/s',
  peakRssBytes: 'bytes',
  scheduleLagP99: 'ms',
  ackLatencyP99: 'ms',
};

/** Units of the metric rows that are not counts (docs/metrics.md); a quantile is in ms. */
const METRIC_UNITS: Readonly<Record<string, string>> = { 'availability.downtimeMinutes': 'min' };

/** The unit a side's value is in: a number without one takes the other operand's. */
function unitOf(node: Node): string | undefined {
  switch (node.kind) {
    case 'number':
      return node.unit;
    case 'run':
      return RUN_UNITS[node.field];
    case 'metric':
      return METRIC_UNITS[node.id];
    case 'quantile':
      return 'ms';
    case 'binary': {
      const a = unitOf(node.left);
      const b = unitOf(node.right);
      if (node.op === '+' || node.op === '-') return a ?? b;
      if (a !== undefined && b !== undefined) return undefined;
      // A ratio of a figure to a plain number keeps the figure's unit; a number over a figure has none.
      return node.op === '*' ? (a ?? b) : node.left.kind === 'number' && node.left.unit === undefined ? undefined : a;
    }
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)(ms|s|m|h)?(?![\w.])|([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\{[^}]*\})?(?:\.[A-Za-z_]\w*)?(?:\.p\(\d+(?:\.\d+)?\))?)|(==|!=|<=|>=|<|>|\+|-|\*|\/|\(|\)))/y;

type Token = ({ type: 'num'; value: number; ms: boolean } | { type: 'ref'; text: string } | { type: 'op'; text: string }) & {
  /** 0-based offset of the token in the expectation's text. */
  readonly at: number;
};

/** A problem in one expectation, at a 0-based offset of its text; it leaves this module as an SmsimError. */
class ExpectationSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    const at = pos + (text.slice(pos).length - text.slice(pos).trimStart().length);
    if (m === null) throw new ExpectationSyntaxError(`unexpected "${text.slice(pos).trim().slice(0, 20)}" at column ${at + 1}`, at);
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined)
      tokens.push({
        type: 'num',
        value: Number(m[1]) * (m[2] === undefined ? 1 : (UNIT_MS[m[2]] as number)),
        ms: m[2] !== undefined,
        at,
      });
    else if (m[3] !== undefined) tokens.push({ type: 'ref', text: m[3], at });
    else tokens.push({ type: 'op', text: m[4] as string, at });
  }
  return tokens;
}

function parseRef(text: string, at: number): Node {
  const fail = (why: string, offset = 0): never => {
    throw new ExpectationSyntaxError(why, at + offset);
  };
  if (text.startsWith('run.')) {
    const field = text.slice(4);
    if (!RUN_FIELDS.includes(field))
      fail(`unknown run field "${field}"${didYouMeanText(field, RUN_FIELDS)} (known: ${RUN_FIELDS.join(', ')})`, 4);
    return { kind: 'run', field };
  }
  const qm = /\.p\((\d+(?:\.\d+)?)\)$/.exec(text);
  if (qm !== null) {
    const q = Number(qm[1]) / 100;
    if (!(q > 0 && q <= 1)) fail(`quantile in "${text}" must be between 0 (exclusive) and 100`, qm.index + 1);
    const inner = parseRef(text.slice(0, qm.index), at);
    if (inner.kind !== 'metric') return fail(`"${text}": only a metric takes a quantile`);
    return { kind: 'quantile', id: inner.id, labels: inner.labels, figure: inner.figure, q };
  }
  const m = /^([^{]+?)(?:\{([^}]*)\})?\.(\w+)$/.exec(text);
  const idPart = m?.[1];
  if (m === null || idPart === undefined) return fail(`"${text}" is not a metric reference (id.truth, id.observed or id.reported)`);
  const id = idPart;
  const figure = m[3] as string;
  if (!(FIGURES as readonly string[]).includes(figure))
    fail(`"${text}" must end in .truth, .observed or .reported${didYouMeanText(figure, FIGURES)}`, text.length - figure.length);
  if (!METRIC_IDS.has(id)) fail(`unknown metric "${id}"${didYouMeanText(id, METRIC_IDS)} (see docs/metrics.md)`);
  const known = FAMILY_LABELS[familyOf(id)];
  const labels: Record<string, string> = {};
  let offset = id.length + 1;
  for (const pair of (m[2] ?? '').split(',')) {
    const here = offset + (pair.length - pair.trimStart().length);
    offset += pair.length + 1;
    if (pair.trim() === '') continue;
    const [k, v] = pair.split('=').map((x) => x.trim());
    if (k === undefined || v === undefined || k === '' || v === '')
      return fail(`bad label filter "${pair}" in "${text}" (want name=value)`, here);
    if (known !== undefined && !known.includes(k))
      fail(`"${id}" has no label "${k}"${didYouMeanText(k, known)} (its labels: ${known.join(', ')})`, here);
    const values = LABEL_VALUES[k];
    if (values !== undefined && !values.includes(v))
      fail(`label ${k} has no value "${v}"${didYouMeanText(v, values)} (one of: ${values.join(', ')})`, here);
    labels[k] = v;
  }
  return { kind: 'metric', id, labels, figure: figure as Figure };
}

/**
 * Parses expectation lines; throws SMSIM_ERR_EXPECT_SYNTAX listing every bad line with its
 * number (1-based) in `details.issues`.
 */
export function parseExpectations(lines: readonly string[]): Expectation[] {
  const issues: string[] = [];
  const out: Expectation[] = [];
  lines.forEach((text, i) => {
    try {
      out.push(parseExpectation(text));
    } catch (err) {
      issues.push(`expectation ${i + 1} "${text}": ${(err as Error).message}`);
    }
  });
  if (issues.length > 0) throw new SmsimError('SMSIM_ERR_EXPECT_SYNTAX', issues.join('\n'), { details: { issues } });
  return out;
}

/**
 * Parses one expectation; throws SMSIM_ERR_EXPECT_SYNTAX with `details.offset`, the 0-based offset
 * of what is wrong in `text` (so a loader can point at it in the file).
 */
export function parseExpectation(text: string): Expectation {
  try {
    return parseOne(text);
  } catch (err) {
    const offset = err instanceof ExpectationSyntaxError ? err.at : 0;
    throw new SmsimError('SMSIM_ERR_EXPECT_SYNTAX', (err as Error).message, { details: { offset }, cause: err });
  }
}

function parseOne(text: string): Expectation {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (t: Token | undefined, ...ops: string[]): boolean => t?.type === 'op' && ops.includes(t.text);
  const atom = (): Node => {
    const t = tokens[i++];
    if (t === undefined) throw new ExpectationSyntaxError('unexpected end', text.length);
    if (t.type === 'num') return { kind: 'number', value: t.value, ...(t.ms ? { unit: 'ms' as const } : {}) };
    if (t.type === 'ref') return parseRef(t.text, t.at);
    if (t.text === '(') {
      const inner = sum();
      const close = tokens[i++];
      if (!isOp(close, ')')) throw new ExpectationSyntaxError('missing ")"', close?.at ?? text.length);
      return inner;
    }
    if (t.text === '-') return { kind: 'binary', op: '-', left: { kind: 'number', value: 0 }, right: atom() };
    throw new ExpectationSyntaxError(`unexpected "${t.text}"`, t.at);
  };
  const product = (): Node => {
    let left = atom();
    while (isOp(peek(), '*', '/')) {
      const op = (tokens[i++] as { text: '*' | '/' }).text;
      left = { kind: 'binary', op, left, right: atom() };
    }
    return left;
  };
  const sum = (): Node => {
    let left = product();
    while (isOp(peek(), '+', '-')) {
      const op = (tokens[i++] as { text: '+' | '-' }).text;
      left = { kind: 'binary', op, left, right: product() };
    }
    return left;
  };
  const left = sum();
  const cmp = tokens[i++];
  if (cmp?.type !== 'op' || !(COMPARATORS as readonly string[]).includes(cmp.text))
    throw new ExpectationSyntaxError('expected a comparison (==, !=, <, <=, >, >=)', cmp?.at ?? text.length);
  const right = sum();
  if (i !== tokens.length) throw new ExpectationSyntaxError('unexpected text after the expression', tokens[i]?.at ?? text.length);
  return { text, left, op: cmp.text as Comparator, right };
}

/** The reference as written, for "not reported" messages. */
function refText(node: { id: string; labels: Readonly<Record<string, string>>; figure: Figure }): string {
  const labels = Object.entries(node.labels).map(([k, v]) => `${k}=${v}`);
  return `${node.id}${labels.length > 0 ? `{${labels.join(',')}}` : ''}.${node.figure}`;
}

function isUnreported(node: { id: string; figure: Figure }, ctx: ExpectationContext): boolean {
  return node.figure === 'reported' && ctx.reportedFamilies !== undefined && !ctx.reportedFamilies.has(familyOf(node.id));
}

/** A side's value; a reference to a figure the pipeline does not report is recorded and is null. */
function evaluate(node: Node, ctx: ExpectationContext, notReported: Set<string>): number | null {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'run':
      return ctx.run[node.field] ?? Number.NaN;
    case 'metric': {
      if (isUnreported(node, ctx)) {
        notReported.add(refText(node));
        return null;
      }
      let total = 0;
      for (const row of ctx.metrics) {
        if (row.id !== node.id || !Object.entries(node.labels).every(([k, v]) => row.labels[k] === v)) continue;
        const value = row[node.figure];
        if (value === null) {
          notReported.add(refText(node));
          return null;
        }
        total += value;
      }
      return total;
    }
    case 'quantile': {
      if (isUnreported(node, ctx)) {
        notReported.add(`${refText(node)}.p(${node.q * 100})`);
        return null;
      }
      const buckets: Array<{ lowerBound: number; count: number }> = [];
      for (const row of ctx.metrics) {
        if (row.id !== node.id || row.labels.bucket === undefined) continue;
        if (!Object.entries(node.labels).every(([k, v]) => row.labels[k] === v)) continue;
        const count = row[node.figure];
        if (count === null) {
          notReported.add(`${refText(node)}.p(${node.q * 100})`);
          return null;
        }
        buckets.push({ lowerBound: Number(row.labels.bucket), count });
      }
      return quantileOfBuckets(buckets, node.q);
    }
    case 'binary': {
      const a = evaluate(node.left, ctx, notReported);
      const b = evaluate(node.right, ctx, notReported);
      if (a === null || b === null) return null;
      return node.op === '+' ? a + b : node.op === '-' ? a - b : node.op === '*' ? a * b : a / b;
    }
  }
}

function compare(op: Comparator, left: number, right: number): boolean {
  return op === '=='
    ? left === right
    : op === '!='
      ? left !== right
      : op === '<'
        ? left < right
        : op === '<='
          ? left <= right
          : op === '>'
            ? left > right
            : left >= right;
}

/**
 * Checks each expectation against the run. One that refers to a figure the pipeline does not
 * report fails, whatever the comparison, and lists those references: a missing figure is never
 * taken as 0.
 */
export function checkExpectations(expectations: readonly Expectation[], ctx: ExpectationContext): ExpectationResult[] {
  return expectations.map((e) => {
    const notReported = new Set<string>();
    const left = evaluate(e.left, ctx, notReported);
    const right = evaluate(e.right, ctx, notReported);
    const unit = unitOf(e.left) ?? unitOf(e.right);
    const withUnit = unit === undefined ? {} : { unit };
    if (left === null || right === null) return { expect: e.text, passed: false, left, right, notReported: [...notReported], ...withUnit };
    return { expect: e.text, passed: compare(e.op, left, right), left, right, ...withUnit };
  });
}
