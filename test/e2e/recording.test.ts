import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchReport } from '../../harness/pipeline/report-client.js';
import { SMALL, killChildren, serve, smsim, smsimProcess, type CliResult } from '../helpers/cli.js';

/**
 * Record once, replay anywhere (real CLI processes, real gRPC on 127.0.0.1): a replay of a
 * recording is the run it recorded, to the fingerprint and every truth / observed / reported
 * figure, against the embedded pipeline and an external `smsim serve`; replays of shards merge
 * into the whole replay; a replay resumes; a damaged or foreign file is refused with its code and
 * byte offset before anything is sent.
 */

afterEach(killChildren);

const DEFAULT = 'scenarios/default.yaml';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'smsim-recording-'));

interface Report {
  runId: string;
  fingerprint: string;
  scenario: { name: string };
  pipeline: { kind: string };
  run: {
    sent: number;
    acked: number;
    lost: number;
    duplicates: number;
    batches: number;
    resumed?: { batches: number; events: number };
    pacing?: { mode: string; target: number; truncated: boolean };
  };
  shards: Array<{ index: number; fingerprint: string; events: number; batches: number }>;
  metrics: Array<{ id: string; labels: Record<string, string>; truth: number; observed: number; reported: number | null }>;
  expectations: Array<{ expect: string; passed: boolean }>;
  passed: boolean;
}

const parse = (r: CliResult): Report => {
  expect(r.stderr, r.stderr).not.toMatch(/SMSIM_ERR/);
  return JSON.parse(r.stdout) as Report;
};
/** Every row's figures, keyed: truth, observed and reported. */
const rows = (r: Report): Record<string, [number, number, number | null]> =>
  Object.fromEntries(r.metrics.map((m) => [`${m.id}${JSON.stringify(m.labels)}`, [m.truth, m.observed, m.reported]]));
const verdicts = (r: Report): Array<[string, boolean]> => r.expectations.map((e) => [e.expect, e.passed]);

/** The records of a recording, walked by its documented layout (docs/recording.md), not by smsim's reader. */
function records(bytes: Buffer): Array<{ offset: number; length: number; field: number }> {
  const out: Array<{ offset: number; length: number; field: number }> = [];
  for (let at = 12; at < bytes.length; ) {
    const length = bytes.readUInt32LE(at);
    // The payload's first byte is the RecordingRecord field's tag: field number << 3 | 2.
    out.push({ offset: at, length, field: (bytes[at + 8] as number) >> 3 });
    at += 8 + length;
  }
  return out;
}

async function expectRefused(file: string, code: string, offset: number, extra: string[] = []): Promise<string> {
  const r = await smsim(['replay', file, '--no-progress', ...extra]);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(`[${code}]`);
  expect(r.stderr).toContain(`(at byte ${offset})`);
  expect(r.stdout).toBe('');
  return r.stderr;
}

