/**
 * Seeded reconnect backoff for the emitter. Seeded rather than Math.random so a run's reconnect
 * timing is reproducible from its stream ids; grpc-js's own channel backoff is not seeded, which
 * is why the emitter keeps its own.
 */

export const BACKOFF_BASE_MS = 50;
export const BACKOFF_MAX_MS = 2_000;

/** mulberry32: tiny, seeded, good enough for jitter. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential with "equal jitter", half
 * fixed and half seeded-random, so shards that lost the same pipeline do not return in lockstep.
 */
export function backoffDelayMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}
