import { EventBatchBuilder, type EventBatchView, type EventFields } from '../../simulator/core/domain/event-batch.js';

/** A batch from hand-written events (times in ISO or ms), copied out of the builder's buffers. */
export function batchOf(events: ReadonlyArray<Omit<EventFields, 'timeMs'> & { at: string | number }>): EventBatchView {
  const b = new EventBatchBuilder(Math.max(1, events.length));
  for (const { at, ...e } of events) b.add({ ...e, timeMs: typeof at === 'number' ? at : Date.parse(at) });
  const v = b.take();
  return {
    ...v,
    kind: Array.from(v.kind),
    timeDeltaMs: Array.from(v.timeDeltaMs),
    device: Array.from(v.device),
    deviceType: Array.from(v.deviceType),
    network: Array.from(v.network),
    code: Array.from(v.code),
    requestId: Array.from(v.requestId),
    user: Array.from(v.user),
    outcome: Array.from(v.outcome),
    ref: Array.from(v.ref),
    value: Array.from(v.value),
    hopDeltaMs: Array.from(v.hopDeltaMs),
    resolverGroup: Array.from(v.resolverGroup),
  };
}

export const iso = (s: string): number => Date.parse(s);
