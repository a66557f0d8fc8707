import { receiveBatch } from './ingest-delivery.js';
import { isSmsimError } from '../../simulator/core/errors.js';
import { markLost } from './ingest-state.js';
import { decodeJournalRecord, type JournalRecord } from './journal-records.js';
import { openJournal, type FsyncMode, type Journal, type RecoveryInfo } from './journal.js';
import { createReferencePipeline } from './reference-pipeline.js';
import { RunRegistry } from './run-registry.js';
import type { ServeMetrics } from './serve-metrics.js';

export interface DurablePipeline {
  readonly runs: RunRegistry;
  readonly journal: Journal;
  readonly recovery: RecoveryInfo;
  /**
   * Records left out of the replay because they pass the wire's id limits: only a journal written
   * before the limits existed holds any (a client's 4 MiB stream ids), and replaying them would
   * bring back the memory and the Report size the limits exist to bound.
   */
  readonly skipped: { readonly records: number; readonly firstReason?: string };
}

/**
 * A reference pipeline backed by the journal in `dataDir`: the journal is replayed through the
 * same receiveBatch() the server uses, each record into its own run, so metrics, ackedThrough
 * per stream and the counters of every run come back exactly as they were acked (rejected
 * batches are journalled too, and are rejected again); a dropped run stays dropped; sequences a
 * repair could not read back stay consumed and are counted as lost (IngestStats.lost_batches). Duplicate
 * counts are not journalled: a duplicate changes nothing but its own counter.
 */
export function openDurablePipeline(
  dataDir: string,
  fsync: FsyncMode = 'batch',
  runs: RunRegistry = new RunRegistry(() => createReferencePipeline()),
  /** Counts the journal's commits from now on; the replay itself is not ingest and counts nothing. */
  metrics?: ServeMetrics,
): DurablePipeline {
  let skipped = 0;
  let firstReason: string | undefined;
  const { journal, recovery } = openJournal(dataDir, {
    fsync,
    metrics,
    onRecord: (payload) => {
      let record: JournalRecord;
      try {
        record = decodeJournalRecord(payload);
      } catch (err) {
        if (!isSmsimError(err, 'SMSIM_ERR_LIMIT_EXCEEDED')) throw err;
        skipped++;
        firstReason ??= err.message;
        return;
      }
      if (record.kind === 'drop-run') {
        runs.drop(record.runId);
        return;
      }
      if (record.kind === 'lost') {
        markLost(runs.get(record.runId).state, record.streamId, record.from, record.to);
        return;
      }
      const run = runs.get(record.request.runId);
      receiveBatch(run.state, run.pipeline, record.request);
    },
  });
  return { runs, journal, recovery, skipped: { records: skipped, ...(firstReason === undefined ? {} : { firstReason }) } };
}
