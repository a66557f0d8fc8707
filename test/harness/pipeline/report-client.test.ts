import { afterEach, describe, expect, it } from 'vitest';
import { SmsimError } from '../../../simulator/core/errors.js';
import { startPipelineServer, type PipelineServer } from '../../../harness/pipeline/ingest-server.js';
import type { Journal } from '../../../harness/pipeline/journal.js';
import { dropRun, fetchReport, listRuns } from '../../../harness/pipeline/report-client.js';
import { RunRegistry } from '../../../harness/pipeline/run-registry.js';
import { createIngestEmitter } from '../../../wire/emitter.js';
import { freePort } from '../../helpers/cli.js';
import { recordingPipeline, taggedBatch } from '../../helpers/batches.js';

/** The Reporting client against a real server on 127.0.0.1: retries, runs, and the codes a pipeline gives. */

const servers: PipelineServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop({ graceMs: 0 })));
});

async function server(options: Partial<Parameters<typeof startPipelineServer>[0]> = {}): Promise<PipelineServer> {
  const s = await startPipelineServer({ runs: new RunRegistry(recordingPipeline), ...options });
  servers.push(s);
  return s;
}

describe('Reporting client', () => {
  it('retries the Report while the pipeline is unreachable, within the window it is given', async () => {
    const port = await freePort();
    const target = `127.0.0.1:${port}`;
    await expect(fetchReport(target, 'r', 0, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'SMSIM_ERR_TARGET_UNREACHABLE' });
    const started = Date.now();
    const late = new Promise((r) => setTimeout(r, 400)).then(() => server({ port }));
    const report = await fetchReport(target, 'r', 0, { timeoutMs: 1000, retryWithinMs: 10_000 });
    await late;
    expect(report).toMatchObject({ runId: 'r', metrics: [], stats: { streams: [] } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    // A window that runs out ends in the same clear error.
    await expect(fetchReport(`127.0.0.1:${await freePort()}`, 'r', 0, { timeoutMs: 1000, retryWithinMs: 300 })).rejects.toMatchObject({
      code: 'SMSIM_ERR_TARGET_UNREACHABLE',
    });
  });

  it('lists and drops runs', async () => {
    const srv = await server();
    for (const runId of ['b', 'a']) {
      const e = createIngestEmitter({ target: srv.address, runId, streamId: 'shard-0000' });
      await e.send(taggedBatch(1), 3);
      await e.finish();
    }
    expect((await listRuns(srv.address)).map((r) => [r.runId, r.streams, r.batchesAccepted, r.eventsAccepted])).toEqual([
      ['a', 1, 1, 3],
      ['b', 1, 1, 3],
    ]);
    expect(await dropRun(srv.address, 'a')).toBe(true);
    expect(await dropRun(srv.address, 'a')).toBe(false);
    expect((await listRuns(srv.address)).map((r) => r.runId)).toEqual(['b']);
    expect((await fetchReport(srv.address, 'a', 0)).stats.streams).toEqual([]);
  });

  it('a failure the pipeline reports keeps its own code, on the stream and on the Report: a failed journal is not "unreachable"', async () => {
    // As FileJournal behaves once a write failed: every append and every durable() fail with it.
    const broken = new SmsimError('SMSIM_ERR_JOURNAL_FAILED', 'test.journal: append failed: ENOSPC');
    const failing: Journal = {
      file: 'test.journal',
      fsync: 'batch',
      append: () => {
        throw broken;
      },
      durable: () => Promise.reject(broken),
      stats: () => ({ records: 0, bytes: 0, commits: 0 }),
      close: async () => undefined,
    };
    const srv = await server({ journal: failing });
    const e = createIngestEmitter({ target: srv.address, runId: 'r', streamId: 'shard-0000', connectTimeoutMs: 600 });
    await e.send(taggedBatch(1), 3);
    await expect(e.finish()).rejects.toMatchObject({
      code: 'SMSIM_ERR_JOURNAL_FAILED',
      message: expect.stringMatching(/reported: test\.journal: append failed: ENOSPC/) as string,
    });

    const pipeline = recordingPipeline();
    pipeline.report = () => {
      throw new SmsimError('SMSIM_ERR_JOURNAL_FAILED', 'cannot read back');
    };
    const other = await server({ runs: new RunRegistry(() => pipeline) });
    const ok = createIngestEmitter({ target: other.address, runId: 'r', streamId: 'shard-0000' });
    await ok.send(taggedBatch(1), 3);
    await ok.finish();
    await expect(fetchReport(other.address, 'r', 0, { retryWithinMs: 5000 })).rejects.toMatchObject({ code: 'SMSIM_ERR_JOURNAL_FAILED' });
  });
});
