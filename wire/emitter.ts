import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { StatusObject } from '@grpc/grpc-js';
import { SmsimError } from '../simulator/core/errors.js';
import { AckStatus } from './messages.js';
import { encodeIngestRequest } from './envelope.js';
import type { IngestAck } from './messages.js';
import { AckWatchdog } from './ack-watchdog.js';
import { backoffDelayMs, fnv1a, mulberry32 } from './backoff.js';
import { ingestChannel } from './emitter-channel.js';
import { impossibleAck, isRetryableStreamStatus, streamError } from './grpc-errors.js';
import { authMetadata } from './security.js';
import { openIngestStream } from './services.js';
import {
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_IN_FLIGHT_BATCHES,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_RECONNECTS,
  type EmitterStats,
  type IngestEmitter,
  type IngestEmitterOptions,
  type RejectedBatch,
} from './emitter-api.js';

/** One unacked batch: its envelope, and how often it was written to a call. */
interface Outgoing {
  readonly seq: number;
  readonly envelope: Buffer;
  readonly eventCount: number;
  writes: number;
}

interface Waiter {
  /** Settles the waiter and returns true when it is done. */
  check(): boolean;
}

type Phase = 'idle' | 'connecting' | 'open' | 'backoff' | 'finished' | 'failed';

type Failure = Pick<StatusObject, 'code' | 'details'>;

/**
 * The client side of the Ingest contract (services.proto, docs/wire.md#delivery): numbers
 * batches, keeps each until acked, resends after a reconnect, cuts a stalled call.
 */
class Emitter implements IngestEmitter {
  private readonly client: grpc.Client;
  private readonly maxInFlight: number;
  private readonly connectTimeoutMs: number;
  private readonly maxReconnects: number;
  private readonly maxMessageBytes: number;
  private readonly ackTimeoutMs: number;
  private readonly watchdog: AckWatchdog<grpc.ClientDuplexStream<Uint8Array, IngestAck>>;
  /** Set when the current outage began with an ack timeout. */
  private stall: Failure | undefined;
  private readonly random: () => number;
  private phase: Phase = 'idle';
  private call: grpc.ClientDuplexStream<Uint8Array, IngestAck> | null = null;
  private failure: SmsimError | null = null;
  private finishing = false;
  private needDrain = false;
  private nextSeq = 1;
  private ackedThrough = 0;
  private highestWritten = 0;
  /** OUT_OF_ORDER acks for sequences written before the last rewind are stale: ignored. */
  private rewindFence = 0;
  /** Oldest first; at most maxInFlight entries, so splice from the front is cheap. */
  private readonly unackedBatches: Outgoing[] = [];
  private waiters: Waiter[] = [];
  private sendQueue: Promise<void> = Promise.resolve();
  private attempts = 0;
  private outageSince: number | undefined;
  private lastFailure: Failure | undefined;
  private timer: NodeJS.Timeout | undefined;
  private counters = { batchesSent: 0, eventsSent: 0, batchesAcked: 0, eventsAcked: 0, resentBatches: 0, reconnects: 0 };
  private readonly rejected: RejectedBatch[] = [];

  constructor(private readonly options: IngestEmitterOptions) {
    this.maxInFlight = Math.max(1, options.maxInFlightBatches ?? DEFAULT_MAX_IN_FLIGHT_BATCHES);
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.maxReconnects = options.maxReconnects ?? DEFAULT_MAX_RECONNECTS;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.watchdog = new AckWatchdog(this.ackTimeoutMs, {
      waiting: (call) => call === this.call && this.unackedBatches.length > 0,
      ackedThrough: () => this.ackedThrough,
      stalled: (call) => this.cutStalled(call),
    });
    this.random = mulberry32(options.backoffSeed ?? fnv1a(options.streamId));
    const first = options.firstSequence ?? 1;
    if (!Number.isSafeInteger(first) || first < 1)
      throw new SmsimError('SMSIM_ERR_INTERNAL', `firstSequence ${first} is not a positive integer`);
    // What comes before the first sequence was acked by the pipeline in an earlier process.
    this.nextSeq = first;
    this.ackedThrough = first - 1;
    this.highestWritten = first - 1;
    this.client = ingestChannel(options.target, options.streamId, options.security, this.maxMessageBytes);
  }

  get unacked(): number {
    return this.unackedBatches.length;
  }

  send(batchBytes: Uint8Array, eventCount: number): Promise<void> {
    const sent = this.sendQueue.then(() => this.sendNow(batchBytes, eventCount));
    this.sendQueue = sent.then(
      () => undefined,
      () => undefined,
    );
    return sent;
  }

  async finish(): Promise<EmitterStats> {
    await this.sendQueue;
    if (this.failure !== null) throw this.failure;
    this.finishing = true;
    if (this.unackedBatches.length === 0 && this.call === null) this.settle('finished');
    else if (this.call !== null && this.unackedBatches.length === 0) this.endCall(this.call);
    else if (this.phase === 'idle') this.connect();
    await this.until(() => this.phase === 'finished');
    return this.stats();
  }

