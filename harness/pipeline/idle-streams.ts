import { performance } from 'node:perf_hooks';

/**
 * Default idle timeout of an Ingest stream. Half the emitter's default --reconnect-timeout (10 s):
 * an emit that starts while idle streams hold every slot still gets one within its reconnect
 * window (test/e2e/hostile.test.ts). An honest stream is never harmed by it: the emitter opens a
 * new call with its next batch (emitter.ts, onCallEnded), so a paced run with longer gaps pays
 * one HTTP/2 stream opening per gap.
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 5_000;

/** What the server counts on one open Ingest call: two increments per request, nothing else. */
export interface CallActivity {
  /** Requests received. */
  received: number;
  /** Acks sent: while fewer than received, the server owes the client and the call is not idle. */
  answered: number;
}

interface Tracked {
  readonly end: () => void;
  /** `received` at the last sweep. */
  seen: number;
  /** When the call last showed activity, as far as the sweeps can tell. */
  activeAt: number;
}

/**
 * Ends Ingest calls on which the client sent nothing for `timeoutMs` and nothing is owed to it, so
 * held-open streams cannot keep --max-streams full (one client held 1,024 idle streams and every
 * honest emit exited 2, "server busy"). One timer for the whole server sweeps every quarter of
 * the timeout, so the hot path only counts (CallActivity) and a call ends between timeoutMs and
 * 1.5 × timeoutMs after its last request.
 */
export class IdleStreams {
  private readonly calls = new Map<CallActivity, Tracked>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.timer = setInterval(() => this.sweep(), Math.max(10, Math.floor(timeoutMs / 4)));
    // The sweep never keeps a process alive on its own.
    this.timer.unref();
  }

  /** Watches a call until `untrack`; `end` is called at most once, when it has been idle too long. */
  track(activity: CallActivity, end: () => void): void {
    this.calls.set(activity, { end, seen: activity.received, activeAt: this.now() });
  }

  untrack(activity: CallActivity): void {
    this.calls.delete(activity);
  }

  sweep(): void {
    const now = this.now();
    for (const [activity, t] of this.calls) {
      if (activity.received !== t.seen || activity.answered < activity.received) {
        t.seen = activity.received;
        t.activeAt = now;
      } else if (now - t.activeAt >= this.timeoutMs) {
        this.calls.delete(activity);
        t.end();
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.calls.clear();
  }
}