describe('record and replay (real processes)', () => {
  it('the default scenario: run --record, then replay on the embedded pipeline and on smsim serve, is the live run exactly', async () => {
    const dir = tmp();
    const file = join(dir, 'default.smrec');
    const live = await smsim(['run', DEFAULT, '--record', file, '--json', '--no-progress'], { timeoutMs: 120_000 });
    expect(live.code).toBe(0);
    expect(live.stderr).toMatch(
      /^smsim: recorded \d+ events in \d+ batches to .*default\.smrec: \d+ bytes \([\d.]+ bytes\/event\), fingerprint [0-9a-f]{64}\n$/,
    );
    const l = parse(live);
    expect(live.stderr).toContain(`recorded ${l.run.sent} events in ${l.run.batches} batches`);
    expect(live.stderr).toContain(l.fingerprint);

    const embedded = await smsim(['replay', file, '--json', '--no-progress'], { timeoutMs: 120_000 });
    expect(embedded.code).toBe(0);
    const e = parse(embedded);
    const { address } = await serve(['--port', '0', '--scenario', DEFAULT]);
    const external = await smsim(['replay', file, '--target', address, '--json', '--no-progress'], { timeoutMs: 120_000 });
    expect(external.code).toBe(0);
    const x = parse(external);
    expect(x.pipeline.kind).toBe('external');

    for (const r of [e, x]) {
      expect(r.fingerprint).toBe(l.fingerprint);
      expect(r.runId).toBe(l.runId);
      expect(r.shards).toEqual(l.shards);
      expect(r.run).toMatchObject({ sent: l.run.sent, acked: l.run.sent, lost: 0, duplicates: 0, batches: l.run.batches });
      // Truth and observed from the file, reported from the pipeline: all equal to the live run's.
      expect(rows(r)).toEqual(rows(l));
      expect(verdicts(r)).toEqual(verdicts(l));
      expect(r.passed).toBe(true);
    }
    expect(l.metrics.length).toBeGreaterThan(1000);
    expect(l.metrics.every((m) => m.reported === m.observed)).toBe(true);
  }, 300_000);

  it('smsim record writes the same bytes as run --record; replays of its shards merge into the whole replay', async () => {
    const dir = tmp();
    const recorded = join(dir, 'small.smrec');
    const rec = await smsim(['record', SMALL, '--file', recorded, '--json', '--no-progress']);
    expect(rec.code, rec.stderr).toBe(0);
    const summary = JSON.parse(rec.stdout) as { file: string; bytes: number; events: number; batches: number; fingerprint: string };
    const bytes = readFileSync(recorded);
    expect(summary.bytes).toBe(bytes.length);
    const live = join(dir, 'live.smrec');
    const run = parse(await smsim(['run', SMALL, '--record', live, '--json', '--no-progress']));
    expect(createHash('sha256').update(readFileSync(live)).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(summary).toMatchObject({ events: run.run.sent, batches: run.run.batches, fingerprint: run.fingerprint });

    // The layout: header, then per shard its batches and its figures, then the trailer.
    const fields = records(bytes).map((r) => r.field);
    expect(fields[0]).toBe(1);
    expect(fields.at(-1)).toBe(3);
    expect(fields.filter((f) => f === 2)).toHaveLength(run.run.batches);
    expect(fields.filter((f) => f === 4)).toHaveLength(3);

    const whole = parse(await smsim(['replay', recorded, '--json', '--no-progress']));
    const parts = [join(dir, 'a'), join(dir, 'b')];
    for (const [i, out] of parts.entries()) {
      const part = await smsim(['replay', recorded, '--shard', `${i}/2`, '--out', out, '--no-progress']);
      expect(part.code, part.stderr).toBe(0);
    }
    const merged = await smsim(['merge', ...parts, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    const m = parse(merged);
    expect(m.fingerprint).toBe(whole.fingerprint);
    expect(m.fingerprint).toBe(run.fingerprint);
    expect(m.shards).toEqual(whole.shards);
    expect(rows(m)).toEqual(rows(whole));
    expect(rows(m)).toEqual(rows(run));
    expect(verdicts(m)).toEqual(verdicts(whole));
    expect(m.passed).toBe(true);

    // Paced by the recorded batch times: 10 virtual days at 2 M× take under a second of schedule.
    const paced = parse(await smsim(['replay', recorded, '--speed', '2000000', '--json', '--no-progress']));
    expect(paced.run).toMatchObject({
      sent: whole.run.sent,
      lost: 0,
      duplicates: 0,
      pacing: { mode: 'speed', target: 2_000_000, truncated: false },
    });
    expect(paced.fingerprint).toBe(whole.fingerprint);
    expect(rows(paced)).toEqual(rows(whole));
  }, 180_000);

  it('a replay killed mid-run is refused again and finished exactly by --resume', async () => {
    const dir = tmp();
    const file = join(dir, 'small.smrec');
    expect((await smsim(['record', SMALL, '--file', file, '--no-progress'])).code).toBe(0);
    const whole = parse(await smsim(['replay', file, '--json', '--no-progress']));
    const { address } = await serve(['--port', '0']);
    const replay = ['replay', file, '--target', address, '--run-id', 'replayed', '--no-progress', '--json'];
    // Paced, so the replay lasts seconds and the kill lands mid-run.
    const first = smsimProcess([...replay, '--rate', '4000']);
    const deadline = Date.now() + 30_000;
    let accepted = 0;
    while (accepted < 5000) {
      if (Date.now() > deadline) throw new Error(`only ${accepted} events accepted`);
      await sleep(50);
      accepted = (await fetchReport(address, 'replayed', 0, { timeoutMs: 1000 })).stats.eventsAccepted;
    }
    first.child.kill('SIGKILL');
    expect((await first.done).code).toBeNull();

    const again = await smsim(replay);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[SMSIM_ERR_RUN_EXISTS]');
    const resumed = await smsim([...replay, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const r = parse(resumed);
    expect(r.run.resumed?.events).toBeGreaterThanOrEqual(5000);
    expect(r.run.resumed?.events).toBeLessThan(r.run.sent);
    expect(r.run).toMatchObject({ sent: whole.run.sent, lost: 0, duplicates: 0 });
    expect(r.fingerprint).toBe(whole.fingerprint);
    expect(rows(r)).toEqual(rows(whole));
    expect(r.passed).toBe(true);
    expect((await fetchReport(address, 'replayed', 0)).stats).toMatchObject({ eventsAccepted: whole.run.sent, duplicateBatches: 0 });
  }, 120_000);

  it('a truncated, damaged, foreign or mismatched file is refused with its code and offset, and nothing is sent', async () => {
    const dir = tmp();
    const file = join(dir, 'small.smrec');
    expect((await smsim(['record', SMALL, '--file', file, '--no-progress'])).code).toBe(0);
    const bytes = readFileSync(file);
    const recs = records(bytes);
    const write = (name: string, b: Buffer): string => {
      const f = join(dir, name);
      writeFileSync(f, b);
      return f;
    };
    const { address } = await serve(['--port', '0']);
    const target = ['--target', address, '--run-id', 'refused'];

    // Cut in the middle of the fifth record (a batch): that record is where the file is cut.
    const fifth = recs[4] as { offset: number; length: number };
    const cut = write('cut.smrec', bytes.subarray(0, fifth.offset + 8 + Math.floor(fifth.length / 2)));
    expect(await expectRefused(cut, 'SMSIM_ERR_RECORDING_TRUNCATED', fifth.offset, target)).toMatch(
      new RegExp(`the record is ${fifth.length + 8} bytes but the file ends after ${8 + Math.floor(fifth.length / 2)}`),
    );
    // Every record intact but the trailer missing: the run that wrote it did not finish.
    const trailer = recs.at(-1) as { offset: number };
    const noTrailer = write('no-trailer.smrec', bytes.subarray(0, trailer.offset));
    expect(await expectRefused(noTrailer, 'SMSIM_ERR_RECORDING_TRUNCATED', trailer.offset, target)).toMatch(/ends without its trailer/);

    // One flipped bit inside the third record's batch bytes.
    const third = recs[2] as { offset: number; length: number };
    const flipped = Buffer.from(bytes);
    const at = third.offset + 8 + Math.floor(third.length / 2);
    flipped[at] = (flipped[at] as number) ^ 0x10;
    expect(await expectRefused(write('flipped.smrec', flipped), 'SMSIM_ERR_RECORDING_CHECKSUM', third.offset, target)).toMatch(
      /CRC-32 does not match/,
    );

    const v2 = Buffer.from(bytes);
    v2.writeUInt32LE(2, 8);
    expect(await expectRefused(write('v2.smrec', v2), 'SMSIM_ERR_RECORDING_VERSION', 8, target)).toMatch(
      /format version 2; this smsim reads version 1/,
    );
    const foreign = Buffer.from(bytes);
    foreign.write('PK', 0, 'latin1');
    expect(await expectRefused(write('foreign.smrec', foreign), 'SMSIM_ERR_RECORDING_FOREIGN', 0, target)).toMatch(
      /not an smsim recording/,
    );

    // Intact, but not what was asked for: another scenario, or shards the file does not hold.
    expect(await expectRefused(file, 'SMSIM_ERR_RECORDING_MISMATCH', 0, [...target, '--scenario', DEFAULT])).toMatch(
      /a recording of scenario "small" .* not of scenarios\/default\.yaml \("default"/,
    );
    const partial = join(dir, 'partial.smrec');
    expect((await smsim(['record', SMALL, '--file', partial, '--shard', '0/3', '--no-progress'])).code).toBe(0);
    expect(await expectRefused(partial, 'SMSIM_ERR_RECORDING_MISMATCH', 0, [...target, '--shard', '1/3'])).toMatch(
      /shards 1 are not in the recording, which holds shards 0 of 3/,
    );

    // None of them sent a batch.
    expect((await fetchReport(address, 'refused', 0)).stats.eventsAccepted).toBe(0);
    const runs = await smsim(['runs', 'list', '--target', address, '--json']);
    expect(JSON.parse(runs.stdout)).toEqual([]);
  }, 180_000);
});
