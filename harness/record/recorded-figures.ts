import type { ShardResult } from '../../simulator/shard-task.js';
import { recordingError } from '../../wire/recording-format.js';
import type { Recording } from './read-recording.js';

/**
 * Checks the shards' results of a replay (their truth and observed figures are the recording's,
 * read by each worker): a shard that ran to its end must have sent exactly the recorded bytes,
 * so its fingerprint, recomputed as it sent, is held against the trailer's.
 */
export function checkReplayedShards(results: readonly ShardResult[], recording: Recording): readonly ShardResult[] {
  for (const r of results) {
    const recorded = recording.shards.get(r.shard);
    if (recorded === undefined)
      throw recordingError('SMSIM_ERR_RECORDING_MISMATCH', recording.file, 0, `shard ${r.shard} is not in the recording`);
    if (r.error === undefined && r.stoppedAtMs === undefined && r.fingerprint !== recorded.fingerprint)
      throw recordingError(
        'SMSIM_ERR_RECORDING_INVALID',
        recording.file,
        recorded.offset,
        `shard ${r.shard} sent batches whose sha256 is ${r.fingerprint}, the recording says ${recorded.fingerprint}: the file changed during the replay`,
      );
  }
  return results;
}
