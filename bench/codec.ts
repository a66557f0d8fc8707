import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { ColumnarDecoder, decodeColumnar } from '../wire/columnar-decoder.js';
import { encodeColumnar } from '../wire/columnar-encoder.js';
import { EventBatchDecoder } from '../wire/codec.js';
import { protoTypes } from '../wire/proto-root.js';
import { loadScenario } from '../harness/scenario/load-scenario.js';
import { findPackageRoot } from '../wire/proto-root.js';
import type { EventBatchView } from '../simulator/core/domain/event-batch.js';
import { createShardSimulation } from '../simulator/core/shard-simulation.js';

/** Encode and decode events/s of the hand codec against protobufjs reflection, same batches. */
export async function codecBench(): Promise<Record<string, number>> {
  const { scenario } = await loadScenario(join(findPackageRoot(import.meta.url), 'scenarios', 'default.yaml'));
  const sim = createShardSimulation(scenario, 0);
  const views: EventBatchView[] = [];
  for (let b = sim.nextBatch(); b !== null && views.length < 150; b = sim.nextBatch()) views.push(structuredClone(b));
  const events = views.reduce((s, v) => s + v.eventCount, 0);
  const T = protoTypes().EventBatch;
  const time = (f: () => void): number => {
    for (let i = 0; i < 3; i++) f(); // warm up
    const t = performance.now();
    const rounds = 10;
    for (let i = 0; i < rounds; i++) f();
    return Math.round((events * rounds) / ((performance.now() - t) / 1000));
  };
  const encoded = views.map((v) => encodeColumnar(v));
  return {
    'codec.protobufjs.encodeEventsPerSecond': time(() => {
      for (const v of views) T.encode({ ...v }).finish();
    }),
    'codec.hand.encodeEventsPerSecond': time(() => {
      for (const v of views) encodeColumnar(v);
    }),
    'codec.protobufjs.decodeEventsPerSecond': time(() => {
      for (const b of encoded) T.decode(b);
    }),
    'codec.hand.decodeEventsPerSecond': time(() => {
      for (const b of encoded) decodeColumnar(b);
    }),
    // What the ingest server does per batch: decode into reused columns, then validate.
    'codec.hand.decodeReusedEventsPerSecond': time(() => {
      const d = new ColumnarDecoder();
      for (const b of encoded) d.decode(b);
    }),
    'codec.hand.decodeValidatedEventsPerSecond': time(() => {
      const d = new EventBatchDecoder();
      for (const b of encoded) d.decode(b);
    }),
    'wire.bytesPerEvent': Math.round((encoded.reduce((s, b) => s + b.length, 0) / events) * 10) / 10,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await codecBench());
