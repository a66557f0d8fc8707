import { describe, expect, it } from 'vitest';
import { createStartGate, mergeHistograms, Pacer } from '../../simulator/pacing.js';

const T0 = Date.parse('2026-03-03T00:00:00Z');

describe('Pacer (open-model schedule)', () => {
  it('spreads shards over a batch interval by their phase, and stops at --duration', async () => {
    // 1000 events/s, batches of 100: one batch every 100 ms; --duration 40 ms.
    const pacing = { mode: 'rate' as const, eventsPerSecond: 1000, maxWallMs: 40, gate: createStartGate(), shards: 2 };
    const early = new Pacer(pacing, T0, 1, 0, 100);
    const late = new Pacer(pacing, T0, 1, 0.5, 100);
    await Promise.all([early.ready(), late.ready()]);
    // Phase 0 is due at the start; phase 0.5 half an interval (50 ms) later, past the 40 ms limit.
    expect(await early.beforeSend(T0)).toBe(true);
    expect(await late.beforeSend(T0)).toBe(false);
    expect(late.truncated).toBe(true);
    early.sent(100);
    // The next batch of phase 0 is due 100 ms in: past the limit too.
    expect(await early.beforeSend(T0)).toBe(false);
  });

  it('opens the start gate only when every shard has arrived, also a failed one', async () => {
    const pacing = { mode: 'speed' as const, speed: 1000, gate: createStartGate(), shards: 2 };
    const a = new Pacer(pacing, T0, 1);
    const b = new Pacer(pacing, T0, 1);
    let opened = false;
    const waiting = a.ready().then(() => (opened = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(opened).toBe(false);
    b.arrive(); // b failed before it was ready: it still counts at the gate
    await waiting;
    expect(opened).toBe(true);
  });

  it('records lag and ack latency per batch, merged across shards', async () => {
    const pacing = { mode: 'speed' as const, speed: 1_000_000, gate: createStartGate(), shards: 1 };
    const p = new Pacer(pacing, T0, 1);
    await p.ready();
    for (let i = 0; i < 3; i++) {
      expect(await p.beforeSend(T0 + i)).toBe(true);
      p.sent(10);
    }
    p.onAck(2);
    p.onAck(3);
    const f = p.figures();
    expect(mergeHistograms([f.scheduleLagUs]).count).toBe(3);
    expect(mergeHistograms([f.ackLatencyUs, f.ackLatencyUs]).count).toBe(6);
  });
});
