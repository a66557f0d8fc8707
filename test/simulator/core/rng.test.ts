import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../simulator/core/rng.js';

describe('createRng', () => {
  it("draws exactly seedrandom's alea stream, bit for bit, for any seed", () => {
    for (const seed of ['', '42', deriveSeed(20240815, 3, 'process:2:service-requests'), 'x'.repeat(300)]) {
      const ours = createRng(seed);
      const theirs = seedrandom.alea(seed);
      for (let i = 0; i < 10_000; i++) expect(ours.next()).toBe(theirs());
    }
  });

  it('derives its figures from that stream as before (values worked out from the draws)', () => {
    const seed = 'figures';
    const d = seedrandom.alea(seed);
    const rng = createRng(seed);
    const u = d();
    expect(rng.int(10)).toBe(Math.floor(u * 10));
    const v = d();
    expect(rng.uniform(5, 7)).toBe(5 + v * 2);
    const w = d();
    expect(rng.chance(0.5)).toBe(w < 0.5);
    // Box–Muller: one pair of draws gives two normals, the second kept for the next call.
    const a = 1 - d();
    const b = d();
    const r = Math.sqrt(-2 * Math.log(a));
    expect(rng.lognormal(800, 0.4)).toBe(800 * Math.exp(0.4 * r * Math.cos(2 * Math.PI * b)));
    expect(rng.lognormal(100, 0.5)).toBe(100 * Math.exp(0.5 * r * Math.sin(2 * Math.PI * b)));
    const x = d();
    expect(rng.exponential(3)).toBe(-Math.log(1 - x) * 3);
    const y = d();
    expect(rng.pickCumulative([1, 3, 6])).toBe(y * 6 < 1 ? 0 : y * 6 < 3 ? 1 : 2);
  });
});
