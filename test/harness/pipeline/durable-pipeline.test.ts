import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBatchBuilder } from '../../../simulator/core/domain/event-batch.js';
import { EventKind } from '../../../simulator/core/domain/vocabulary.js';
import { openDurablePipeline } from '../../../harness/pipeline/durable-pipeline.js';
import { startPipelineServer, type PipelineServer } from '../../../harness/pipeline/ingest-server.js';
import { JOURNAL_FILE, type Journal } from '../../../harness/pipeline/journal.js';
import { createReferencePipeline } from '../../../harness/pipeline/reference-pipeline.js';
import { AckStatus } from '../../../wire/messages.js';
import { encodeEventBatch } from '../../../wire/codec.js';
import { RunRegistry } from '../../../harness/pipeline/run-registry.js';
import { rawStreamsClosedAfterEach } from '../../helpers/raw-ingest.js';

let clock = Date.UTC(2026, 2, 2);

/** One install request/response pair per batch: the reference metrics see real 8.14.x traffic. */
function batch(n: number): Uint8Array {
  const b = new EventBatchBuilder(2);
  b.add({ kind: EventKind.SERVICE_REQUEST, timeMs: clock++, code: '8.14.1', requestId: n, user: 1, device: n });
  b.add({ kind: EventKind.SERVICE_RESPONSE, timeMs: clock++, code: '8.14.1', requestId: n, user: 1, device: n, outcome: 1 });
  return encodeEventBatch(b.take());
}

const servers: PipelineServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop({ graceMs: 0 })));
});
const open = rawStreamsClosedAfterEach();

describe('durable reference pipeline', () => {
  it('rebuilds metrics, ackedThrough and counters from the journal (torn tail cut); a resumed stream gets duplicates acked, not re-applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsim-durable-'));
    const batches = [1, 2, 3, 4].map(batch);
    const first = openDurablePipeline(dir);
    const srv = await startPipelineServer({ runs: first.runs, journal: first.journal });
    servers.push(srv);
    const s = open(srv.address);
    s.send('run/a', 1, batches[0] as Uint8Array);
    s.send('run/a', 2, Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])); // rejected, consumed
    s.send('run/a', 3, batches[1] as Uint8Array);
    s.send('run/b', 1, batches[2] as Uint8Array);
    expect((await s.take(4)).map((a) => a.status)).toEqual([AckStatus.OK, AckStatus.REJECTED, AckStatus.OK, AckStatus.OK]);
    const before = { stats: srv.stats(), metrics: first.runs.get('').pipeline.report(0) };
    await srv.stop({ graceMs: 0 });
    await first.journal.close();

    // A crash mid-append leaves a torn record: a header announcing 500 bytes, 3 of them written.
    appendFileSync(join(dir, JOURNAL_FILE), Buffer.from([0xf4, 0x01, 0, 0, 1, 2, 3, 4, 9, 9, 9]));
    const second = openDurablePipeline(dir);
    expect(second.recovery).toMatchObject({
      records: 4,
      discardedBytes: 11,
      discardReason: expect.stringMatching(/torn record at byte \d+ \(500 bytes announced, 3 present\)/) as string,
    });
    expect(second.runs.stats('')).toEqual(before.stats);
    expect(second.runs.get('').pipeline.report(0)).toEqual(before.metrics);
    expect(before.metrics.length).toBeGreaterThan(0);

    const srv2 = await startPipelineServer({ runs: second.runs, journal: second.journal });
    servers.push(srv2);
    const resumed = open(srv2.address);
    resumed.send('run/a', 3, batches[1] as Uint8Array); // resent after the restart
    resumed.send('run/a', 4, batches[3] as Uint8Array);
    expect((await resumed.take(2)).map((a) => [a.sequence, a.ackedThrough, a.status])).toEqual([
      [3, 3, AckStatus.OK],
      [4, 4, AckStatus.OK],
    ]);
    expect(srv2.stats()).toMatchObject({
      batchesAccepted: 4,
      eventsAccepted: 8,
      duplicateBatches: 1,
      duplicateEvents: 2,
      rejectedBatches: 1,
    });
    await srv2.stop({ graceMs: 0 });
    await second.journal.close();
  });

  it('acks nothing until the journal says it is durable, and acks in request order', async () => {
    let release: (() => void) | undefined;
    const appended: number[] = [];
    const journal: Journal = {
      file: 'test',
      fsync: 'batch',
      append: (p) => void appended.push(p.length),
      durable: () => new Promise<void>((r) => (release = r)),
      stats: () => ({ records: appended.length, bytes: 0, commits: 0 }),
      close: async () => undefined,
    };
    const srv = await startPipelineServer({ runs: new RunRegistry(() => createReferencePipeline()), journal });
    servers.push(srv);
    const s = open(srv.address);
    s.send('run/d', 1, batch(1));
    const first = s.take(1);
    const outcome = await Promise.race([first.then(() => 'acked'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
    expect(outcome).toBe('waiting');
    expect(appended).toHaveLength(1);
    release?.();
    expect((await first)[0]).toMatchObject({ sequence: 1, status: AckStatus.OK });
  });
});
