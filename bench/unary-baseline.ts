import * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { EventBatchBuilder, eventsOf } from '../simulator/core/domain/event-batch.js';
import { createShardSimulation } from '../simulator/core/shard-simulation.js';
import type { ResolvedScenario } from '../simulator/core/scenario/resolve.js';
import { decodeEventBatch, encodeEventBatch } from '../wire/codec.js';
import { createReferencePipeline } from '../harness/pipeline/reference-pipeline.js';

/*
 * The baseline a user would write first: one event per unary gRPC call, 64 calls in flight, into
 * the same reference pipeline. Bench-only service; smsim's contract streams batches instead.
 */

const SEND = {
  path: '/smsim.bench.v1.UnaryIngest/Send',
  requestStream: false,
  responseStream: false,
  requestSerialize: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: () => Buffer.alloc(0),
  // grpc-js treats a null message as none at all (UNIMPLEMENTED "No message received").
  responseDeserialize: () => ({}),
} as const;

export interface UnaryResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** Sends up to `maxEvents` events of shard 0 one per call, for at most `maxSeconds`. */
export async function unaryBaseline(
  scenario: ResolvedScenario,
  maxEvents: number,
  maxSeconds: number,
  inFlight = 64,
): Promise<UnaryResult> {
  // Pre-encode single-event batches so the timed loop measures the transport and the pipeline.
  const sim = createShardSimulation(scenario, 0);
  const single = new EventBatchBuilder(1);
  const messages: Uint8Array[] = [];
  for (let b = sim.nextBatch(); b !== null && messages.length < maxEvents; b = sim.nextBatch()) {
    for (const e of eventsOf(b)) {
      if (messages.length >= maxEvents) break;
      single.add(e);
      messages.push(encodeEventBatch(single.take()).slice());
    }
  }
  const pipeline = createReferencePipeline();
  const server = new grpc.Server();
  server.addService({ Send: SEND } as unknown as grpc.ServiceDefinition, {
    Send: (call: grpc.ServerUnaryCall<Buffer, object>, cb: grpc.sendUnaryData<object>) => {
      pipeline.apply(decodeEventBatch(call.request));
      cb(null, {});
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const Client = grpc.makeGenericClientConstructor({ Send: SEND } as unknown as grpc.ServiceDefinition, 'UnaryIngest');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as {
    Send: (m: Uint8Array, cb: (err: grpc.ServiceError | null) => void) => void;
    close: () => void;
  };
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  let next = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    const sendOne = (): void => {
      if (next >= messages.length || performance.now() > deadline) {
        if (done === next) resolve();
        return;
      }
      const m = messages[next++] as Uint8Array;
      client.Send(m, (err) => {
        if (err) return reject(err);
        done++;
        sendOne();
      });
    };
    for (let i = 0; i < inFlight; i++) sendOne();
  });
  const seconds = (performance.now() - started) / 1000;
  client.close();
  server.forceShutdown();
  return { events: done, seconds, eventsPerSecond: Math.round(done / seconds) };
}
