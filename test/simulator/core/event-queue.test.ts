import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../simulator/core/event-queue.js';

/**
 * The queue's contract: actions come out in (time, scheduling order), whatever mix of single
 * pushes, bulks (sorted runs) and pops produced them. The reference is a plain stable sort.
 */

type Op =
  | { readonly kind: 'push'; readonly dt: number }
  | { readonly kind: 'bulk'; readonly dts: readonly number[] }
  | { readonly kind: 'pop' };

const dt = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: 900_000 }),
  fc.double({ min: 0, max: 50, noNaN: true }),
  fc.constant(2 ** 34),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), dt }),
  // Sizes on both sides of the run threshold.
  fc.record({ kind: fc.constant('bulk' as const), dts: fc.array(dt, { minLength: 0, maxLength: 120 }) }),
  fc.record({ kind: fc.constant('pop' as const) }),
);

/** Runs the ops on a queue and on a reference model; returns both pop sequences as [time, id]. */
function replay(ops: readonly Op[]): { queue: number[][]; model: number[][] } {
  const q = new EventQueue(4);
  const model: Array<{ time: number; id: number }> = [];
  const fromQueue: number[][] = [];
  const fromModel: number[][] = [];
  let now = 1_772_409_600_000;
  let id = 0;
  const schedule = (d: number): void => {
    const time = now + d;
    q.push(time, 1, id, 0);
    model.push({ time, id });
    id++;
  };
  const popBoth = (): void => {
    if (model.length === 0) {
      expect(q.pop()).toBe(false);
      return;
    }
    expect(q.peekTime()).toBe(Math.min(...model.map((e) => e.time)));
    expect(q.pop()).toBe(true);
    fromQueue.push([q.poppedTime, q.poppedA]);
    // Stable: the earliest-scheduled of the least time.
    let best = 0;
    for (let i = 1; i < model.length; i++) if ((model[i] as { time: number }).time < (model[best] as { time: number }).time) best = i;
    const e = model.splice(best, 1)[0] as { time: number; id: number };
    fromModel.push([e.time, e.id]);
    now = e.time;
  };
  for (const o of ops) {
    if (o.kind === 'push') schedule(o.dt);
    else if (o.kind === 'pop') popBoth();
    else {
      q.beginBulk();
      for (const d of o.dts) schedule(d);
      q.endBulk();
    }
    expect(q.size).toBe(model.length);
  }
  while (model.length > 0) popBoth();
  expect(q.size).toBe(0);
  return { queue: fromQueue, model: fromModel };
}

describe('EventQueue', () => {
  it('pops in (time, scheduling order) across single pushes, bulk runs and merges (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const { queue, model } = replay(ops);
        expect(queue).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps equal times in scheduling order within a bulk, between bulks and against the heap', () => {
    const ops: Op[] = [
      { kind: 'push', dt: 5 },
      { kind: 'bulk', dts: Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 5 : 7)) },
      { kind: 'push', dt: 5 },
      { kind: 'bulk', dts: Array.from({ length: 40 }, () => 5) },
    ];
    const { queue, model } = replay(ops);
    expect(queue).toEqual(model);
    // The first push, then the bulk's even ids, the second push, the second bulk: all at +5.
    expect(queue.slice(0, 3).map(([, id]) => id)).toEqual([0, 1, 3]);
  });
});