  abort(): void {
    this.fail(
      new SmsimError('SMSIM_ERR_STREAM_FAILED', `the Ingest stream ${this.options.streamId} to ${this.options.target} was aborted`),
    );
  }

  stats(): EmitterStats {
    return { streamId: this.options.streamId, ...this.counters, rejectedBatches: [...this.rejected] };
  }

  private async sendNow(batchBytes: Uint8Array, eventCount: number): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.finishing) throw new SmsimError('SMSIM_ERR_INTERNAL', 'IngestEmitter.send() called after finish()');
    const seq = this.nextSeq;
    const envelope = encodeIngestRequest(this.options.streamId, seq, batchBytes, this.options.runId);
    if (envelope.length > this.maxMessageBytes) {
      throw new SmsimError(
        'SMSIM_ERR_BATCH_TOO_LARGE',
        `batch of ${envelope.length} bytes exceeds the ${this.maxMessageBytes}-byte message limit`,
        {
          details: { bytes: envelope.length, limit: this.maxMessageBytes, target: this.options.target },
        },
      );
    }
    this.nextSeq++;
    const entry: Outgoing = { seq, envelope, eventCount, writes: 0 };
    this.unackedBatches.push(entry);
    this.counters.batchesSent++;
    this.counters.eventsSent += eventCount;
    if (this.call !== null) this.write(this.call, entry);
    else if (this.phase === 'idle') this.connect();
    await this.until(() => entry.writes > 0 && this.unackedBatches.length < this.maxInFlight && !this.needDrain);
  }

  /** A promise that settles when `ready()` holds, or rejects once the emitter has failed. */
  private until(ready: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          if (this.failure !== null) reject(this.failure);
          else if (ready()) resolve();
          else return false;
          return true;
        },
      };
      if (!waiter.check()) this.waiters.push(waiter);
    });
  }

  private wake(): void {
    if (this.waiters.length > 0) this.waiters = this.waiters.filter((w) => !w.check());
  }

  private settle(phase: 'finished'): void {
    this.phase = phase;
    this.clearTimer();
    this.client.close();
    this.wake();
  }

  private connect(): void {
    this.phase = 'connecting';
    this.outageSince ??= performance.now();
    const deadline = new Date(Date.now() + Math.max(0, this.outageSince + this.connectTimeoutMs - performance.now()));
    this.client.waitForReady(deadline, (err) => {
      if (this.phase !== 'connecting') return;
      if (err !== undefined) {
        const noConnection = `no connection within ${this.connectTimeoutMs} ms (${err.message})`;
        // A pipeline that stopped acking is stalled, not unreachable, even if it stops talking HTTP/2 too.
        this.lastFailure =
          this.stall === undefined
            ? { code: grpc.status.UNAVAILABLE, details: noConnection }
            : { code: this.stall.code, details: `${this.stall.details}; then ${noConnection}` };
        this.giveUp();
      } else this.openCall();
    });
  }

  private openCall(): void {
    const call = openIngestStream(this.client, {}, authMetadata(this.options.security));
    this.call = call;
    this.phase = 'open';
    this.needDrain = false;
    this.rewindFence = 0;
    call.on('data', (ack: IngestAck) => this.onAck(call, ack));
    call.on('drain', () => {
      if (call !== this.call) return;
      this.needDrain = false;
      this.wake();
    });
    // grpc-js emits 'error' and then 'status' for a failed call; 'status' carries what we need.
    call.on('error', () => undefined);
    call.on('status', (status: StatusObject) => this.onCallEnded(call, status));
    // With nothing to resend, a working connection is all the progress there is to make.
    if (this.unackedBatches.length === 0) this.progress();
    for (const entry of this.unackedBatches) this.write(call, entry);
    if (this.finishing && this.unackedBatches.length === 0) this.endCall(call);
    this.wake();
  }

  private write(call: grpc.ClientDuplexStream<Uint8Array, IngestAck>, entry: Outgoing): void {
    if (entry.writes > 0) this.counters.resentBatches++;
    entry.writes++;
    if (entry.seq > this.highestWritten) this.highestWritten = entry.seq;
    if (!call.write(entry.envelope)) this.needDrain = true;
    this.watchdog.watch(call);
  }

  /** The pipeline stayed silent (ack-watchdog.ts): cut the call and resume on a new one; the pipeline dedupes what it had. */
  private cutStalled(call: grpc.ClientDuplexStream<Uint8Array, IngestAck>): void {
    this.call = null;
    this.needDrain = false;
    call.cancel();
    this.stall = {
      code: grpc.status.DEADLINE_EXCEEDED,
      details: `no ack for ${this.ackTimeoutMs} ms with ${this.unackedBatches.length} batches unacked (is the pipeline stalled?)`,
    };
    this.retry(this.stall);
  }

  private progress(): void {
    this.stall = undefined;
    this.attempts = 0;
    this.outageSince = undefined;
  }

  private onAck(call: grpc.ClientDuplexStream<Uint8Array, IngestAck>, ack: IngestAck): void {
    const current = call === this.call;
    // grpc-js emits 'status' synchronously but may still hold acks in the stream's buffer; such a
    // late ack is as true as any other, unless it says nothing new.
    if (!current && (ack.status === AckStatus.OUT_OF_ORDER || ack.ackedThrough <= this.ackedThrough)) return;
    if (ack.ackedThrough < this.ackedThrough || ack.ackedThrough >= this.nextSeq) {
      const { target, streamId } = this.options;
      this.fail(impossibleAck({ target, streamId, ackedThrough: ack.ackedThrough, before: this.ackedThrough, sent: this.nextSeq - 1 }));
      return;
    }
    let advanced = 0;
    for (const entry of this.unackedBatches) {
      if (entry.seq > ack.ackedThrough) break;
      advanced++;
      if (ack.status === AckStatus.REJECTED && entry.seq === ack.sequence) {
        this.rejected.push({ sequence: entry.seq, eventCount: entry.eventCount, message: ack.message });
      } else {
        this.counters.batchesAcked++;
        this.counters.eventsAcked += entry.eventCount;
      }
    }
    if (advanced > 0) {
      this.unackedBatches.splice(0, advanced);
      this.ackedThrough = ack.ackedThrough;
      this.progress();
      this.watchdog.progress();
      try {
        this.options.onAck?.(this.ackedThrough);
      } catch (err) {
        this.fail(SmsimError.from(err));
        return;
      }
    }
    if (current && ack.status === AckStatus.OUT_OF_ORDER && ack.sequence > this.rewindFence) this.rewind(call);
    if (this.finishing && this.unackedBatches.length === 0) {
      if (this.call !== null) this.endCall(this.call);
      else this.settle('finished');
    }
    this.wake();
  }

  /** The pipeline saw a gap: resend everything unacked, in order, on the same stream. */
  private rewind(call: grpc.ClientDuplexStream<Uint8Array, IngestAck>): void {
    if (++this.attempts > this.maxReconnects) {
      this.lastFailure = {
        code: grpc.status.ABORTED,
        details: `the pipeline keeps answering OUT_OF_ORDER after ${this.maxReconnects} rewinds`,
      };
      this.giveUp();
      return;
    }
    this.rewindFence = this.highestWritten;
    for (const entry of this.unackedBatches) this.write(call, entry);
  }

  /** Everything is acked: half-close; a pipeline that never completes the call gets cut. */
  private endCall(call: grpc.ClientDuplexStream<Uint8Array, IngestAck>): void {
    if (call.writableEnded) return;
    call.end();
    this.clearTimer();
    this.timer = setTimeout(() => {
      if (call !== this.call) return;
      this.call = null;
      call.cancel();
      this.settle('finished');
    }, this.connectTimeoutMs);
  }

  private onCallEnded(call: grpc.ClientDuplexStream<Uint8Array, IngestAck>, status: StatusObject): void {
    if (call !== this.call) return;
    this.call = null;
    this.needDrain = false;
    if (this.phase === 'failed' || this.phase === 'finished') return;
    if (this.finishing && this.unackedBatches.length === 0) {
      this.settle('finished');
      return;
    }
    if (!isRetryableStreamStatus(status)) {
      this.fail(streamError(status, this.options.target));
      return;
    }
    if (this.unackedBatches.length === 0 && !this.finishing) {
      this.lastFailure = status;
      this.phase = 'idle'; // nothing to deliver: reconnect on the next send()
      return;
    }
    this.retry(status);
  }

  /** The call is gone with batches unacked: back off and reconnect, or give up. */
  private retry(failure: Failure): void {
    this.lastFailure = failure;
    this.attempts++;
    this.outageSince ??= performance.now();
    if (this.attempts > this.maxReconnects || performance.now() - this.outageSince >= this.connectTimeoutMs) {
      this.giveUp();
      return;
    }
    this.counters.reconnects++;
    this.phase = 'backoff';
    const delay = backoffDelayMs(this.attempts, this.random);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.phase === 'backoff') this.connect();
    }, delay);
  }

  private giveUp(): void {
    const last = this.lastFailure ?? { code: grpc.status.UNAVAILABLE, details: 'no connection' };
    const waited = this.outageSince === undefined ? 0 : Math.round(performance.now() - this.outageSince);
    this.fail(
      streamError(
        { code: last.code, details: `${last.details} (gave up after ${this.attempts} attempts and ${waited} ms without progress)` },
        this.options.target,
      ),
    );
  }

  private fail(err: SmsimError): void {
    if (this.phase === 'failed' || this.phase === 'finished') return;
    this.failure = err;
    this.phase = 'failed';
    this.clearTimer();
    const call = this.call;
    this.call = null;
    call?.cancel();
    this.client.close();
    this.wake();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.watchdog.stop();
  }
}

export function createIngestEmitter(options: IngestEmitterOptions): IngestEmitter {
  return new Emitter(options);
}
