import type { IngestStats } from '../../wire/messages.js';

/** Delivery counters of one emitter stream. */
export interface StreamCounters {
  /** Every sequence 1..ackedThrough has been applied, rejected, or counted as a duplicate. */
  ackedThrough: number;
  batchesAccepted: number;
  eventsAccepted: number;
  duplicateBatches: number;
  duplicateEvents: number;
  rejectedBatches: number;
  rejectedEvents: number;
  /** Time of the stream's last accepted event: the next batch may not start before it. */
  lastEventMs: number;
}

/**
 * Delivery state of one run (run-registry.ts holds one per run), kept outside the server so a
 * restarted server resumes where the last one stopped: rebuilt by replaying the journal
 * (durable-pipeline.ts), or handed over in-process.
 */
export interface IngestState {
  readonly streams: Map<string, StreamCounters>;
}

export function createIngestState(): IngestState {
  return { streams: new Map() };
}

/**
 * The run's delivery counters. `refusedCalls` counts calls the server ended itself (malformed
 * envelope, message too large, bad token, too many streams): they belong to no run, so every
 * run's stats carry the server's total.
 */
export function ingestStats(state: IngestState, refusedCalls = 0): IngestStats {
  let batchesAccepted = 0;
  let eventsAccepted = 0;
  let duplicateBatches = 0;
  let duplicateEvents = 0;
  let rejectedBatches = 0;
  let rejectedEvents = 0;
  const ids = [...state.streams.keys()].sort();
  const streams = ids.map((streamId) => {
    const s = state.streams.get(streamId) as StreamCounters;
    batchesAccepted += s.batchesAccepted;
    eventsAccepted += s.eventsAccepted;
    duplicateBatches += s.duplicateBatches;
    duplicateEvents += s.duplicateEvents;
    rejectedBatches += s.rejectedBatches;
    rejectedEvents += s.rejectedEvents;
    return { streamId, ackedThrough: s.ackedThrough, eventsAccepted: s.eventsAccepted };
  });
  return { batchesAccepted, eventsAccepted, duplicateBatches, duplicateEvents, rejectedBatches, rejectedEvents, refusedCalls, streams };
}

/** The counters of one stream, created empty on its first request. */
export function streamCounters(state: IngestState, streamId: string): StreamCounters {
  let s = state.streams.get(streamId);
  if (s === undefined) {
    s = {
      ackedThrough: 0,
      batchesAccepted: 0,
      eventsAccepted: 0,
      duplicateBatches: 0,
      duplicateEvents: 0,
      rejectedBatches: 0,
      rejectedEvents: 0,
      lastEventMs: -Infinity,
    };
    state.streams.set(streamId, s);
  }
  return s;
}
