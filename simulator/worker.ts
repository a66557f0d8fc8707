import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createIngestEmitter } from '../wire/emitter.js';
import type { IngestEmitter } from '../wire/emitter-api.js';
import { encodeEventBatch } from '../wire/codec.js';
import { SmsimError } from './core/errors.js';
import { createShardSimulation, type ShardSimulation } from './core/shard-simulation.js';
import { Pacer } from './pacing.js';
import type { ShardResult, ShardTask } from './shard-task.js';

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
  try {
    sim = createShardSimulation(task.scenario, task.shard, { observeOnTake: false });
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
    if (pacer !== undefined) warmUp(task);
    // The first batch is built before the start gate, so no paced shard starts its schedule cold.
    let batch = sim.nextBatch();
    await pacer?.ready();
    while (batch !== null) {
      // Paced: the batch waits for its slot; one that falls past --duration is neither sent nor
      // observed, so observed still equals what crossed the wire.
      if (pacer !== undefined && !(await pacer.beforeSend(batch.baseTimeMs))) break;
      pacer?.sent(batch.eventCount);
      const encoded = encodeEventBatch(batch);
      sim.observe(batch);
      hash.update(encoded);
      batches++;
      events += batch.eventCount;
      bytes += encoded.byteLength;
      if (batches <= resumeAfter) eventsResumed += batch.eventCount;
      else if (emitter !== undefined) await emitter.send(encoded, batch.eventCount);
      if (port !== undefined && batches % PROGRESS_EVERY_BATCHES === 0)
        port.postMessage({ shard: task.shard, events, progress: sim.progress });
      batch = sim.nextBatch();
    }
    if (resumeAfter > batches && task.sink.kind === 'grpc') {
      throw new SmsimError(
        'SMSIM_ERR_RESUME_FAILED',
        `the pipeline acked ${resumeAfter} batches of stream ${task.sink.streamId} in run ${task.sink.runId}, but this shard has only ${batches}: the run id belongs to another scenario, seed or batch size`,
        {
          details: { runId: task.sink.runId, streamId: task.sink.streamId, acked: resumeAfter, batches },
        },
      );
    }
    const stats = emitter === undefined ? undefined : await emitter.finish();
    port?.postMessage({ shard: task.shard, events, progress: 1 });
    const truncated = pacer?.truncated === true;
    return result({
      // A run cut short by --duration: truth covers the simulated time it reached.
      truth: truncated ? sim.truth(sim.now) : sim.truth(),
      observed: sim.observed(),
      eventsAcked: stats === undefined ? events : stats.eventsAcked + eventsResumed,
      batchesResent: stats?.resentBatches ?? 0,
      batchesRejected: stats?.rejectedBatches.length ?? 0,
      reconnects: stats?.reconnects ?? 0,
      ...(pacer === undefined ? {} : { pacing: pacer.figures() }),
    });
  } catch (err) {
    emitter?.abort();
    pacer?.arrive();
    // Errors cross the worker boundary as plain data; the pool rebuilds the SmsimError.
    return result({ error: SmsimError.from(err, 'SMSIM_ERR_WORKER_FAILED').toData() });
  } finally {
    port?.close();
  }
}
