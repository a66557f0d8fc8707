import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createIngestEmitter } from '../wire/emitter.js';
import type { IngestEmitter } from '../wire/emitter-api.js';
import { encodeEventBatch } from '../wire/codec.js';
import { RecordAppender } from '../wire/recording-appender.js';
import { batchRecordHead } from '../wire/recording-format.js';
import { type BatchSource, type PendingBatch, recordedBatches, simulatedBatches } from './batch-source.js';
import { SmsimError } from './core/errors.js';
import { createShardSimulation, type ShardSimulation } from './core/shard-simulation.js';
import { Pacer } from './pacing.js';
import { STOP_DRAIN_MS, type ShardResult, type ShardTask, type StopMessage } from './shard-task.js';

/** Progress messages at most this often per shard (in batches), to keep the port quiet. */
const PROGRESS_EVERY_BATCHES = 50;

/** Batches a paced shard builds and encodes, then discards, before its clock starts. */
const WARM_UP_BATCHES = 20;

function warmUp(task: ShardTask): void {
  const scratch = createShardSimulation(task.scenario, task.shard);
  for (let i = 0; i < WARM_UP_BATCHES; i++) {
    const b = scratch.nextBatch();
    if (b === null) break;
    encodeEventBatch(b);
  }
}

/**
 * The piscina worker entry: simulates one shard and streams its batches itself (measured on 2
 * cores: a worker with its own channel beat handing buffers to the main thread by ~20%).
 */
