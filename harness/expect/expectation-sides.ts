import { type Expectation, parseExpectations } from './expectations.js';

type Node = Expectation['left'];

/*
 * What each side of an expectation is, so a failure reads "truth 62,463 ms, limit 60,000 ms"
 * rather than "left 62463, right 60000". The unit comes from the result (expectations.ts
 * works it out once, for report.json, the terminal, report.md, report.html and JUnit alike).
 */

const isConstant = (node: Node): boolean =>
  node.kind === 'number' || (node.kind === 'binary' && isConstant(node.left) && isConstant(node.right));

/**
 * A plain number is the "limit" (what is "expected", for == and !=); a metric reference is its
 * figure (truth, observed, reported); anything else is the "value".
 */
function labelOf(node: Node, op: Expectation['op']): string {
  if (isConstant(node)) return op === '==' || op === '!=' ? 'expected' : 'limit';
  return node.kind === 'metric' || node.kind === 'quantile' ? node.figure : 'value';
}

/** Both sides' labels; two that would read alike are "left" and "right". Undefined for a line that does not parse. */
export function expectationSides(text: string): { readonly left: string; readonly right: string } | undefined {
  let parsed: Expectation | undefined;
  try {
    [parsed] = parseExpectations([text]);
  } catch {
    return undefined;
  }
  if (parsed === undefined) return undefined;
  const left = labelOf(parsed.left, parsed.op);
  const right = labelOf(parsed.right, parsed.op);
  return left === right ? { left: 'left', right: 'right' } : { left, right };
}
