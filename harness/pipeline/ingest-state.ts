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
  /**
   * Acked batches lost afterwards: sequences a journal repair could not read back
   * (journal-repair.ts). They stay consumed, so acked_through never goes back, but their events
   * are in no figure: the run is known to be incomplete.
   */
  lostBatches: number;
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
  let lostBatches = 0;
  const ids = [...state.streams.keys()].sort();
  const streams = ids.map((streamId) => {
    const s = state.streams.get(streamId) as StreamCounters;
    batchesAccepted += s.batchesAccepted;
    eventsAccepted += s.eventsAccepted;
    duplicateBatches += s.duplicateBatches;
    duplicateEvents += s.duplicateEvents;
    rejectedBatches += s.rejectedBatches;
    rejectedEvents += s.rejectedEvents;
    lostBatches += s.lostBatches;
    return { streamId, ackedThrough: s.ackedThrough, eventsAccepted: s.eventsAccepted, lostBatches: s.lostBatches };
  });
  return {
    batchesAccepted,
    eventsAccepted,
    duplicateBatches,
    duplicateEvents,
    rejectedBatches,
    rejectedEvents,
    refusedCalls,
    lostBatches,
    streams,
  };
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
      lostBatches: 0,
      lastEventMs: -Infinity,
    };
    state.streams.set(streamId, s);
  }
  return s;
}

/**
 * Marks sequences `from..to` of a stream as acked and lost (a journal repair's record of a hole):
 * the stream's later batches then replay in order, and the loss is counted, never hidden.
 */
export function markLost(state: IngestState, streamId: string, from: number, to: number): void {
  const s = streamCounters(state, streamId);
  if (to <= s.ackedThrough) return;
  s.lostBatches += to - Math.max(from - 1, s.ackedThrough);
  s.ackedThrough = to;
}
