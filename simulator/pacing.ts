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
export type Pacing =
  | { readonly mode: 'speed'; readonly speed: number; readonly wallStartMs: number; readonly maxWallMs?: number }
  | { readonly mode: 'rate'; readonly eventsPerSecond: number; readonly wallStartMs: number; readonly maxWallMs?: number };

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
  ) {}

  /** Intended wall time of the next batch. */
  private intendedFor(firstEventTimeMs: number): number {
    const p = this.pacing;
    if (p.mode === 'speed') return p.wallStartMs + (firstEventTimeMs - this.startMs) / p.speed;
    return p.wallStartMs + (this.eventsBefore / (p.eventsPerSecond * this.rateShare)) * 1000;
  }

  /**
   * Waits until the batch's intended time; false when `maxWallMs` has passed and the shard
   * must stop sending.
   */
  async beforeSend(firstEventTimeMs: number): Promise<boolean> {
    if (!Number.isFinite(firstEventTimeMs)) return true; // nothing left: let the loop end
    const due = this.intendedFor(firstEventTimeMs);
    if (this.pacing.maxWallMs !== undefined && due - this.pacing.wallStartMs > this.pacing.maxWallMs) {
      this.truncated = true;
      return false;
    }
    const wait = due - wallNowMs();
    // No spinning for the last millisecond: several paced shards share each worker's event loop,
    // and a spinning one would make the others late.
    if (wait > 0) await sleep(wait);
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
    return { scheduleLagUs: hdr.encodeIntoCompressedBase64(this.lag), ackLatencyUs: hdr.encodeIntoCompressedBase64(this.ack), truncated: this.truncated };
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
