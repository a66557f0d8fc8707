import * as hdr from 'hdr-histogram-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

/**
 * Paced (open-model) sending: each batch has an intended send time, from the virtual time of its
 * first event (`speed`) or from a target event rate (`rate`), and is sent then whether or not the
 * pipeline keeps up. Lag and ack latency are measured from the *intended* time, not from when the
 * sender got round to it, so a stalled pipeline shows up as latency instead of vanishing from the
 * figures (the coordinated-omission correction of wrk2 and autocannon).
 */
export type Pacing = (
  | { readonly mode: 'speed'; readonly speed: number; readonly maxWallMs?: number }
  | { readonly mode: 'rate'; readonly eventsPerSecond: number; readonly maxWallMs?: number }
) & {
  /** createStartGate(): shared by every shard of the run, so they start their clocks together. */
  readonly gate: SharedArrayBuffer;
  /** How many shards pass the gate. */
  readonly shards: number;
};

/** Time between the last shard being ready and the first batch being due. */
const START_MARGIN_MS = 20;

/**
 * A start gate: every paced shard builds its estate first (which takes a while at GB scale), and
 * the clock starts only when the last one is ready, so no schedule begins late.
 * Layout: Int32 ready count at byte 0, Float64 start time (epoch ms) at byte 8.
 */
export function createStartGate(): SharedArrayBuffer {
  return new SharedArrayBuffer(16);
}

/** Wall clock in epoch ms, comparable across worker threads (each has its own timeOrigin). */
export function wallNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Histograms in µs: 1 µs to 1 h at 3 significant digits (HDR). */
function histogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export interface PacingFigures {
  /** HDR histograms, compressed base64 (µs): merge with mergeHistograms. */
  readonly scheduleLagUs: string;
  readonly ackLatencyUs: string;
  readonly truncated: boolean;
}

/** Drives one shard's sends on schedule and records what happened. */
export class Pacer {
  private wallStartMs = Number.NaN;
  private arrived = false;
  private readonly lag = histogram();
  private readonly ack = histogram();
  private readonly intended: number[] = [];
  private eventsBefore = 0;
  private nextAckSeq = 1;
  truncated = false;

  constructor(
    private readonly pacing: Pacing,
    private readonly startMs: number,
    /** This shard's share of a `rate` (by its premises). */
    private readonly rateShare: number,
    /**
     * Where in a batch interval this shard's `rate` schedule starts (0–1). Spread over the shards
     * of a run, so their batches are not all due at once on a worker's shared event loop.
     */
    private readonly phase = 0,
    private readonly batchSize = 1000,
  ) {}

  /** Waits at the start gate until every shard of the run is ready; then the clock starts. */
  async ready(): Promise<void> {
    this.arrive();
    const start = new Float64Array(this.pacing.gate, 8, 1);
    while (start[0] === 0) await sleep(2);
    this.wallStartMs = start[0] as number;
  }

  /**
   * Counts this shard at the gate (once). A shard that fails before it is ready still arrives,
   * so the others are not left waiting for it.
   */
  arrive(): void {
    if (this.arrived) return;
    this.arrived = true;
    const count = new Int32Array(this.pacing.gate, 0, 1);
    if (Atomics.add(count, 0, 1) + 1 === this.pacing.shards) new Float64Array(this.pacing.gate, 8, 1)[0] = wallNowMs() + START_MARGIN_MS;
  }

  /** Intended wall time of the next batch. */
  private intendedFor(firstEventTimeMs: number): number {
    const p = this.pacing;
    if (p.mode === 'speed') return this.wallStartMs + (firstEventTimeMs - this.startMs) / p.speed;
    return this.wallStartMs + ((this.eventsBefore + this.phase * this.batchSize) / (p.eventsPerSecond * this.rateShare)) * 1000;
  }

  /**
   * Waits until the batch's intended time; false when `maxWallMs` has passed and the shard
   * must stop sending, or when `interrupt` is aborted (the run was interrupted: a slow paced
   * run may have minutes to wait for its next slot).
   */
  async beforeSend(firstEventTimeMs: number, interrupt?: AbortSignal): Promise<boolean> {
    if (interrupt?.aborted === true) return false;
    if (!Number.isFinite(firstEventTimeMs)) return true; // nothing left: let the loop end
    const due = this.intendedFor(firstEventTimeMs);
    if (this.pacing.maxWallMs !== undefined && due - this.wallStartMs > this.pacing.maxWallMs) {
      this.truncated = true;
      return false;
    }
    const wait = due - wallNowMs();
    // No spinning for the last millisecond: several paced shards share each worker's event loop,
    // and a spinning one would make the others late.
    if (wait > 0) {
      try {
        await sleep(wait, undefined, interrupt === undefined ? undefined : { signal: interrupt });
      } catch (err) {
        if ((err as Error).name === 'AbortError') return false;
        throw err;
      }
    }
    this.lag.recordValue(Math.max(1, Math.round((wallNowMs() - due) * 1000)));
    this.intended.push(due);
    return true;
  }

  /** The batch just sent held `eventCount` events (rate mode spaces the next one by it). */
  sent(eventCount: number): void {
    this.eventsBefore += eventCount;
  }

  /** The emitter acked every batch up to `seq` (1-based, in send order). */
  onAck(seq: number): void {
    const now = wallNowMs();
    // Unacked batches are few (the emitter's in-flight window), so shift() stays cheap.
    while (this.nextAckSeq <= seq && this.intended.length > 0) {
      const due = this.intended.shift() as number;
      this.ack.recordValue(Math.max(1, Math.round((now - due) * 1000)));
      this.nextAckSeq++;
    }
  }

  figures(): PacingFigures {
    return {
      scheduleLagUs: hdr.encodeIntoCompressedBase64(this.lag),
      ackLatencyUs: hdr.encodeIntoCompressedBase64(this.ack),
      truncated: this.truncated,
    };
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Merges compressed histograms (µs) and summarises them in ms. */
export function mergeHistograms(encoded: readonly string[]): LatencySummary {
  const total = histogram();
  for (const e of encoded) total.add(hdr.decodeFromCompressedBase64(e));
  const ms = (us: number): number => Math.round(us / 10) / 100;
  return {
    count: total.totalCount,
    p50: ms(total.getValueAtPercentile(50)),
    p90: ms(total.getValueAtPercentile(90)),
    p99: ms(total.getValueAtPercentile(99)),
    p999: ms(total.getValueAtPercentile(99.9)),
    max: ms(total.maxValue),
  };
}