export default async function runShardTask(task: ShardTask): Promise<ShardResult> {
  const started = performance.now();
  const pacer =
    task.pacing === undefined
      ? undefined
      : new Pacer(task.pacing, task.scenario.startMs, task.rateShare ?? 1, task.pacingPhase ?? 0, task.scenario.batchSize);
  let sim: ShardSimulation | undefined;
  let source: BatchSource | undefined;
  let recorder: RecordAppender | undefined;
  const hash = createHash('sha256');
  const port = task.progressPort;
  let emitter: IngestEmitter | undefined;
  let batches = 0;
  let events = 0;
  let bytes = 0;
  // A resumed shard: the pipeline acked this many of its batches in an earlier process.
  const resumeAfter = task.sink.kind === 'grpc' ? (task.sink.resumeAfter ?? 0) : 0;
  let eventsResumed = 0;
  const result = (extra: Partial<ShardResult>): ShardResult => ({
    shard: task.shard,
    batches,
    events,
    bytes,
    fingerprint: hash.copy().digest('hex'),
    truth: [],
    observed: [],
    eventsAcked: 0,
    batchesResumed: Math.min(resumeAfter, batches),
    eventsResumed,
    batchesResent: 0,
    batchesRejected: 0,
    reconnects: 0,
    estateBytes: sim?.estate.bytes ?? 0,
    wallMs: performance.now() - started,
    ...extra,
  });
  // An interrupted run (SIGINT / SIGTERM): the shared flag stops the loop between two batches;
  // the message wakes a shard waiting for acks or for its paced slot. From then on the emitter
  // gets STOP_DRAIN_MS for its acks, then is cut, and the shard returns what it got.
  const stopFlag = task.stop === undefined ? undefined : new Int32Array(task.stop);
  const interrupt = new AbortController();
  let drainTimer: NodeJS.Timeout | undefined;
  let drainExpired = false;
  let stoppedAtMs: number | undefined;
  const stop = (): void => {
    if (interrupt.signal.aborted) return;
    interrupt.abort();
    const drainMs = Math.min(STOP_DRAIN_MS, task.sink.kind === 'grpc' ? (task.sink.delivery?.ackTimeoutMs ?? STOP_DRAIN_MS) : 0);
    drainTimer = setTimeout(() => {
      drainExpired = true;
      emitter?.abort();
    }, drainMs);
  };
  const stopRequested = (): boolean => {
    if (stopFlag !== undefined && Atomics.load(stopFlag, 0) !== 0) stop();
    return interrupt.signal.aborted;
  };
  port?.on('message', (m: Partial<StopMessage> | null) => {
    if (m?.stop === true) stop();
  });
  const finalResult = async (): Promise<ShardResult> => {
    const stats = emitter?.stats();
    // A run cut short by --duration or by a signal: truth covers the simulated time it reached.
    const truthAsOf = stoppedAtMs ?? (pacer?.truncated === true ? sim?.now : undefined);
    const recorded = await source?.figures();
    return result({
      truth: recorded?.truth ?? (truthAsOf === undefined ? (sim?.truth() ?? []) : (sim?.truth(truthAsOf) ?? [])),
      observed: recorded?.observed ?? sim?.observed() ?? [],
      eventsAcked: stats === undefined ? events : stats.eventsAcked + eventsResumed,
      batchesResent: stats?.resentBatches ?? 0,
      batchesRejected: stats?.rejectedBatches.length ?? 0,
      reconnects: stats?.reconnects ?? 0,
      ...(pacer === undefined ? {} : { pacing: pacer.figures() }),
      ...(stoppedAtMs === undefined ? {} : { stoppedAtMs }),
    });
  };
  try {
    if (task.replay === undefined) {
      sim = createShardSimulation(task.scenario, task.shard, { observeOnTake: false });
      source = simulatedBatches(sim);
    } else source = await recordedBatches(task.replay, task.shard);
    const batchSource: BatchSource<PendingBatch> = source;
    if (task.recordTo !== undefined) recorder = RecordAppender.open(task.recordTo);
    if (task.sink.kind === 'grpc')
      emitter = createIngestEmitter({
        target: task.sink.target,
        runId: task.sink.runId,
        streamId: task.sink.streamId,
        firstSequence: resumeAfter + 1,
        security: { caPem: task.sink.delivery?.caPem, token: task.sink.delivery?.token },
        connectTimeoutMs: task.sink.delivery?.reconnectTimeoutMs,
        ackTimeoutMs: task.sink.delivery?.ackTimeoutMs,
        // Bounded by the reconnect timeout instead: a pipeline restarted several times in a run
        // makes progress between outages, and each outage is judged on its own.
        ...(task.sink.delivery?.reconnectTimeoutMs === undefined ? {} : { maxReconnects: 1_000_000 }),
        ...(pacer === undefined ? {} : { onAck: (seq: number) => pacer.onAck(seq) }),
      });
    // Paced shards warm the JIT on a throwaway copy of the shard before the start gate, so the
    // first batches on the clock are not the slow, unoptimised ones.
    if (pacer !== undefined && task.replay === undefined && !stopRequested()) warmUp(task);
    // The first batch is built before the start gate, so no paced shard starts its schedule cold.
    let batch = stopRequested() ? null : await batchSource.next();
    await pacer?.ready();
    for (; batch !== null; batch = await batchSource.next()) {
      if (stopRequested()) break;
      // Paced: the batch waits for its slot; one that falls past --duration is neither sent nor
      // observed, so observed still equals what crossed the wire.
      if (pacer !== undefined && !(await pacer.beforeSend(batch.baseTimeMs, interrupt.signal))) break;
      pacer?.sent(batch.eventCount);
      const encoded = batchSource.take(batch);
      hash.update(encoded);
      batches++;
      recorder?.append(batchRecordHead(task.shard, batches, batch.eventCount, batch.baseTimeMs, encoded), encoded);
      events += batch.eventCount;
      bytes += encoded.byteLength;
      if (batches <= resumeAfter) eventsResumed += batch.eventCount;
      else if (emitter !== undefined) await emitter.send(encoded, batch.eventCount);
      if (port !== undefined && batches % PROGRESS_EVERY_BATCHES === 0)
        port.postMessage({ shard: task.shard, events, progress: batchSource.progress });
    }
    // Stopped with a batch in hand, or before the first: the shard did not reach its end.
    if (interrupt.signal.aborted && (batch !== null || batches === 0)) stoppedAtMs = batchSource.now;
    recorder?.close();
    if (resumeAfter > batches && task.sink.kind === 'grpc' && stoppedAtMs === undefined) {
      throw new SmsimError(
        'SMSIM_ERR_RESUME_FAILED',
        `the pipeline acked ${resumeAfter} batches of stream ${task.sink.streamId} in run ${task.sink.runId}, but this shard has only ${batches}: the run id belongs to another scenario, seed or batch size`,
        {
          details: { runId: task.sink.runId, streamId: task.sink.streamId, acked: resumeAfter, batches },
        },
      );
    }
    if (emitter !== undefined) await emitter.finish();
    port?.postMessage({ shard: task.shard, events, progress: stoppedAtMs === undefined ? 1 : batchSource.progress });
    return await finalResult();
  } catch (err) {
    // Cut by the drain timer of an interrupted run: not a failure, a run that stopped.
    if (drainExpired) {
      if (stoppedAtMs === undefined && source !== undefined && !source.done) stoppedAtMs = source.now;
      return await finalResult().catch((e: unknown) => result({ error: SmsimError.from(e, 'SMSIM_ERR_WORKER_FAILED').toData() }));
    }
    emitter?.abort();
    pacer?.arrive();
    // Errors cross the worker boundary as plain data; the pool rebuilds the SmsimError.
    return result({ error: SmsimError.from(err, 'SMSIM_ERR_WORKER_FAILED').toData() });
  } finally {
    clearTimeout(drainTimer);
    port?.close();
    await source?.close().catch(() => undefined);
    // A failed shard's recording is discarded by the run; its file must still be closed.
    try {
      recorder?.close();
    } catch {}
  }
}
