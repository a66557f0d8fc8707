import type { ShardResult } from '../../simulator/shard-task.js';
import { recordingError } from '../../wire/recording-format.js';
import type { Recording } from './read-recording.js';

/**
 * The shards' results of a replay, with the truth and observed figures the recording holds (a
 * replay simulates nothing). A shard that ran to its end must have sent exactly the recorded
 * bytes: its fingerprint, recomputed as it sent, is held against the trailer's.
 */
export function withRecordedFigures(results: readonly ShardResult[], recording: Recording): ShardResult[] {
  return results.map((r) => {
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
    const figures = recording.figures.get(r.shard);
    return { ...r, truth: [...(figures?.truth ?? [])], observed: [...(figures?.observed ?? [])] };
  });
}
