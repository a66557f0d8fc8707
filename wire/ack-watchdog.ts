import { performance } from 'node:perf_hooks';

/** Ticks per ack timeout (at most one a second). */
const TICKS_PER_TIMEOUT = 10;

/** What the watchdog asks of the emitter about the call it watches. */
export interface WatchedCall<C> {
  /** The call is still the emitter's current one and has batches unacked. */
  readonly waiting: (call: C) => boolean;
  /** The cumulative ack, to tell whether one came in. */
  readonly ackedThrough: () => number;
  /** The pipeline was silent for the whole timeout: cut the call. */
  readonly stalled: (call: C) => void;
}

/**
 * The emitter's stall watchdog. It measures the pipeline's silence, not this thread's: a worker
 * busy simulating does not run its event loop, so its writes sit unflushed and the pipeline's acks
 * unread in the socket, and a plain timer from the last ack cut healthy calls (64–128 batches
 * resent at --ack-timeout 1s on a loaded machine). So it ticks every timeout / 10, and a tick that
 * comes late (the loop was blocked) counts only one tick's worth of silence: a busy thread cannot
 * make the pipeline look silent, while a thread that is late all the time still reaches the
 * timeout, so a stall is always caught.
 */
export class AckWatchdog<C> {
  private timer: NodeJS.Timeout | undefined;
  private watched: C | undefined;
  private readonly tickMs: number;
  private silentMs = 0;
  private lastTickAt = 0;
  private progressAt = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly emitter: WatchedCall<C>,
  ) {
    this.tickMs = Math.min(1000, Math.max(1, timeoutMs / TICKS_PER_TIMEOUT));
  }

  /** A batch was written to `call`: watch it, unless it is watched already. */
  watch(call: C): void {
    if (this.watched === call) return;
    this.stop();
    this.watched = call;
    this.silentMs = 0;
    this.lastTickAt = performance.now();
    this.progressAt = this.lastTickAt;
    this.timer = setTimeout(() => this.tick(call), this.tickMs);
  }

  /** An ack advanced: the silence starts again (once per ack, not per event). */
  progress(): void {
    this.silentMs = 0;
    this.progressAt = performance.now();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.watched = undefined;
  }

  private tick(call: C): void {
    this.timer = undefined;
    if (!this.emitter.waiting(call)) {
      this.watched = undefined;
      return;
    }
    const now = performance.now();
    const late = now - this.lastTickAt > this.tickMs * 1.5;
    const span = now - Math.max(this.lastTickAt, this.progressAt);
    this.silentMs += late ? Math.min(span, this.tickMs) : span;
    this.lastTickAt = now;
    if (this.silentMs < this.timeoutMs) {
      this.timer = setTimeout(() => this.tick(call), this.tickMs);
      return;
    }
    // Timers run before the loop polls its sockets, so acks that came while this thread was busy
    // are read only after this tick: one more turn of the loop, then judge.
    const acked = this.emitter.ackedThrough();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.emitter.waiting(call)) this.watched = undefined;
      else if (this.emitter.ackedThrough() !== acked) this.timer = setTimeout(() => this.tick(call), this.tickMs);
      else {
        this.watched = undefined;
        this.emitter.stalled(call);
      }
    }, 0);
  }
}
