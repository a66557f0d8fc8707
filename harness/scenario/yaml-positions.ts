import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node as YamlNode } from 'yaml';

/** A place in the scenario file, 1-based as editors and compilers print it. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Where a value path (as zod reports it) sits in the document: the node at the path, or for a
 * key the map does not have, the closest enclosing node that exists (a missing key is reported
 * where its map is). `key: true` points at the key of the last step instead of its value, which
 * is where an unknown key is wrong.
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: ReadonlyArray<PropertyKey>,
  options: { key?: boolean } = {},
): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let found: YamlNode | undefined = doc.contents ?? undefined;
  for (const [i, step] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === step);
      if (pair === undefined) break;
      if (last && options.key === true && isScalar(pair.key)) {
        found = pair.key;
        break;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
    } else break;
    if (node === undefined || node === null) break;
    found = node as YamlNode;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/**
 * The position of a character of a scalar's text: exact when the value is written in the file as
 * it reads (plain or quoted, one line, no escapes), as an expectation usually is; the scalar's
 * start otherwise (a block scalar).
 */
export function positionInScalar(
  doc: Document,
  lines: LineCounter,
  text: string,
  path: ReadonlyArray<PropertyKey>,
  at: number,
): SourcePosition | undefined {
  const node = doc.getIn(path as unknown[], true);
  const start = positionOf(doc, lines, path);
  if (!isScalar(node) || !node.range || start === undefined) return start;
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : node.type === 'PLAIN' ? 0 : undefined;
  const value = String(node.value);
  const from = node.range[0] + (quote ?? 0);
  if (quote === undefined || text.slice(from, from + value.length) !== value) return start;
  return { line: start.line, column: start.column + quote + at };
}
