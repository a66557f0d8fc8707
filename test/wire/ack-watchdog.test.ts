import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AckWatchdog } from '../../wire/ack-watchdog.js';
import { createIngestEmitter } from '../../wire/emitter.js';
import { taggedBatch } from '../helpers/batches.js';
import { freePort, killChildren, serve } from '../helpers/cli.js';

/** Keeps this thread busy, as a worker simulating a batch does: no timer, no socket is served. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

const CALL = { id: 'call' };
let dog: AckWatchdog<typeof CALL> | undefined;

function watchdog(timeoutMs: number) {
  const state = { acked: 0, unacked: 1, stalledAt: undefined as number | undefined };
  const started = performance.now();
  dog = new AckWatchdog<typeof CALL>(timeoutMs, {
    waiting: () => state.unacked > 0,
    ackedThrough: () => state.acked,
    stalled: () => {
      state.stalledAt = performance.now() - started;
    },
  });
  const ack = (): void => {
    state.acked++;
    dog?.progress();
  };
  return { dog, state, ack };
}

afterEach(() => dog?.stop());

describe('AckWatchdog', () => {
  it('does not take time this thread spent busy for silence of the pipeline', async () => {
    const { dog, state, ack } = watchdog(200);
    dog.watch(CALL);
    // Three timeouts without running the loop; the ack the pipeline sent meanwhile is read
    // when the loop polls, after the timers that are due.
    busy(600);
    setImmediate(ack);
    await sleep(120);
    expect(state.stalledAt).toBeUndefined();
    expect(state.acked).toBe(1);
  });

  it('reads what arrived during a block before judging a silence that reached the timeout', async () => {
    const { dog, state, ack } = watchdog(100);
    dog.watch(CALL);
    await sleep(95);
    // The timeout passes while the thread is busy and the ack waits in the socket.
    busy(60);
    setImmediate(ack);
    await sleep(60);
    expect(state.stalledAt).toBeUndefined();
  });

  it('catches a silent pipeline after the timeout when the thread is free', async () => {
    const { dog, state } = watchdog(100);
    dog.watch(CALL);
    await sleep(400);
    expect(state.stalledAt).toBeGreaterThanOrEqual(100);
    expect(state.stalledAt).toBeLessThan(300);
  });

  it('still catches a silent pipeline when the thread is busy all the time', async () => {
    const { dog, state } = watchdog(100);
    dog.watch(CALL);
    const started = performance.now();
    // Every tick comes late: each counts for one tick (10 ms) of silence.
    while (state.stalledAt === undefined && performance.now() - started < 5000) {
      busy(30);
      await turn();
    }
    expect(state.stalledAt).toBeDefined();
    expect(state.stalledAt).toBeLessThan(2000);
  });

  it('starts the silence again at each ack, and stops when nothing is unacked', async () => {
    const { dog, state, ack } = watchdog(100);
    dog.watch(CALL);
    for (let i = 0; i < 6; i++) {
      await sleep(50);
      ack();
    }
    expect(state.stalledAt).toBeUndefined();
    state.unacked = 0;
    await sleep(250);
    expect(state.stalledAt).toBeUndefined();
  });
});

describe('the emitter on a busy thread, against a pipeline in another process', () => {
  afterEach(killChildren);

  it('does not cut a healthy call while its own thread is busy longer than the ack timeout', async () => {
    const port = await freePort();
    const { address } = await serve(['--port', String(port)]);
    const e = createIngestEmitter({ target: address, streamId: 'busy', runId: 'busy', ackTimeoutMs: 300 });
    for (let i = 0; i < 8; i++) await e.send(taggedBatch(1000 * i), 3);
    // The writes leave; the pipeline acks at once, and its acks wait in this thread's socket
    // while the thread is busy, as a worker simulating its next batches is.
    await turn();
    await turn();
    busy(1200);
    const stats = await e.finish();
    expect(stats.resentBatches).toBe(0);
    expect(stats.reconnects).toBe(0);
    expect(stats.batchesAcked + stats.rejectedBatches.length).toBe(8);
  });
});
