import { distance } from 'fastest-levenshtein';

/**
 * The known name closest to `name`, when it is close enough to be a slip of the keyboard: one
 * edit for a name of up to 3 characters, two (a swapped pair) up to 8, three beyond. A case-only
 * difference always counts. Undefined when nothing is that close, so a wild guess is never offered.
 */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    if (candidate === name) return undefined;
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0.5 : distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const allowed = name.length <= 3 ? 1 : name.length <= 8 ? 2 : 3;
  return bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "x"?)`, or '' when nothing known is close. */
export function didYouMeanText(name: string, known: Iterable<string>): string {
  const guess = didYouMean(name, known);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}
