import { decodeIngestRequest } from '../../wire/envelope.js';
import { createIngestState, receiveBatch, type IngestState } from './ingest-delivery.js';
import { openJournal, type FsyncMode, type Journal, type RecoveryInfo } from './journal.js';
import type { MeasurementPipeline } from './measurement-pipeline.js';
import { createReferencePipeline } from './reference-pipeline.js';

export interface DurablePipeline {
  readonly pipeline: MeasurementPipeline;
  readonly state: IngestState;
  readonly journal: Journal;
  readonly recovery: RecoveryInfo;
}

/**
 * A reference pipeline backed by the journal in `dataDir`: the journal is replayed through the
 * same receiveBatch() the server uses, so metrics, ackedThrough per stream and the counters come
 * back exactly as they were acked (rejected batches are journalled too, and are rejected again).
 * Duplicate counts are not journalled: a duplicate changes nothing but its own counter.
 */
export function openDurablePipeline(dataDir: string, fsync: FsyncMode = 'batch', pipeline: MeasurementPipeline = createReferencePipeline()): DurablePipeline {
  const state = createIngestState();
  const { journal, recovery } = openJournal(dataDir, {
    fsync,
    onRecord: (payload) => {
      receiveBatch(state, pipeline, decodeIngestRequest(payload));
    },
  });
  return { pipeline, state, journal, recovery };
}
