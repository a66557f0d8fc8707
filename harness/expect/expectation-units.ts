import { type Expectation, parseExpectations } from './expectations.js';

type Node = Expectation['left'];

/** The unit of each run.* field (expectations.ts RUN_FIELDS). */
const RUN_FIELD_UNITS: Readonly<Record<string, string>> = {
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

/**
 * A side's unit: undefined for a plain number (it takes the other side's: `60s` is read as ms),
 * '' for a count of things (a metric's figure) or a ratio.
 */
function unitOf(node: Node): string | undefined {
  switch (node.kind) {
    case 'number':
      return undefined;
    case 'run':
      return RUN_FIELD_UNITS[node.field] ?? '';
    case 'metric':
      return '';
    case 'quantile':
      // Distributions count events in buckets of latency (histogram.ts): a quantile is in ms.
      return 'ms';
    case 'binary': {
      const a = unitOf(node.left);
      const b = unitOf(node.right);
      if (node.op === '+' || node.op === '-') return a === undefined ? b : b === undefined || a === b ? a : '';
      if (node.op === '*') return a === undefined ? b : b === undefined ? a : '';
      return b === undefined ? a : '';
    }
  }
}

const isConstant = (node: Node): boolean =>
  node.kind === 'number' || (node.kind === 'binary' && isConstant(node.left) && isConstant(node.right));

export interface ExpectationSide {
  /**
   * What the side is: a plain number is the "limit" (or what is "expected", for == and !=); a
   * metric reference is its figure (truth, observed, reported); anything else is the "value".
   * Two sides that would read alike are "left" and "right".
   */
  readonly label: string;
  /** ms, s, bytes, events, batches, events/s; '' for a count of things or a ratio. */
  readonly unit: string;
}

function labelOf(node: Node, op: Expectation['op']): string {
  if (isConstant(node)) return op === '==' || op === '!=' ? 'expected' : 'limit';
  return node.kind === 'metric' || node.kind === 'quantile' ? node.figure : 'value';
}

/**
 * What each side of an expectation measures, so a failure can say "truth 4,735 ms, limit
 * 1,000 ms" instead of "left 4735, right 1000". Undefined for a line that does not parse.
 */
export function expectationSides(text: string): { readonly left: ExpectationSide; readonly right: ExpectationSide } | undefined {
  let parsed: Expectation | undefined;
  try {
    [parsed] = parseExpectations([text]);
  } catch {
    return undefined;
  }
  if (parsed === undefined) return undefined;
  const l = unitOf(parsed.left);
  const r = unitOf(parsed.right);
  let leftLabel = labelOf(parsed.left, parsed.op);
  let rightLabel = labelOf(parsed.right, parsed.op);
  if (leftLabel === rightLabel) [leftLabel, rightLabel] = ['left', 'right'];
  return {
    left: { label: leftLabel, unit: l ?? r ?? '' },
    right: { label: rightLabel, unit: r ?? l ?? '' },
  };
}
