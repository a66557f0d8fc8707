import { open, rename, rm } from 'node:fs/promises';
import type { MetricSample } from '../../simulator/core/domain/metrics/metric-table.js';
import { isSmsimError } from '../../simulator/core/errors.js';
import type { ResolvedScenario } from '../../simulator/core/scenario/resolve.js';
import type { ShardResult } from '../../simulator/shard-task.js';
import { RecordAppender } from '../../wire/recording-appender.js';
import {
  encodeFiguresRecord,
  encodeHeaderRecord,
  encodePreamble,
  encodeTrailerRecord,
  RECORDING_FORMAT_VERSION,
  type RecordedShard,
  type RecordingHeader,
  recordingError,
} from '../../wire/recording-format.js';
import { runFingerprint } from '../oracle/merge-shards.js';
import { scenarioDigest } from '../run/run-id.js';
import { SMSIM_VERSION } from '../version.js';

/** Bytes copied at once when the shards' parts are joined into the recording. */
const COPY_BYTES = 8 * 1024 * 1024;

/** What a finished recording holds, for the command's summary and the bench. */
export interface RecordingSummary {
  readonly file: string;
  readonly bytes: number;
  readonly batches: number;
  readonly events: number;
  readonly fingerprint: string;
}

/**
 * Records a run (`smsim record`, `--record F`): each shard's worker appends its batch records
 * to a part file of its own as it sends (no batch crosses a thread to be written), and once
 * every shard has ended the parts are joined, in shard order, between the header written at the
 * start and the trailer with the run's figures. The file is built as F.partial and renamed to F
 * only when complete, so F is either a whole recording or absent; a run that fails or is
 * interrupted leaves no recording.
 */
export class RunRecorder {
  private readonly partial: string;

  constructor(
    readonly file: string,
    private readonly scenario: ResolvedScenario,
    private readonly shards: readonly number[],
  ) {
    this.partial = `${file}.partial`;
  }

  /** Where shard `s`'s worker appends its batch records. */
  partFor(shard: number): string {
    return `${this.file}.shard-${String(shard).padStart(4, '0')}.part`;
  }

  /** Writes the preamble and header: before the run, so a file that cannot be written fails it at once. */
  start(): void {
    const header: RecordingHeader = {
      formatVersion: RECORDING_FORMAT_VERSION,
      smsimVersion: SMSIM_VERSION,
      scenarioName: this.scenario.name,
      scenarioSha256: scenarioDigest(this.scenario),
      resolvedScenarioJson: JSON.stringify(this.scenario),
      seed: String(this.scenario.seed),
      shardCount: this.scenario.estate.shardCount,
      shards: [...this.shards].sort((a, b) => a - b),
      batchSize: this.scenario.batchSize,
    };
    const out = RecordAppender.open(this.partial);
    out.append(encodePreamble(), encodeHeaderRecord(header));
    out.close();
  }

  /** Joins the shards' parts and writes the trailer with their figures; returns what was written. */
  async finish(results: readonly ShardResult[]): Promise<RecordingSummary> {
    const ordered = [...results].sort((a, b) => a.shard - b.shard);
    const out = await open(this.partial, 'a').catch((err: unknown) => {
      throw recordingError('SMSIM_ERR_RECORDING_UNREADABLE', this.partial, 0, `cannot append to it: ${String(err)}`, err);
    });
    let offset = (await out.stat()).size;
    const shards: RecordedShard[] = [];
    try {
      const buf = Buffer.allocUnsafe(COPY_BYTES);
      for (const r of ordered) {
        const part = await open(this.partFor(r.shard), 'r');
        let length = 0;
        try {
          for (;;) {
            const { bytesRead } = await part.read(buf, 0, COPY_BYTES, length);
            if (bytesRead === 0) break;
            await out.write(buf, 0, bytesRead);
            length += bytesRead;
          }
        } finally {
          await part.close();
        }
        const figures = encodeFiguresRecord({ shard: r.shard, truth: labelled(r.truth), observed: labelled(r.observed) });
        await out.write(figures);
        shards.push({
          shard: r.shard,
          batches: r.batches,
          events: r.events,
          batchBytes: r.bytes,
          fingerprint: r.fingerprint,
          offset,
          length,
          figuresOffset: offset + length,
        });
        offset += length + figures.length;
      }
      const batches = shards.reduce((s, x) => s + x.batches, 0);
      const events = shards.reduce((s, x) => s + x.events, 0);
      const fingerprint = runFingerprint(shards);
      const trailer = encodeTrailerRecord({ shards, fingerprint, batches, events });
      await out.write(trailer);
      await out.sync();
      await out.close();
      await rename(this.partial, this.file);
      await this.removeParts();
      return { file: this.file, bytes: offset + trailer.length, batches, events, fingerprint };
    } catch (err) {
      await out.close().catch(() => undefined);
      throw isSmsimError(err)
        ? err
        : recordingError('SMSIM_ERR_RECORDING_UNREADABLE', this.partial, offset, `cannot write it: ${String(err)}`, err);
    }
  }

  /** Removes everything written: a run that failed or was interrupted leaves no recording. */
  async discard(): Promise<void> {
    await rm(this.partial, { force: true });
    await this.removeParts();
  }

  private async removeParts(): Promise<void> {
    await Promise.all(this.shards.map((s) => rm(this.partFor(s), { force: true })));
  }
}

/** A sample with its labels as a plain object (protobuf's map<string, string>). */
function labelled(samples: readonly MetricSample[]): MetricSample[] {
  return samples.map((s) => ({ id: s.id, labels: { ...s.labels }, value: s.value }));
}
