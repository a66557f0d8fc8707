import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchReport } from '../../harness/pipeline/report-client.js';
import { decodeIngestRequest, peekEventCount } from '../../wire/envelope.js';
import { freePort, killChildren, SMALL, serve, smsim } from '../helpers/cli.js';

/**
 * One flipped byte in the middle of a journal (record 13 of one per batch), with real processes: serve
 * refuses to start, naming the offset and the repair; `smsim journal repair` quarantines exactly
 * that record and keeps all the others, before and after it; serve starts again with every intact
 * record, and the run says it is incomplete rather than hiding the lost batch.
 */

afterEach(killChildren);

const RUN = 'damaged';
const TIME = '/usr/bin/time';

interface JournalRecord {
  offset: number;
  length: number;
  streamId: string;
  sequence: number;
  events: number;
}

/** The records of a journal, parsed from its documented format (docs/reliability.md). */
function records(file: string): JournalRecord[] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('SMSIMJ01');
  const out: JournalRecord[] = [];
  for (let pos = 8; pos < bytes.length; ) {
    const length = bytes.readUInt32LE(pos);
    const request = decodeIngestRequest(bytes.subarray(pos + 8, pos + 8 + length));
    out.push({ offset: pos, length, streamId: request.streamId, sequence: request.sequence, events: peekEventCount(request.batchBytes) });
    pos += 8 + length;
  }
  return out;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Peak RSS in MiB that GNU time printed (`-f 'maxrss %M'`), or undefined without it. */
const maxRssMiB = (stderr: string): number | undefined => {
  const kb = /maxrss (\d+)/.exec(stderr)?.[1];
  return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
};

describe('one flipped byte mid-journal (real processes)', () => {
  it('is refused with its offset, repaired into a quarantine, and the run then says it is incomplete', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'smsim-damaged-'));
    const file = join(dir, 'ingest.journal');
    const target = `127.0.0.1:${port}`;
    const args = ['--port', String(port), '--data-dir', dir];
    const timed = existsSync(TIME) ? { wrap: [TIME, '-f', 'maxrss %M'] } : {};

    let server = await serve(args);
    const sent = await smsim(['emit', SMALL, '--target', target, '--json', '--no-progress', '--run-id', RUN]);
    expect(sent.code, sent.stderr).toBe(0);
    const { sent: total, batches } = (JSON.parse(sent.stdout) as { run: { sent: number; batches: number } }).run;
    await stop(server.child);

    const all = records(file);
    expect(all).toHaveLength(batches);
    expect(all.reduce((n, r) => n + r.events, 0)).toBe(total);
    const hit = all[12] as JournalRecord;
    // A stream whose later batches are intact gets a hole: they replay, the lost one is counted.
    const hole = all.slice(13).some((r) => r.streamId === hit.streamId);
    const bytes = readFileSync(file);
    const flipAt = hit.offset + 8 + Math.floor(hit.length / 2);
    bytes[flipAt] = (bytes[flipAt] as number) ^ 0x01;
    writeFileSync(file, bytes);

    const refused = await smsim(['serve', ...args]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${file}: damaged before its end: checksum mismatch in the record at byte ${hit.offset}, and ${batches - 13} intact records after it`,
    );
    expect(refused.stderr).toContain(`smsim journal repair --data-dir ${dir}`);
    expect(refused.stderr).toContain('[SMSIM_ERR_JOURNAL_DAMAGED]');
    expect(readFileSync(file).equals(bytes)).toBe(true);

    let started = performance.now();
    const repaired = await smsim(['journal', 'repair', '--data-dir', dir, '--json'], timed);
    const repairMs = performance.now() - started;
    expect(repaired.code, repaired.stderr).toBe(0);
    const result = JSON.parse(repaired.stdout) as { keptRecords: number; quarantined: unknown[]; lost: unknown[]; quarantineFile: string };
    expect(result).toMatchObject({
      keptRecords: batches - 1,
      quarantined: [{ offset: hit.offset, bytes: 8 + hit.length, reason: `checksum mismatch in the record at byte ${hit.offset}` }],
      lost: hole ? [{ runId: RUN, streamId: hit.streamId, from: hit.sequence, to: hit.sequence }] : [],
    });
    expect(existsSync(result.quarantineFile)).toBe(true);

    started = performance.now();
    server = await serve(args);
    const restartMs = performance.now() - started;
    const serveRss = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1];
    const report = await fetchReport(target, RUN, 0);
    expect(report.stats.eventsAccepted).toBe(total - hit.events);
    expect(report.stats.batchesAccepted).toBe(batches - 1);
    expect(report.stats.lostBatches).toBe(hole ? 1 : 0);
    const listed = await smsim(['runs', 'list', '--target', target]);
    if (hole) expect(listed.stdout).toContain('INCOMPLETE: 1 acked batches lost');

    // Resumed: with a hole the stream's acked_through is past the lost batch, so nothing is sent
    // again and the run's report counts its events lost; without one the batch is sent again.
    const resumed = await smsim(['emit', SMALL, '--target', target, '--json', '--no-progress', '--run-id', RUN, '--resume']);
    expect(resumed.stderr).toBe('');
    const run = (JSON.parse(resumed.stdout) as { run: { lost: number; duplicates: number; pipelineLostBatches?: number } }).run;
    expect(run).toMatchObject({ lost: hole ? hit.events : 0, duplicates: 0 });
    expect(run.pipelineLostBatches).toBe(hole ? 1 : undefined);
    expect(resumed.code).toBe(hole ? 1 : 0);
    console.log(
      `DAMAGE ${JSON.stringify({ sent: total, hitEvents: hit.events, hole, lost: run.lost, duplicates: run.duplicates, repairMs: Math.round(repairMs), restartToListeningMs: Math.round(restartMs), repairPeakRssMiB: maxRssMiB(repaired.stderr), servePeakRssMiB: Math.round(Number(serveRss) / 1024) })}`,
    );
  }, 90_000);
});
